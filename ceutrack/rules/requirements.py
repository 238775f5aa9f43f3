"""What a cycle requires (docs/rules.md §1, §2 and §7.7): units, topics, sourced share,
self-reviews."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from ceutrack.rules.catalog import BodyRules, CredentialType
from ceutrack.rules.cycles import CycleSpan


@dataclass(frozen=True)
class HeldType:
    """A valid credential of the person: the code as entered and its catalog type."""

    entered: str
    type: CredentialType
    earned_on: date


@dataclass(frozen=True)
class Requirement:
    total: Decimal
    topics: tuple[tuple[str, Decimal], ...] = ()
    sourced: Decimal | None = None
    non_domain_cap: Decimal | None = None
    self_reviews: int = 0
    credentials: tuple[str, ...] = ()


def ceil_to_half(value: Decimal | Fraction) -> Decimal:
    """Round up to the next multiple of 0.5 (exactly, whatever the input's precision)."""
    return Decimal(math.ceil(Fraction(value) * 2)) / 2


def prorate(full: Decimal, months: int, cycle_months: int) -> Decimal:
    """First-cycle share: min(full, ceil_to_half(full * months / cycle_months))."""
    # Every first cycle needs one, and the exact Fraction arithmetic is slow; str(full)
    # keeps 36 and 36.0 apart, since `full` itself may be the answer.
    return _prorate(str(full), months, cycle_months)


@functools.lru_cache(maxsize=4096, typed=True)
def _prorate(full: str, months: int, cycle_months: int) -> Decimal:
    value = Decimal(full)
    return min(value, ceil_to_half(Fraction(value) * months / cycle_months))


def counted_types(types: Sequence[CredentialType]) -> list[CredentialType]:
    """Types counted for units: superseded ones dropped (RHIT while RHIA is held), an
    apprentice type and its base counted once, each code once; entry order kept."""
    superseded = {t.supersedes.upper() for t in types if t.supersedes}
    seen: set[str] = set()
    kept: list[CredentialType] = []
    for cred in types:
        key = (cred.apprentice_of or cred.code).upper()
        if cred.code.upper() in superseded or key in seen:
            continue
        seen.add(key)
        kept.append(cred)
    return kept


def required_units(credentials: Sequence[CredentialType], rules: BodyRules) -> Decimal:
    """Full requirement of a body for the given credentials:
    min(max(base units) + extra units * (n - 1), cap)."""
    counted = counted_types(credentials)
    if not counted:
        return Decimal(0)
    base = max(c.base_units for c in counted)
    return min(base + rules.extra_units * (len(counted) - 1), rules.max_units)


def topic_minimums(credentials: Sequence[CredentialType]) -> tuple[tuple[str, Decimal], ...]:
    """One minimum per topic key, the largest of the credentials sharing it."""
    minimums: dict[str, Decimal] = {}
    for cred in credentials:
        if cred.topic and cred.topic_minimum is not None:
            key = cred.topic.lower()
            minimums[key] = max(minimums.get(key, Decimal(0)), cred.topic_minimum)
    return tuple(minimums.items())


def cycle_credentials(held: Sequence[HeldType], span: CycleSpan) -> list[HeldType]:
    """Credentials certified on or before the cycle's start, entry order, superseded and
    repeated codes left out. A cycle starting before every certification (an official one)
    uses the credentials of the first certification date."""
    on_start = [h for h in held if h.earned_on <= span.start]
    if not on_start and held:
        first = min(h.earned_on for h in held)
        on_start = [h for h in held if h.earned_on == first]
    superseded = {h.type.supersedes.upper() for h in on_start if h.type.supersedes}
    shown: list[HeldType] = []
    seen: set[str] = set()
    for h in on_start:
        code = h.type.code.upper()
        if code not in superseded and code not in seen:
            seen.add(code)
            shown.append(h)
    return shown


def cycle_requirement(rules: BodyRules, held: Sequence[HeldType], span: CycleSpan) -> Requirement:
    creds = cycle_credentials(held, span)
    types = [h.type for h in creds]
    full = required_units(types, rules)
    topics = topic_minimums(counted_types(types))
    if span.official:
        total = full if span.required is None else span.required
    elif span.prorate_months is not None:
        total = prorate(full, span.prorate_months, rules.cycle_months)
        topics = tuple((t, prorate(m, span.prorate_months, rules.cycle_months)) for t, m in topics)
    else:
        total = full
    sourced = None
    if rules.sourced_share is not None and _on_or_after(span.start, rules.sourced_from):
        sourced = rules.sourced_share * total
    cap = None if rules.domain_share is None else (1 - rules.domain_share) * total
    self_reviews = 0
    if _on_or_after(rules.self_review_until, span.end) and any(t.self_review for t in types):
        self_reviews = rules.self_review_count
    return Requirement(
        total=total,
        topics=topics,
        sourced=sourced,
        non_domain_cap=cap,
        self_reviews=self_reviews,
        credentials=tuple(h.entered for h in creds),
    )


def _on_or_after(day: date | None, limit: date | None) -> bool:
    return day is not None and limit is not None and day >= limit
