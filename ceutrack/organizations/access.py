"""Every access decision of the organizations app, in one place.

A manager, admin or owner sees only staff who are current members of an organization where
they hold a role now, and who have consented and not withdrawn. Any other combination is a
404, never a 403, so nobody learns which organizations or people exist.
"""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity
from ceutrack.organizations.models import (
    MANAGE_ROLES,
    VIEW_ROLES,
    Invitation,
    Membership,
    Organization,
)


def get_organization(
    user: AbstractBaseUser | AnonymousUser, slug: str, *, manage: bool = False
) -> tuple[Organization, Membership]:
    """The organization and the user's own membership, if the user may view it (or
    manage its people and invitations when `manage`); 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    roles = MANAGE_ROLES if manage else VIEW_ROLES
    membership = (
        Membership.objects.current()
        .select_related("organization")
        .filter(user_id=user.pk, organization__slug=slug, role__in=roles)
        .first()
    )
    if membership is None:
        raise Http404
    return membership.organization, membership


def visible_staff(organization: Organization) -> QuerySet[Membership]:
    """The staff of an organization whose records its managers may see right now."""
    return Membership.objects.consented().filter(organization=organization)


def get_visible_member(organization: Organization, membership_id: int) -> Membership:
    """One consented, current staff member of the organization, or 404."""
    membership = (
        visible_staff(organization)
        .select_related("user", "team", "organization")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def get_visible_activity(member: Membership, activity_id: int) -> Activity:
    activity = Activity.objects.filter(user_id=member.user_id, pk=activity_id).first()
    if activity is None:
        raise Http404
    return activity


# The drill-down shows a member's activities without their private notes; so does their history.
MANAGER_HIDDEN_ACTIVITY_FIELDS = frozenset({"notes"})


def history_visible_since(member: Membership) -> datetime:
    """A manager sees the changes a member made to their records while sharing them with the
    organization: from the current consent on. Earlier changes (and records deleted before)
    stay the person's own."""
    return member.consent_given_at or timezone.now()


def get_manageable_membership(organization: Organization, membership_id: int) -> Membership:
    """A current membership of the organization, for an admin or owner to change (the
    caller has checked the manage role; views refuse the last owner's removal)."""
    membership = (
        Membership.objects.current()
        .select_related("user", "team")
        .filter(organization=organization, pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def get_invitation(organization: Organization, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(organization=organization, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def get_own_membership(user: AbstractBaseUser | AnonymousUser, membership_id: int) -> Membership:
    """A membership of the signed-in person (for consent, withdrawal and leaving)."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.current()
        .select_related("organization")
        .filter(user_id=user.pk, pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def _viewers_of(staff: QuerySet[Membership]) -> QuerySet[User]:
    """Active people holding a view role now in an organization of any of these staff rows."""
    viewer_ids = (
        Membership.objects.current()
        .filter(role__in=VIEW_ROLES, organization_id__in=staff.values("organization_id"))
        .values("user_id")
    )
    return User.objects.filter(pk__in=viewer_ids, is_active=True)


def managers_of(user: AbstractBaseUser) -> QuerySet[User]:
    """Everyone who may see this person's records now: active people holding a view role in
    an organization where the person is a consented, current staff member (never the person
    themself), by email."""
    staff = Membership.objects.consented().filter(user_id=user.pk)
    return _viewers_of(staff).exclude(pk=user.pk).order_by("email")


def staff_visible_to(viewer: AbstractBaseUser) -> QuerySet[Membership]:
    """The staff rows (one per person and organization) whose records `viewer` may see now:
    consented, current members of every organization where `viewer` holds a view role."""
    organizations = (
        Membership.objects.current()
        .filter(user_id=viewer.pk, role__in=VIEW_ROLES)
        .values("organization_id")
    )
    return Membership.objects.consented().filter(organization_id__in=organizations)


def managers_of_anyone() -> QuerySet[User]:
    """Everyone who may see at least one person's records now."""
    return _viewers_of(Membership.objects.consented())
