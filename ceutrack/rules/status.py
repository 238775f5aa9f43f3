"""Status of a cycle (docs/rules.md §4) and the reminder it calls for (§5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ceutrack.rules.types import CycleResult, Reminder, Status, Thresholds

DUE_DAYS: tuple[tuple[int, Reminder], ...] = (
    (7, Reminder.DUE_7),
    (30, Reminder.DUE_30),
    (90, Reminder.DUE_90),
)
SUBMIT_DAYS = 30

# From worst to best, for comparing statuses.
STATUS_RANK: dict[Status, int] = {
    Status.LAPSED: 0,
    Status.BEHIND: 1,
    Status.AT_RISK: 2,
    Status.ON_TRACK: 3,
    Status.COMPLETE: 4,
}


@dataclass(frozen=True)
class Timing:
    total_days: int
    elapsed_days: int
    days_left: int


def timing(start: date, end: date, today: date) -> Timing:
    return Timing(
        total_days=(end - start).days + 1,
        elapsed_days=max((today - start).days, 0),
        days_left=days_left(end, today),
    )


def days_left(end: date, today: date) -> int:
    """Days from today to a cycle's end (negative once it has ended), as section 4 counts."""
    return (end - today).days


def expected_units(required: Decimal, t: Timing) -> Decimal:
    """required * elapsed / total_days, not capped (a lapsed cycle expects more than required)."""
    return required * t.elapsed_days / t.total_days


def expected_through(cycle: CycleResult, day: date) -> Decimal:
    """The steady pace at the end of `day`: what `expected` would be on the morning after,
    so that it reaches the requirement at the end of the cycle's last day (charts)."""
    return expected_units(cycle.required, timing(cycle.start, cycle.end, day + timedelta(days=1)))


def cycle_status(
    *,
    required: Decimal,
    remaining: Decimal,
    missing_items: int,
    t: Timing,
    thresholds: Thresholds,
) -> Status:
    """First matching rule of section 4. Comparisons with `expected` are cross-multiplied by
    total_days so that they stay exact."""
    progress = required - remaining
    if remaining <= 0 and missing_items == 0:
        return Status.COMPLETE
    if t.days_left < 0:
        return Status.LAPSED
    progress_scaled = progress * t.total_days  # progress compared with expected * total_days
    expected_scaled = required * t.elapsed_days
    if (
        t.elapsed_days >= thresholds.behind_elapsed_share * t.total_days
        and progress_scaled < thresholds.behind_pace_share * expected_scaled
    ):
        return Status.BEHIND
    margin_scaled = thresholds.at_risk_margin_share * required * t.total_days
    if progress_scaled < expected_scaled - margin_scaled or t.days_left <= thresholds.at_risk_days:
        return Status.AT_RISK
    return Status.ON_TRACK


def reminder_due(cycle: CycleResult) -> Reminder | None:
    """The reminder a current cycle calls for today (at most one)."""
    return reminder_for(cycle.status, cycle.days_left)


def reminder_for(status: Status, days_left: int) -> Reminder | None:
    """The reminder a current cycle with this status and days left calls for (section 5)."""
    if status == Status.LAPSED:
        return Reminder.LAPSED
    if status == Status.COMPLETE:
        return Reminder.SUBMIT if days_left <= SUBMIT_DAYS else None
    if status in (Status.BEHIND, Status.AT_RISK):
        for days, kind in DUE_DAYS:
            if days_left <= days:
                return kind
        return Reminder.BEHIND if status == Status.BEHIND else Reminder.AT_RISK
    return None
