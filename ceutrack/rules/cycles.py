"""Cycle dates (docs/rules.md §2): first cycle, following cycles and official overrides."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from ceutrack.rules.catalog import BodyRules
from ceutrack.rules.types import OfficialCycle

ONE_DAY = timedelta(days=1)
_F = TypeVar("_F")


@dataclass(frozen=True)
class CycleSpan:
    """The dates of one cycle, before any unit is counted."""

    start: date
    end: date
    official: bool = False
    required: Decimal | None = None
    # Months covered by a pro-rated first cycle (1..cycle_months); None when not pro-rated.
    prorate_months: int | None = None

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def renewal_month_start(self) -> date:
        """First day of the cycle's last calendar month (never before the cycle's start)."""
        return max(self.start, self.end.replace(day=1))


def month_index(day: date) -> int:
    return 12 * day.year + day.month


def month_end(index: int) -> date:
    """Last day of the month with the given month index (12 * year + month)."""
    year, month0 = divmod(index - 1, 12)
    return date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])


def anniversary(day: date, months: int) -> date:
    """`day` moved by `months`; a day the target month lacks (29 Feb) rolls to the 1st after."""
    year, month0 = divmod(month_index(day) + months - 1, 12)
    if day.day <= calendar.monthrange(year, month0 + 1)[1]:
        return date(year, month0 + 1, day.day)
    return month_end(12 * year + month0 + 1) + ONE_DAY


# ------------------------------------------------------------------ per cycle kind


def _aapc_first(rules: BodyRules, certified_on: date, membership_month: int | None) -> CycleSpan:
    month = membership_month or certified_on.month
    period = max(rules.cycle_months // 12, 1)
    cert_index = month_index(certified_on)
    year = certified_on.year
    while year % period != month % period or 12 * year + month - cert_index < 1:
        year += 1
    months = 12 * year + month - cert_index
    return CycleSpan(
        start=certified_on,
        end=month_end(12 * year + month),
        prorate_months=months if rules.prorate_first_cycle else None,
    )


def _aapc_next(rules: BodyRules, previous_end: date) -> CycleSpan:
    return CycleSpan(
        start=previous_end + ONE_DAY,
        end=month_end(month_index(previous_end) + rules.cycle_months),
    )


def _anniversary_first(
    rules: BodyRules, certified_on: date, membership_month: int | None
) -> CycleSpan:
    return CycleSpan(
        start=certified_on, end=anniversary(certified_on, rules.cycle_months) - ONE_DAY
    )


def _anniversary_next(rules: BodyRules, previous_end: date) -> CycleSpan:
    return _anniversary_first(rules, previous_end + ONE_DAY, None)


FirstCycle = Callable[[BodyRules, date, int | None], CycleSpan]
NextCycle = Callable[[BodyRules, date], CycleSpan]

FIRST_CYCLE: dict[str, FirstCycle] = {"aapc": _aapc_first, "ahima": _anniversary_first}
NEXT_CYCLE: dict[str, NextCycle] = {"aapc": _aapc_next, "ahima": _anniversary_next}


def first_cycle(
    rules: BodyRules, certified_on: date, membership_month: int | None = None
) -> CycleSpan:
    """The computed first cycle of a body, starting on its first certification date."""
    return _kind(FIRST_CYCLE, rules)(rules, certified_on, membership_month)


def next_cycle(rules: BodyRules, previous_end: date) -> CycleSpan:
    """The computed cycle that follows a cycle ending on `previous_end`."""
    return _kind(NEXT_CYCLE, rules)(rules, previous_end)


def _kind(table: dict[str, _F], rules: BodyRules) -> _F:
    try:
        return table[rules.cycle_kind]
    except KeyError:
        raise ValueError(f"{rules.body}: unknown cycle kind {rules.cycle_kind!r}") from None


# ------------------------------------------------------------------ the whole sequence


def _official_span(cycle: OfficialCycle) -> CycleSpan:
    return CycleSpan(start=cycle.start, end=cycle.end, official=True, required=cycle.required)


def build_cycles(
    rules: BodyRules,
    *,
    first_certification: date,
    until: date,
    membership_month: int | None = None,
    official: Sequence[OfficialCycle] = (),
) -> tuple[CycleSpan, ...]:
    """Consecutive cycles of one body, from the first (or earliest official) cycle until one
    starting after `until`, so the cycle after the current one exists for renewal-month units.

    The earliest official cycle anchors the sequence; a later official cycle replaces every
    cycle it overlaps (docs/rules.md §2 and §7.7).
    """
    pending = sorted((_official_span(c) for c in official), key=lambda s: (s.start, s.end))
    if pending:
        spans = [pending.pop(0)]
    else:
        try:
            spans = [first_cycle(rules, first_certification, membership_month)]
        except (OverflowError, ValueError):  # the calendar ends before the first due date
            spans = [CycleSpan(start=first_certification, end=date.max)]
    while True:
        if pending and pending[0].start <= spans[-1].end:
            _replace_overlapped(spans, pending.pop(0))
            continue
        if spans and spans[-1].start > until and not pending:
            break
        try:
            candidate = next_cycle(rules, spans[-1].end)
        except (OverflowError, ValueError):  # the calendar ends (year 9999)
            break
        if pending and pending[0].start <= candidate.end:
            spans.append(pending.pop(0))
        else:
            spans.append(candidate)
    return tuple(spans)


def _replace_overlapped(spans: list[CycleSpan], official: CycleSpan) -> None:
    while spans and spans[-1].end >= official.start:
        spans.pop()
    spans.append(official)
