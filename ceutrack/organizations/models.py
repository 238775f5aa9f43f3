"""Employers: organizations, their people (with consent), invitations, nudges and the
stored compliance summary the dashboard reads."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ceutrack.credentials.presentation import NO_CREDENTIALS, STATUS_LABELS
from ceutrack.history import HistoryManagerBuiltOnce


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


class MembershipState(models.TextChoices):
    """Where a membership stands (transitions: Membership.join and the methods after it). An
    open invitation is the "invited" step before a membership exists, or "re-invited" after
    it ended."""

    JOINED = "joined", "Member"
    WITHDRAWN = "withdrawn", "Member, not sharing records"
    LEFT = "left", "Left"
    REMOVED = "removed", "Removed"


class TransitionRefused(Exception):
    """A membership change the membership's state does not allow (shown to the person)."""


class NotPermitted(TransitionRefused):
    """A membership change the person asking may not make (a 404 in views)."""


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
    # When the membership ended (the person left or was removed); None while current.
    left_at = models.DateTimeField(null=True, blank=True)
    removed = models.BooleanField(default=False, help_text="Ended by the organization.")

    objects = MembershipQuerySet.as_manager()
    # Who changed what and when (organizations/history.py).
    history = HistoricalRecords(history_manager=HistoryManagerBuiltOnce)

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

    @property
    def state(self) -> MembershipState:
        if self.left_at is not None:
            return MembershipState.REMOVED if self.removed else MembershipState.LEFT
        if self.role == Role.MEMBER and not self.shares_records:
            return MembershipState.WITHDRAWN
        return MembershipState.JOINED

    # --- Transitions. Each checks the state and who asks, changes the row and saves it; the
    # callers (ceutrack.organizations.services) add locking, mail and summary refreshes.
    #   invited / re-invited --join--> joined (staff consent at that moment)
    #   joined --withdraw_consent--> withdrawn --give_consent--> joined      (staff themselves)
    #   joined / withdrawn --leave--> left                                   (the person)
    #   joined / withdrawn --remove--> removed    (an owner or admin; only owners remove owners)
    #   left / removed --(a new invitation)--> re-invited --join--> joined
    # Ending a membership clears role, team and consent: a later join takes them from the new
    # invitation alone, and staff must consent again.

    def join(
        self, invitation: "Invitation", *, by: AbstractBaseUser, consent: bool, now: datetime
    ) -> None:
        if by.pk != self.user_id:
            raise NotPermitted("Only the invited person can accept an invitation.")
        if invitation.organization_id != self.organization_id or not invitation.is_open(now):
            raise NotPermitted("This invitation is no longer open.")
        if self.pk is not None and self.is_current:
            raise TransitionRefused(f"You are already a member of {self.organization.name}.")
        if invitation.role == Role.MEMBER and not consent:
            raise TransitionRefused("Tick the box to share your CEU records, or decline.")
        self.role = invitation.role
        self.team = invitation.team
        self.joined_at = now
        self.left_at = None
        self.removed = False
        self.consent_given_at = now if invitation.role == Role.MEMBER else None
        self.consent_withdrawn_at = None
        self.save()

    def withdraw_consent(self, *, by: AbstractBaseUser, now: datetime) -> None:
        self._check_self_service(by)
        if self.state != MembershipState.JOINED or self.role != Role.MEMBER:
            raise TransitionRefused("You are not sharing your records with this organization.")
        self.consent_withdrawn_at = now
        self.save(update_fields=["consent_withdrawn_at"])

    def give_consent(self, *, by: AbstractBaseUser, now: datetime) -> None:
        self._check_self_service(by)
        if self.state != MembershipState.WITHDRAWN:
            raise TransitionRefused("You already share your records with this organization.")
        self.consent_given_at = now
        self.consent_withdrawn_at = None
        self.save(update_fields=["consent_given_at", "consent_withdrawn_at"])

    def leave(self, *, by: AbstractBaseUser, now: datetime) -> None:
        self._check_self_service(by)
        if self.is_last_owner():
            raise TransitionRefused(
                "You are the only owner: make someone else an owner before you leave."
            )
        self._end(now=now, removed=False)

    def remove(self, *, by: "Membership", now: datetime) -> None:
        """`by` is the remover's own membership of the same organization."""
        if (
            by.organization_id != self.organization_id
            or not by.can_manage
            or by.pk == self.pk
            or not self.is_current
            or (self.role == Role.OWNER and by.role != Role.OWNER)
        ):
            raise NotPermitted("You cannot remove this person.")
        if self.is_last_owner():
            raise TransitionRefused("An organization needs at least one owner.")
        self._end(now=now, removed=True)

    def is_last_owner(self) -> bool:
        return (
            self.is_current
            and self.role == Role.OWNER
            and not Membership.objects.current()
            .filter(organization_id=self.organization_id, role=Role.OWNER)
            .exclude(pk=self.pk)
            .exists()
        )

    def _check_self_service(self, by: AbstractBaseUser) -> None:
        if by.pk != self.user_id or not self.is_current:
            raise NotPermitted("Only the person can change their own membership.")

    def _end(self, *, now: datetime, removed: bool) -> None:
        self.left_at = now
        self.removed = removed
        self.role = Role.MEMBER
        self.team = None
        self.consent_given_at = None
        self.consent_withdrawn_at = None
        self.save()


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

    LAPSED = "lapsed", STATUS_LABELS["lapsed"]
    BEHIND = "behind", STATUS_LABELS["behind"]
    AT_RISK = "at_risk", STATUS_LABELS["at_risk"]
    ON_TRACK = "on_track", STATUS_LABELS["on_track"]
    COMPLETE = "complete", STATUS_LABELS["complete"]
    NONE = "none", NO_CREDENTIALS


# Worst first: the dashboard sorts by this rank and a person's status is the minimum.
STATUS_RANK = {status: rank for rank, status in enumerate(SummaryStatus.values)}


class ComplianceSummary(models.Model):
    """The engine's verdict on one person, stored so a dashboard of thousands reads rows
    instead of re-evaluating everybody. Refreshed whenever the person's inputs change and
    once the verdict stops holding (see ceutrack.organizations.summaries).

    The headline fields describe the person's worst body (then the soonest cycle end);
    `bodies` holds every body's figures for display."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compliance_summary"
    )
    as_of = models.DateField(help_text="The person's local date the figures were computed for.")
    valid_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the verdict stops holding (the engine's holds_until, local "
        "midnight); empty: only a change to the person's records changes it.",
    )
    status = models.CharField(max_length=16, choices=SummaryStatus.choices)
    status_rank = models.PositiveSmallIntegerField()
    body_codes = models.CharField(max_length=32, blank=True, help_text="e.g. ',AAPC,AHIMA,'")
    credential_codes = models.CharField(max_length=255, blank=True, help_text="e.g. ',CPC,CRC,'")
    credentials = models.CharField(max_length=255, blank=True)
    cycle_end = models.DateField(null=True, blank=True)
    days_left = models.IntegerField(
        null=True, blank=True, help_text="As of as_of; pages derive days left at read time."
    )
    required = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    earned = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    remaining = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    bodies = models.JSONField(default=list)
    last_activity_on = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["valid_until"]),
            models.Index(fields=["status_rank", "cycle_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status} as of {self.as_of}"
