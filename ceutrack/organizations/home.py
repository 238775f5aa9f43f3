"""A manager's home: per organization they manage, the staff count per status and the people
needing attention first, read from the stored summaries the compliance dashboard uses (no
person is evaluated here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ceutrack.accounts.models import User
from ceutrack.organizations.models import VIEW_ROLES, Membership, Organization, SummaryStatus
from ceutrack.organizations.staff_list import (
    ROW_COLUMNS,
    StaffRow,
    filter_staff,
    staff_and_counts,
    staff_rows,
)

ATTENTION_ROWS = 5
# Worst first (the dashboard's status order); on track, complete and "no credentials" need none.
NEEDS_ATTENTION = (SummaryStatus.LAPSED, SummaryStatus.BEHIND, SummaryStatus.AT_RISK)


@dataclass(frozen=True)
class Overview:
    organization: Organization
    membership: Membership
    counts: list[dict[str, Any]]
    staff_count: int
    attention_count: int
    attention: list[StaffRow]


def managed_memberships(user: User) -> list[Membership]:
    """The person's current memberships holding a view role (owner, admin, manager)."""
    return list(
        Membership.objects.current()
        .filter(user=user, role__in=VIEW_ROLES)
        .select_related("organization")
        .order_by("organization__name")
    )


def overview(membership: Membership) -> Overview:
    organization = membership.organization
    staff, counts, _updating = staff_and_counts(organization)
    attention_count = sum(c["count"] for c in counts if c["status"] in NEEDS_ATTENTION)
    rows: list[StaffRow] = []
    if attention_count:
        worst = filter_staff(
            staff.filter(user__compliance_summary__status__in=NEEDS_ATTENTION), {"sort": "status"}
        )
        rows = staff_rows(worst[:ATTENTION_ROWS].values(*ROW_COLUMNS), organization=organization)
    return Overview(
        organization=organization,
        membership=membership,
        counts=counts,
        staff_count=sum(c["count"] for c in counts),
        attention_count=attention_count,
        attention=rows,
    )
