"""The credential catalog (requirement data) and the credentials a person holds."""

from django.conf import settings
from django.db import models


class Body(models.TextChoices):
    AAPC = "AAPC", "AAPC"
    AHIMA = "AHIMA", "AHIMA"


class CredentialType(models.Model):
    """A credential a certifying body awards, with its requirement data.

    Seeded from ceutrack.rules.catalog and editable in the admin: the engine is
    given these rows, so a body's rule change is a data change.
    """

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)
    body = models.CharField(max_length=8, choices=Body.choices)
    base_units = models.DecimalField(max_digits=5, decimal_places=1)
    topic = models.CharField(max_length=64, blank=True)
    topic_minimum = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    apprentice_of = models.CharField(max_length=16, blank=True)
    supersedes = models.CharField(max_length=16, blank=True)
    self_review = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True, help_text="Offered to users when adding.")

    class Meta:
        ordering = ["body", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.body})"

    @property
    def is_apprentice(self) -> bool:
        return bool(self.apprentice_of)


class Credential(models.Model):
    """A credential a person holds, with its certification date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials"
    )
    credential_type = models.ForeignKey(
        CredentialType, on_delete=models.PROTECT, related_name="holders"
    )
    earned_on = models.DateField("certification date")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["earned_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "credential_type"], name="one_credential_of_a_type_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credential_type.code} since {self.earned_on:%Y-%m-%d}"

    @property
    def body(self) -> str:
        return self.credential_type.body


class OfficialCycle(models.Model):
    """A cycle's dates (and optionally required units) copied from the body's portal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official_cycles"
    )
    body = models.CharField(max_length=8, choices=Body.choices)
    start = models.DateField()
    end = models.DateField()
    required = models.DecimalField(
        "required units", max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["body", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="official_cycle_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


class ApprenticeEvidence(models.Model):
    """What a CPC-A / COC-A holder has towards removing the apprentice designation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="apprentice_evidence"
    )
    experience_months = models.PositiveSmallIntegerField(
        "months of coding experience (documented)", default=0
    )
    course_contact_hours = models.DecimalField(
        "coding course contact hours", max_digits=5, decimal_places=1, default=0
    )
    practicode = models.BooleanField("Practicode completed", default=False)

    def __str__(self) -> str:
        return f"Apprentice evidence of {self.user}"
