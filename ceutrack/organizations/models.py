"""Employers: organizations, their people (with consent), invitations, nudges and the
stored compliance summary the dashboard reads."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Staff member"


# Who may look at compliance, and who may manage people and invitations.
VIEW_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.MANAGER})
MANAGE_ROLES = frozenset({Role.OWNER, Role.ADMIN})


class Organization(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_team_name")
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> "MembershipQuerySet":
        return self.filter(left_at__isnull=True)

    def consented(self) -> "MembershipQuerySet":
        """Current staff who share their records right now (the only people a manager sees)."""
        return self.current().filter(
            role=Role.MEMBER, consent_given_at__isnull=False, consent_withdrawn_at__isnull=True
        )


class Membership(models.Model):
    """A person's place in an organization. Staff (role member) are visible to the
    organization's managers only while consent stands and they have not left."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]
        indexes = [models.Index(fields=["organization", "role", "left_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.left_at is None

    @property
    def shares_records(self) -> bool:
        return (
            self.is_current
            and self.role == Role.MEMBER
            and self.consent_given_at is not None
            and self.consent_withdrawn_at is None
        )

    @property
    def can_view(self) -> bool:
        return self.is_current and self.role in VIEW_ROLES

    @property
    def can_manage(self) -> bool:
        return self.is_current and self.role in MANAGE_ROLES


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def in_state(self, state: str, now: datetime | None = None) -> "InvitationQuerySet":
        """The invitations a person sees in `state` (see Invitation.state): a pending one past
        its expiry counts as expired, not pending. An unknown state filters nothing."""
        now = now or timezone.now()
        if state == InvitationStatus.EXPIRED:
            return self.filter(
                Q(status=InvitationStatus.EXPIRED)
                | Q(status=InvitationStatus.PENDING, expires_at__lte=now)
            )
        if state == InvitationStatus.PENDING:
            return self.filter(status=InvitationStatus.PENDING, expires_at__gt=now)
        if state in InvitationStatus.values:
            return self.filter(status=state)
        return self


class Invitation(models.Model):
    """An emailed, expiring invitation. The link carries a random token; resending
    replaces the token, so an older link stops working."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one open invitation per address and organization.
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        if self.expires_at is None:
            self.expires_at = self.sent_at + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
        super().save(*args, **kwargs)

    def state(self, now: datetime | None = None) -> str:
        """The status a person should see: a pending invitation past its expiry is expired."""
        now = now or timezone.now()
        if self.status == InvitationStatus.PENDING and self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return self.status

    def get_state_display(self) -> str:
        return InvitationStatus(self.state()).label

    def is_open(self, now: datetime | None = None) -> bool:
        return self.state(now) == InvitationStatus.PENDING


class NudgeLog(models.Model):
    """A reminder a manager sent one staff member; also the rate limiter's memory."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["organization", "recipient", "sent_at"])]

    def __str__(self) -> str:
        return f"Nudge to {self.recipient} at {self.sent_at:%Y-%m-%d %H:%M}"


class SummaryStatus(models.TextChoices):
    """A person's overall status: the worst of their bodies' current cycles."""

    LAPSED = "lapsed", "Lapsed"
    BEHIND = "behind", "Behind"
    AT_RISK = "at_risk", "At risk"
    ON_TRACK = "on_track", "On track"
    COMPLETE = "complete", "Complete"
    NONE = "none", "No credentials yet"


# Worst first: the dashboard sorts by this rank and a person's status is the minimum.
STATUS_RANK = {status: rank for rank, status in enumerate(SummaryStatus.values)}


class ComplianceSummary(models.Model):
    """The engine's verdict on one person, stored so a dashboard of thousands reads rows
    instead of re-evaluating everybody. Refreshed whenever the person's inputs change and
    once their local day has moved past `as_of` (see ceutrack.organizations.summaries).

    The headline fields describe the person's worst body (then the soonest cycle end);
    `bodies` holds every body's figures for display."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compliance_summary"
    )
    as_of = models.DateField(help_text="The person's local date the figures were computed for.")
    valid_until = models.DateTimeField(help_text="The next local midnight after as_of.")
    status = models.CharField(max_length=16, choices=SummaryStatus.choices)
    status_rank = models.PositiveSmallIntegerField()
    body_codes = models.CharField(max_length=32, blank=True, help_text="e.g. ',AAPC,AHIMA,'")
    credential_codes = models.CharField(max_length=255, blank=True, help_text="e.g. ',CPC,CRC,'")
    credentials = models.CharField(max_length=255, blank=True)
    cycle_end = models.DateField(null=True, blank=True)
    days_left = models.IntegerField(null=True, blank=True)
    required = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    earned = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    remaining = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    bodies = models.JSONField(default=list)
    last_activity_on = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["valid_until"]),
            models.Index(fields=["status_rank", "days_left"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status} as of {self.as_of}"
