"""Personal access tokens for the REST API and public verification links.

A token's secret is shown once and stored only as a SHA-256 digest, found again by a short
prefix that is not secret. A verification link's token is kept (its owner may show the link
and its QR code again, and the audit pack prints it) and compared in constant time.
"""

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "ceu"


class Scope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, *, now: datetime | None = None) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A personal access token: `ceu_<lookup>_<secret>` sent as `Authorization: Bearer ...`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    lookup = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_scope_display()})"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, digest(secret))


def new_token_parts() -> tuple[str, str]:
    """A fresh (lookup, full token); the lookup is the token's non-secret middle part."""
    lookup = secrets.token_hex(6)
    return lookup, f"{TOKEN_PREFIX}_{lookup}_{secrets.token_urlsafe(32)}"


def split_token(token: str) -> str | None:
    """The lookup part of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[1]


class VerificationLinkQuerySet(models.QuerySet["VerificationLink"]):
    def active(self, *, now: datetime | None = None) -> "VerificationLinkQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


LOOKUP_LENGTH = 12


class VerificationLink(models.Model):
    """A public, read-only page proving a coder's standing, for whoever holds the link."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_links"
    )
    label = models.CharField(max_length=100, blank=True)
    token = models.CharField(max_length=64)
    lookup = models.CharField(max_length=LOOKUP_LENGTH, unique=True)
    show_activities = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    objects = VerificationLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Verification link {self.lookup} of {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        self.lookup = self.token[:LOOKUP_LENGTH]
        super().save(*args, **kwargs)

    def is_active(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token.encode(), token.encode())
