"""Continuing-education activities a coder logs, with their certificates."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from simple_history.models import HistoricalRecords

from ceutrack.history import HistoryManagerBuiltOnce


def get_private_storage() -> Storage:
    """Where certificates and audit packs live: the "private" entry of settings.STORAGES
    (under PRIVATE_MEDIA_ROOT, with no URL). The file fields name this function, so their
    migrations hold no path and follow the setting."""
    return storages["private"]


# The same storage object the file fields use, for code that reads or deletes files itself.
private_storage = get_private_storage()


def certificate_path(instance: models.Model, filename: str) -> str:
    """A random name that keeps only the (already validated) extension."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"certificates/{uuid.uuid4().hex}{suffix}"


class Kind(models.TextChoices):
    SEMINAR = "seminar", "Seminar"
    WEBINAR = "webinar", "Webinar"
    WORKSHOP = "workshop", "Workshop"
    CONFERENCE = "conference", "Conference"
    CHAPTER_MEETING = "chapter_meeting", "Chapter meeting"
    AHIMA_MEETING = "ahima_meeting", "AHIMA meeting"
    FORMAL_EDUCATION = "formal_education", "Formal education"
    TRAINING_COURSE = "training_course", "Training course"
    HANDS_ON = "hands_on", "Hands-on"
    ON_DEMAND = "on_demand", "On-demand course"
    QUIZ = "quiz", "Quiz"
    SELF_REVIEW = "self_review", "Coding self-review"
    PRESENTATION = "presentation", "Presentation"
    PUBLICATION = "publication", "Publication"
    OTHER = "other", "Other"


class Activity(models.Model):
    """One completed CE activity. Whether and where it counts is the engine's call."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField("completion date")
    units = models.DecimalField("CEUs", max_digits=4, decimal_places=1)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    aapc = models.BooleanField("report to AAPC (AAPC-approved)", default=False)
    aapc_index = models.CharField("AAPC index number", max_length=32, blank=True)
    topic = models.CharField(max_length=64, blank=True)
    ahima = models.BooleanField("report to AHIMA", default=False)
    ahima_domain = models.BooleanField("in an AHIMA health information domain", default=True)
    ahima_sourced = models.BooleanField("offered by AHIMA or a state association", default=False)
    notes = models.TextField(blank=True)
    certificate = models.FileField(
        upload_to=certificate_path, storage=get_private_storage, blank=True, max_length=200
    )
    certificate_name = models.CharField("original file name", max_length=200, blank=True)
    certificate_type = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who changed what and when (ceutrack.activities.history). The certificate is kept as its
    # stored name only, never the file; updated_at repeats history_date.
    history = HistoricalRecords(
        excluded_fields=["updated_at"], history_manager=HistoryManagerBuiltOnce
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["user", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d}, {self.units} CEUs)"


# ------------------------------------------------------------------ records that travel


def pack_path(instance: "AuditPack", filename: str) -> str:
    return f"audit_packs/{uuid.uuid4().hex}.zip"


class AuditPack(models.Model):
    """A large audit pack built in the background; small packs are streamed and never stored."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_packs"
    )
    body = models.CharField(max_length=8)
    cycle_start = models.DateField()
    cycle_end = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=pack_path, storage=get_private_storage, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.body} audit pack {self.cycle_start:%Y-%m-%d} to {self.cycle_end:%Y-%m-%d}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.READY else int(100 * self.done / (self.total or 1))


class CalendarFeed(models.Model):
    """The secret token in a person's private iCal feed URL; a new token retires the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"


class PendingCertificate(models.Model):
    """A certificate uploaded to start a new activity, kept until the person confirms the
    proposed entry (the file then moves to the activity) or abandons it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_certificates"
    )

    class Status(models.TextChoices):
        READING = "reading", "Being read"
        READ = "read", "Read"
        UNREADABLE = "unreadable", "Could not be read"

    file = models.FileField(upload_to=certificate_path, storage=get_private_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READING)
    proposal = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class CertificateReading(models.Model):
    """What reading a stored certificate file gave, kept under the file's storage name so a
    file is read once: the upload's reading moves with the file to the activity and every
    audit pack reuses it."""

    name = models.CharField(max_length=200, unique=True)
    readable = models.BooleanField()
    method = models.CharField(max_length=8, blank=True)
    problem = models.CharField(max_length=200, blank=True)
    proposal = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
