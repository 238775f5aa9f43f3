"""Counting units (docs/rules.md §3): rejections, duplicates, allocation, totals."""

from __future__ import annotations

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
    return date_rejection(activity.completed_on, today=today) or units_rejection(
        activity.units, catalog=catalog
    )


def date_rejection(completed_on: date, *, today: date) -> str | None:
    """The completion-date part of 3.1 alone (a form checks each field on its own)."""
    if completed_on > today:
        return FUTURE_DATE
    return None


def units_rejection(units: Decimal, *, catalog: Catalog) -> str | None:
    """The units part of 3.1 alone (a form checks each field on its own)."""
    if units <= 0 or units > catalog.max_activity_units:
        return INVALID_UNITS
    if units % catalog.unit_step != 0:
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


def normalise_text(text: str) -> str:
    # split() breaks on the same characters as the regex \s and drops the ends, without
    # the regex machinery: this runs twice per activity on every evaluation.
    return " ".join(text.split()).casefold()


def title_duplicates(stored: Sequence[Activity]) -> dict[str, str]:
    """Rule (a): entries repeating an earlier entry's title, provider and date, each mapped
    to the id of the first entry it repeats."""
    first: dict[tuple[str, str, date], str] = {}
    duplicates: dict[str, str] = {}
    for activity in stored:
        title = normalise_text(activity.title)
        if not title:
            continue
        key = (title, normalise_text(activity.provider), activity.completed_on)
        if key in first:
            duplicates[activity.id] = first[key]
        else:
            first[key] = activity.id
    return duplicates


def index_duplicates(candidates: Sequence[Activity]) -> dict[str, str]:
    """Rule (b): of the candidates sharing an index number, all but the earliest completion
    (then entry order), each mapped to the id of that earliest one. Entries without an
    index number are never index duplicates."""
    order = sorted(enumerate(candidates), key=lambda p: (p[1].completed_on, p[0]))
    first: dict[str, str] = {}
    duplicates: dict[str, str] = {}
    for _, activity in order:
        index = activity.aapc_index.strip().casefold()
        if not index:
            continue
        if index in first:
            duplicates[activity.id] = first[index]
        else:
            first[index] = activity.id
    return duplicates


# ------------------------------------------------------------------ 3.3 eligibility

MARKED_FOR: dict[str, Callable[[Activity], bool]] = {
    AAPC: lambda a: a.aapc,
    AHIMA: lambda a: a.ahima,
}


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
    # One pass; each sum adds the same units in the same order as sum() would.
    has_domains = rules.domain_share is not None
    domain = non_domain = sourced = Decimal(0)
    topic_sums = {topic: Decimal(0) for topic, _ in requirement.topics}
    self_reviews = 0
    for a in activities:
        units = a.units
        if a.ahima_domain or not has_domains:
            domain += units
        else:
            non_domain += units
        if a.ahima_sourced:
            sourced += units
        if topic_sums and a.topic:
            topic = _topic(a)
            if topic in topic_sums:
                topic_sums[topic] += units
        if a.kind == SELF_REVIEW:
            self_reviews += 1
    return Tally(
        earned=_earned(domain, non_domain, requirement.non_domain_cap),
        domain=domain,
        non_domain=non_domain,
        sourced=sourced,
        topics=tuple((topic, topic_sums[topic]) for topic, _ in requirement.topics),
        self_reviews=self_reviews,
    )


def _earned(domain: Decimal, non_domain: Decimal, cap: Decimal | None) -> Decimal:
    return domain + (non_domain if cap is None else min(non_domain, cap))


def _topic(activity: Activity) -> str | None:
    return activity.topic.strip().lower() if activity.topic else None


# ------------------------------------------------------------------ allocation (3.3, 3.4)


@dataclass(frozen=True)
class Allotment:
    counted: list[list[Activity]]  # per cycle, in date then entry order
    outside: list[Activity]
    carried: set[str]  # ids of renewal-month activities moved to the next cycle


def allocate(
    spans: Sequence[CycleSpan],
    requirements: Sequence[Requirement],
    rules: BodyRules,
    eligible: Sequence[Activity],
) -> Allotment:
    """Activities counted per cycle, those outside every cycle, and those carried forward.

    With a renewal month rule, units of a cycle's last calendar month go to that cycle while
    its pooled earned units are below its requirement, otherwise to the next cycle.
    """
    plain: list[list[Activity]] = [[] for _ in spans]
    renewal: list[list[Activity]] = [[] for _ in spans]
    outside: list[Activity] = []
    bounds = [(s.start, s.end) for s in spans]
    renewal_starts = [s.renewal_month_start for s in spans]
    carry = rules.renewal_month_carry
    for activity in eligible:
        day = activity.completed_on
        for k, (start, end) in enumerate(bounds):  # the first span containing the day
            if start <= day <= end:
                (renewal if carry and day >= renewal_starts[k] else plain)[k].append(activity)
                break
        else:
            outside.append(activity)
    position = {a.id: i for i, a in enumerate(eligible)}

    def order(a: Activity) -> tuple[date, int]:
        return (a.completed_on, position[a.id])

    has_domains = rules.domain_share is not None
    carried: set[str] = set()
    for k, late in enumerate(renewal):
        if not late:
            continue
        # Running totals of plain[k] instead of a tally per late activity (same sums, same
        # order of addition); only the earned units decide where a late activity goes.
        counted = tally(requirements[k], rules, plain[k])
        domain, non_domain = counted.domain, counted.non_domain
        total, cap = requirements[k].total, requirements[k].non_domain_cap
        last = k + 1 == len(spans)
        for activity in sorted(late, key=order):
            if _earned(domain, non_domain, cap) < total or last:
                plain[k].append(activity)
                if activity.ahima_domain or not has_domains:
                    domain += activity.units
                else:
                    non_domain += activity.units
            else:
                plain[k + 1].append(activity)
                carried.add(activity.id)
    counted_per_cycle = [sorted(c, key=order) for c in plain]
    return Allotment(counted_per_cycle, outside, carried)


def over_cap_units(
    requirement: Requirement, rules: BodyRules, counted: Sequence[Activity]
) -> dict[str, Decimal]:
    """Units of each non-domain activity beyond the cycle's non-domain cap, taken in the
    order they were counted (date then entry order): the later entries are the ones over."""
    cap = requirement.non_domain_cap
    if cap is None or rules.domain_share is None:
        return {}
    over: dict[str, Decimal] = {}
    running = Decimal(0)
    for activity in counted:
        if activity.ahima_domain:
            continue
        room = max(cap - running, Decimal(0))
        running += activity.units
        if activity.units > room:
            over[activity.id] = activity.units - room
    return over
