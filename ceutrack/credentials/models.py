"""The credential catalog (requirement data) and the credentials a person holds."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ceutrack.history import HistoryManagerBuiltOnce

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class Body(models.TextChoices):
    AAPC = "AAPC", "AAPC"
    AHIMA = "AHIMA", "AHIMA"


class CredentialTypeQuerySet(models.QuerySet["CredentialType"]):
    def offered(self) -> "CredentialTypeQuerySet":
        """Credential types a person may add, in the order forms list them."""
        return self.filter(is_active=True).order_by("body", "code")


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
    topic_label = models.CharField(
        max_length=64, blank=True, help_text="How the topic is written on pages (ENT, OB/GYN)."
    )
    is_active = models.BooleanField(default=True, help_text="Offered to users when adding.")

    objects = CredentialTypeQuerySet.as_manager()

    class Meta:
        ordering = ["body", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.body})"

    @property
    def is_apprentice(self) -> bool:
        return bool(self.apprentice_of)

    def clean(self) -> None:
        # Catch admin edits the engine could not make sense of, next to the field at fault.
        self.code = self.code.strip().upper()
        errors: dict[str, str] = {}
        if self.base_units is not None and self.base_units <= 0:
            errors["base_units"] = "Base units must be more than 0."
        if self.topic_minimum is not None and self.topic_minimum <= 0:
            errors["topic_minimum"] = "A topic minimum must be more than 0."
        elif bool(self.topic) != (self.topic_minimum is not None):
            errors["topic_minimum"] = "Give both a topic and its minimum units, or neither."
        for field in ("apprentice_of", "supersedes"):
            other = getattr(self, field).strip().upper()
            setattr(self, field, other)
            if not other:
                continue
            if other == self.code:
                errors[field] = "A credential cannot refer to itself."
            elif not CredentialType.objects.filter(code__iexact=other, body=self.body).exists():
                errors[field] = f"No {self.body} credential has the code {other}."
        if errors:
            raise ValidationError(errors)


class CycleKind(models.TextChoices):
    """How a body's cycle dates are computed (selects functions in ceutrack.rules.cycles)."""

    AAPC = "aapc", "Renewal month (AAPC: last day of the membership month)"
    AHIMA = "ahima", "Anniversary (AHIMA: day before the 2nd anniversary)"


class BodyRule(models.Model):
    """One certifying body's requirement rules; mirrors ceutrack.rules.catalog.BodyRules.

    required units = min(max(base units of the credentials held) + extra units x (n - 1),
    maximum units). Seeded from the engine's catalog and editable in the admin.
    """

    body = models.CharField(max_length=8, choices=Body.choices, unique=True)
    name = models.CharField(max_length=120)
    extra_units = models.DecimalField(
        "extra units per additional credential", max_digits=5, decimal_places=1
    )
    max_units = models.DecimalField("maximum units per cycle", max_digits=5, decimal_places=1)
    cycle_kind = models.CharField(max_length=16, choices=CycleKind.choices)
    cycle_months = models.PositiveSmallIntegerField("cycle length in months", default=24)
    prorate_first_cycle = models.BooleanField(
        default=False, help_text="The first cycle's requirement is pro-rated by its months."
    )
    renewal_month_carry = models.BooleanField(
        default=False,
        help_text="Units of a cycle's last month may go to the next cycle once it is complete.",
    )
    index_dedupe = models.BooleanField(
        "count each index number once",
        default=False,
        help_text="An approved course (index number) counts only once.",
    )
    domain_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Share of the required units that must be in the body's domains (e.g. 0.80).",
    )
    sourced_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Share of the required units that must come from the body itself (e.g. 0.40).",
    )
    sourced_from = models.DateField(
        null=True, blank=True, help_text="The sourced share applies to cycles starting on or after."
    )
    self_review_count = models.PositiveSmallIntegerField(
        default=0, help_text="Coding self-reviews required per cycle of a self-review credential."
    )
    self_review_until = models.DateField(
        null=True, blank=True, help_text="Self-reviews apply to cycles ending on or before."
    )

    class Meta:
        ordering = ["body"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain_share__isnull=True)
                | models.Q(domain_share__gte=0, domain_share__lte=1),
                name="body_rule_domain_share_is_a_share",
            ),
            models.CheckConstraint(
                condition=models.Q(sourced_share__isnull=True)
                | models.Q(sourced_share__gte=0, sourced_share__lte=1),
                name="body_rule_sourced_share_is_a_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} rules"

    def clean(self) -> None:
        # Values the engine would turn into nonsense ("-1 of -1 (100 %)"), refused at the field.
        errors: dict[str, str] = {}
        if self.extra_units is not None and self.extra_units < 0:
            errors["extra_units"] = "Extra units cannot be negative."
        if self.max_units is not None and self.max_units <= 0:
            errors["max_units"] = "The maximum must be more than 0."
        if self.cycle_months is not None and self.cycle_months < 1:
            errors["cycle_months"] = "A cycle lasts at least one month."
        if errors:
            raise ValidationError(errors)


class CredentialQuerySet(models.QuerySet["Credential"]):
    def for_user(self, user: "AbstractBaseUser") -> "CredentialQuerySet":
        """A person's credentials in entry order for the engine (certification date, id)."""
        return (
            self.filter(user_id=user.pk)
            .select_related("credential_type")
            .order_by("earned_on", "id")
        )


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

    objects = CredentialQuerySet.as_manager()
    # Who changed what and when (activities/history.py).
    history = HistoricalRecords(history_manager=HistoryManagerBuiltOnce)

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


class OfficialCycleQuerySet(models.QuerySet["OfficialCycle"]):
    def for_user(self, user: "AbstractBaseUser") -> "OfficialCycleQuerySet":
        return self.filter(user_id=user.pk).order_by("body", "start", "id")


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

    objects = OfficialCycleQuerySet.as_manager()
    # Who changed what and when (activities/history.py).
    history = HistoricalRecords(history_manager=HistoryManagerBuiltOnce)

    class Meta:
        ordering = ["body", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="official_cycle_end_after_start",
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
