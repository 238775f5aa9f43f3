"""Continuing-education activities a coder logs, with their certificates."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    """Certificates live under PRIVATE_MEDIA_ROOT with no public URL."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def certificate_path(instance: "Activity", filename: str) -> str:
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
        upload_to=certificate_path, storage=private_storage, blank=True, max_length=200
    )
    certificate_name = models.CharField("original file name", max_length=200, blank=True)
    certificate_type = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["user", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d}, {self.units} CEUs)"
