"""Counting units (domain.md section 3): rejections, duplicates, allocation, totals."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ceutrack.rules.catalog import AAPC, AHIMA, BodyRules, Catalog
from ceutrack.rules.cycles import CycleSpan
from ceutrack.rules.requirements import HeldType, Requirement
from ceutrack.rules.types import (
    FUTURE_CREDENTIAL,
    FUTURE_DATE,
    INVALID_INCREMENT,
    INVALID_UNITS,
    SELF_REVIEW,
    UNKNOWN_CREDENTIAL,
    Activity,
    HeldCredential,
    Rejection,
)

# ------------------------------------------------------------------ 3.1 rejected at entry


def credential_rejection(
    credential: HeldCredential, *, today: date, catalog: Catalog
) -> str | None:
    """Why a credential is refused at entry (3.1), or None."""
    if catalog.credential(credential.code) is None:
        return UNKNOWN_CREDENTIAL
    if credential.earned_on > today:
        return FUTURE_CREDENTIAL
    return None


def activity_rejection(activity: Activity, *, today: date, catalog: Catalog) -> str | None:
    """Why an activity is refused at entry (3.1, first rule that applies), or None."""
    if activity.completed_on > today:
        return FUTURE_DATE
    if activity.units <= 0 or activity.units > catalog.max_activity_units:
        return INVALID_UNITS
    if activity.units % catalog.unit_step != 0:
        return INVALID_INCREMENT
    return None


def accept_credentials(
    credentials: Sequence[HeldCredential], *, today: date, catalog: Catalog
) -> tuple[list[HeldType], list[Rejection]]:
    held: list[HeldType] = []
    rejected: list[Rejection] = []
    for cred in credentials:
        reason = credential_rejection(cred, today=today, catalog=catalog)
        cred_type = catalog.credential(cred.code)
        if reason is None and cred_type is not None:
            held.append(HeldType(entered=cred.code, type=cred_type, earned_on=cred.earned_on))
        else:
            rejected.append(Rejection(id=cred.code, reason=reason or UNKNOWN_CREDENTIAL))
    return held, rejected


def accept_activities(
    activities: Sequence[Activity], *, today: date, catalog: Catalog
) -> tuple[list[Activity], list[Rejection]]:
    stored: list[Activity] = []
    rejected: list[Rejection] = []
    for activity in activities:
        reason = activity_rejection(activity, today=today, catalog=catalog)
        if reason is None:
            stored.append(activity)
        else:
            rejected.append(Rejection(id=activity.id, reason=reason))
    return stored, rejected


# ------------------------------------------------------------------ 3.2 duplicates

_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def title_duplicates(stored: Sequence[Activity]) -> set[str]:
    """Rule (a): ids of entries repeating an earlier entry's title, provider and date."""
    seen: set[tuple[str, str, date]] = set()
    duplicates: set[str] = set()
    for activity in stored:
        title = normalise_text(activity.title)
        if not title:
            continue
        key = (title, normalise_text(activity.provider), activity.completed_on)
        if key in seen:
            duplicates.add(activity.id)
        seen.add(key)
    return duplicates


def index_duplicates(candidates: Sequence[Activity]) -> set[str]:
    """Rule (b): of the candidates sharing an index number, all but the earliest completion
    (then entry order). Entries without an index number are never index duplicates."""
    order = sorted(enumerate(candidates), key=lambda p: (p[1].completed_on, p[0]))
    seen: set[str] = set()
    duplicates: set[str] = set()
    for _, activity in order:
        index = activity.aapc_index.strip().casefold()
        if not index:
            continue
        if index in seen:
            duplicates.add(activity.id)
        seen.add(index)
    return duplicates


# ------------------------------------------------------------------ 3.3 eligibility

MARKED_FOR: dict[str, Callable[[Activity], bool]] = {
    AAPC: lambda a: a.aapc,
    AHIMA: lambda a: a.ahima,
}


def is_marked_for(body: str, activity: Activity) -> bool:
    marker = MARKED_FOR.get(body)
    return marker is not None and marker(activity)


# ------------------------------------------------------------------ 3.5 totals


@dataclass(frozen=True)
class Tally:
    earned: Decimal
    domain: Decimal
    non_domain: Decimal
    sourced: Decimal
    topics: tuple[tuple[str, Decimal], ...]
    self_reviews: int


def tally(requirement: Requirement, rules: BodyRules, activities: Sequence[Activity]) -> Tally:
    """Units counted for one cycle. Without a domain share every unit is a domain unit;
    with one, non-domain units count up to the cap."""
    has_domains = rules.domain_share is not None
    domain = sum((a.units for a in activities if a.ahima_domain or not has_domains), Decimal(0))
    non_domain = sum(
        (a.units for a in activities if has_domains and not a.ahima_domain), Decimal(0)
    )
    cap = requirement.non_domain_cap
    earned = domain + (non_domain if cap is None else min(non_domain, cap))
    topics = tuple(
        (topic, sum((a.units for a in activities if _topic(a) == topic), Decimal(0)))
        for topic, _ in requirement.topics
    )
    return Tally(
        earned=earned,
        domain=domain,
        non_domain=non_domain,
        sourced=sum((a.units for a in activities if a.ahima_sourced), Decimal(0)),
        topics=topics,
        self_reviews=sum(1 for a in activities if a.kind == SELF_REVIEW),
    )


def _topic(activity: Activity) -> str | None:
    return activity.topic.strip().lower() if activity.topic else None


# ------------------------------------------------------------------ allocation (3.3, 3.4)


def allocate(
    spans: Sequence[CycleSpan],
    requirements: Sequence[Requirement],
    rules: BodyRules,
    eligible: Sequence[Activity],
) -> tuple[list[list[Activity]], list[Activity]]:
    """Activities counted per cycle (date then entry order) and those outside every cycle.

    With a renewal month rule, units of a cycle's last calendar month go to that cycle while
    its pooled earned units are below its requirement, otherwise to the next cycle.
    """
    plain: list[list[Activity]] = [[] for _ in spans]
    renewal: list[list[Activity]] = [[] for _ in spans]
    outside: list[Activity] = []
    for activity in eligible:
        k = next((i for i, s in enumerate(spans) if s.contains(activity.completed_on)), None)
        if k is None:
            outside.append(activity)
        elif rules.renewal_month_carry and activity.completed_on >= spans[k].renewal_month_start:
            renewal[k].append(activity)
        else:
            plain[k].append(activity)
    position = {a.id: i for i, a in enumerate(eligible)}
    for k, late in enumerate(renewal):
        for activity in sorted(late, key=lambda a: (a.completed_on, position[a.id])):
            earned = tally(requirements[k], rules, plain[k]).earned
            if earned < requirements[k].total or k + 1 == len(spans):
                plain[k].append(activity)
            else:
                plain[k + 1].append(activity)
    counted = [sorted(c, key=lambda a: (a.completed_on, position[a.id])) for c in plain]
    return counted, outside
