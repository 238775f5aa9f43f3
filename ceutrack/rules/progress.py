"""A cycle's progress month by month, for charts (docs/rules.md 3.5 and 4).

Units counted per calendar month of the cycle, their running total and the steady pace at
each month's end: the figures a chart draws, so that no page adds units up itself.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ceutrack.rules.status import expected_through
from ceutrack.rules.types import CycleResult


@dataclass(frozen=True)
class MonthTally:
    month: date  # the first day of the calendar month
    units: Decimal  # counted that month
    cumulative: Decimal  # counted from the cycle's start to the month's end
    pace: Decimal  # the steady pace at the month's end (not rounded)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def monthly_progress(cycle: CycleResult) -> tuple[MonthTally, ...]:
    """One tally per calendar month of the cycle. Units the engine counted from before the
    cycle's start (AAPC renewal-month units carried forward) count in the first month,
    where they took effect."""
    months: list[date] = []
    current = cycle.start.replace(day=1)
    while current <= cycle.end:
        months.append(current)
        current = _next_month(current)
    per_month = {m: Decimal(0) for m in months}
    for item in cycle.counted:
        key = min(max(item.completed_on, cycle.start), cycle.end).replace(day=1)
        per_month[key] += item.units
    tallies = []
    running = Decimal(0)
    for month in months:
        running += per_month[month]
        through = min(_month_end(month), cycle.end)
        tallies.append(
            MonthTally(month, per_month[month], running, expected_through(cycle, through))
        )
    return tuple(tallies)
