"""Change history of organization memberships, the coder's timeline across every record, and
what a manager's drill-down shows (ceutrack.activities.history does the work)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from ceutrack.accounts.models import User
from ceutrack.activities.history import (
    CycleRef,
    HistoryPage,
    Scope,
    Viewing,
    cycles_of,
    history_page,
)
from ceutrack.activities.history_sources import (
    LOOKUPS,
    RECORD_SOURCES,
    RecordKind,
    Source,
    Tracked,
    show_moment,
)
from ceutrack.organizations import access
from ceutrack.organizations.models import Membership, Organization, Role, Team
from ceutrack.rules import Evaluation


def _team_names(ids: set[int]) -> dict[int, str]:
    return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


def _organization_names(ids: set[int]) -> dict[int, str]:
    return dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))


def show_role(value: str) -> str:
    return Role(value).label if value in Role.values else value


MEMBERSHIP = Source(
    kind=RecordKind.MEMBERSHIP,
    model=Membership,
    fields=(
        Tracked("role", "Role", show_role),
        Tracked("team_id", "Team", lookup="team"),
        Tracked("joined_at", "Joined", show_moment),
        Tracked("consent_given_at", "Sharing records since", show_moment),
        Tracked("consent_withdrawn_at", "Stopped sharing records", show_moment),
        Tracked("left_at", "Left", show_moment),
    ),
    label=lambda row, lookups: lookups.name("organization", row.organization_id),
)
ALL_SOURCES = (*RECORD_SOURCES, MEMBERSHIP)
LOOKUPS_WITH_ORGANIZATIONS = {
    **LOOKUPS,
    "team": _team_names,
    "organization": _organization_names,
}


def own_scopes(owner: User, kinds: frozenset[str] | None = None) -> list[Scope]:
    """Everything a person may see of their own history: their activities, credentials,
    official cycles and memberships (deleted ones included), optionally of some kinds only."""
    return [
        Scope(source, Q(user_id=owner.pk))
        for source in ALL_SOURCES
        if kinds is None or source.kind in kinds
    ]


def own_viewing(
    owner: User, *, counts_in: Mapping[int, Sequence[CycleRef]] | None = None
) -> Viewing:
    return Viewing(
        owner=owner,
        viewer=owner,
        counts_in=counts_in or {},
        lookup_loaders=LOOKUPS_WITH_ORGANIZATIONS,
    )


def member_scopes(member: Membership) -> list[Scope]:
    """What an organization's managers may see of a consented member's history: changes to
    their records since they began sharing with the organization (access.py decides), and
    their membership of this organization only."""
    since = access.history_visible_since(member)
    hidden = access.MANAGER_HIDDEN_ACTIVITY_FIELDS
    scopes = [
        Scope(
            source,
            Q(user_id=member.user_id),
            hidden if source.kind == RecordKind.ACTIVITY else frozenset(),
            since=since,
        )
        for source in RECORD_SOURCES
    ]
    scopes.append(Scope(MEMBERSHIP, Q(id=member.pk), since=since))
    return scopes


def member_viewing(
    member: Membership, *, viewer: User, counts_in: Mapping[int, Sequence[CycleRef]] | None = None
) -> Viewing:
    return Viewing(
        owner=member.user,
        viewer=viewer,
        counts_in=counts_in or {},
        lookup_loaders=LOOKUPS_WITH_ORGANIZATIONS,
    )


def forget_person(user_id: int) -> None:
    """Drop the history of a removed account's records with the account itself."""
    forget_people([user_id])


def forget_people(user_ids: Collection[int]) -> None:
    """Drop the history of these people's records, one delete per kind of record."""
    for source in ALL_SOURCES:
        history: QuerySet[Any] = source.history()
        history.filter(user_id__in=user_ids).delete()


def member_history_page(
    member: Membership, *, viewer: User, evaluation: Evaluation, number: Any, per_page: int
) -> HistoryPage:
    """A page of a consented member's changes as the organization's managers may see them."""
    viewing = member_viewing(member, viewer=viewer, counts_in=cycles_of(evaluation))
    return history_page(member_scopes(member), viewing, number=number, per_page=per_page)
