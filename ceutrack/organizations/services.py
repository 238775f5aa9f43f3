"""Workflows that cross models or send mail: creating organizations, inviting, accepting
with consent, withdrawing, leaving and nudging."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ceutrack.accounts.models import User
from ceutrack.organizations import emails, summaries
from ceutrack.organizations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    NotPermitted,
    NudgeLog,
    Organization,
    Role,
    Team,
)

# Slugs that would shadow the app's own URLs (organizations/new/, .../mine/...).
RESERVED_SLUGS = frozenset({"new", "invitation", "mine"})


def unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "organization"
    if base in RESERVED_SLUGS:
        base = f"{base}-organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_organization(*, name: str, owner: User) -> Organization:
    organization = Organization.objects.create(name=name, slug=unique_slug(name), created_by=owner)
    Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    return organization


@dataclass
class InviteResult:
    sent: list[str] = field(default_factory=list)
    already_members: list[str] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)


@transaction.atomic
def invite_people(
    *,
    organization: Organization,
    emails_to_invite: list[str],
    role: str,
    team: Team | None,
    invited_by: User,
) -> InviteResult:
    """Invite each address once: skip current members and addresses with an open
    invitation (resend those instead); an expired pending one is closed and replaced."""
    result = InviteResult()
    now = timezone.now()
    members = {
        e.lower()
        for e in Membership.objects.current()
        .filter(organization=organization, user__email__in=emails_to_invite)
        .values_list("user__email", flat=True)
    }
    pending = {
        i.email: i
        for i in Invitation.objects.filter(
            organization=organization, email__in=emails_to_invite, status=InvitationStatus.PENDING
        )
    }
    for email in emails_to_invite:
        if email in members:
            result.already_members.append(email)
            continue
        existing = pending.get(email)
        if existing is not None and existing.is_open(now):
            result.already_invited.append(email)
            continue
        if existing is not None:
            existing.status = InvitationStatus.EXPIRED
            existing.save(update_fields=["status"])
        invitation = Invitation.objects.create(
            organization=organization, email=email, role=role, team=team, invited_by=invited_by
        )
        emails.send_invitation(invitation)
        result.sent.append(email)
    return result


@transaction.atomic
def resend_invitation(invitation: Invitation, *, now: datetime | None = None) -> Invitation:
    """A fresh link and expiry; the previous link stops working."""
    now = now or timezone.now()
    invitation.token = Invitation._meta.get_field("token").get_default()
    invitation.status = InvitationStatus.PENDING
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    invitation.save(update_fields=["token", "status", "sent_at", "expires_at"])
    emails.send_invitation(invitation)
    return invitation


def revoke_invitation(invitation: Invitation) -> None:
    invitation.status = InvitationStatus.REVOKED
    invitation.save(update_fields=["status"])


def email_matches(user: User, email: str) -> bool:
    """Whether the invitation was sent to one of the person's own (verified) addresses."""
    email = email.lower()
    if user.email.lower() == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user: User, consent: bool) -> Membership:
    """Join, or rejoin after leaving or removal, with the role and team of this invitation
    alone; staff give consent at this moment. Raises TransitionRefused (or NotPermitted)."""
    now = timezone.now()
    if not email_matches(user, invitation.email):
        raise NotPermitted("This invitation was sent to another address.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, organization=invitation.organization)
        .first()
    ) or Membership(user=user, organization=invitation.organization)
    membership.join(invitation, by=user, consent=consent, now=now)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    if membership.shares_records:
        summaries.queue_refresh(user.pk)
    return membership


def withdraw_consent(membership: Membership, *, by: User) -> None:
    membership.withdraw_consent(by=by, now=timezone.now())


def give_consent(membership: Membership, *, by: User) -> None:
    membership.give_consent(by=by, now=timezone.now())
    summaries.queue_refresh(membership.user_id)


@transaction.atomic
def leave(membership: Membership, *, by: User) -> None:
    _lock_owners(membership.organization_id)
    membership.leave(by=by, now=timezone.now())


@transaction.atomic
def remove(membership: Membership, *, by: Membership) -> None:
    _lock_owners(membership.organization_id)
    membership.remove(by=by, now=timezone.now())


def _lock_owners(organization_id: int) -> None:
    """Serialise two owners leaving or removing each other at once, so one always stays
    (PostgreSQL row locks; SQLite writes are serial anyway)."""
    list(
        Membership.objects.select_for_update()
        .filter(organization_id=organization_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )


def next_nudge_at(member: Membership, *, now: datetime | None = None) -> datetime | None:
    """When the organization may nudge this person again; None when it may now."""
    now = now or timezone.now()
    interval = timedelta(hours=settings.NUDGE_INTERVAL_HOURS)
    last = (
        NudgeLog.objects.filter(
            organization_id=member.organization_id,
            recipient_id=member.user_id,
            sent_at__gt=now - interval,
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return None if last is None else last + interval


@transaction.atomic
def nudge(*, member: Membership, sender: User, message: str) -> bool:
    """Email one staff member a reminder unless the organization did so within the
    interval; returns whether it was sent. The lock on the membership row serialises two
    managers pressing the button at once (PostgreSQL; SQLite writes are serial anyway)."""
    Membership.objects.select_for_update().filter(pk=member.pk).first()
    if next_nudge_at(member) is not None:
        return False
    NudgeLog.objects.create(
        organization_id=member.organization_id, sender=sender, recipient_id=member.user_id
    )
    emails.send_nudge(member=member, sender=sender, message=message)
    return True
