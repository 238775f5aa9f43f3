"""How long a verdict holds: the first later day on which a current cycle's status or reminder
changes while the input stays the same (docs/rules.md §5.1).

Between two *events* (a cycle starting or ending, a future-dated activity or credential
taking effect) the units counted, the requirement and the cycle's dates are fixed; only the
day moves. Every condition of sections 4 and 5 is then a comparison of a linear function of
the day with a constant, so it flips at most once, at a threshold day worked out here. The
status and reminder can therefore only change on one of those days: the caller evaluates the
verdict on them (a handful of exact checks) instead of trying every day, and re-evaluates
the whole input only on event days (ceutrack.rules.engine).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from ceutrack.rules.catalog import Catalog
from ceutrack.rules.counting import MARKED_FOR
from ceutrack.rules.status import DUE_DAYS, SUBMIT_DAYS, cycle_status, reminder_for, timing
from ceutrack.rules.types import CycleResult, PersonInput, Reminder, Status, Thresholds

Verdict = tuple[date, date, Status, Reminder | None]

_FIRST_DAY = date.min.toordinal()
_LAST_DAY = date.max.toordinal()


def verdict(cycle: CycleResult) -> Verdict:
    """What holds_until watches: the current cycle's dates, status and reminder."""
    return (cycle.start, cycle.end, cycle.status, cycle.reminder)


def verdict_on(cycle: CycleResult, day: date, thresholds: Thresholds) -> Verdict:
    """The verdict on `day` for the same cycle with the same units counted (no event between
    the cycle's evaluation day and `day`): only the cycle's timing moves."""
    t = timing(cycle.start, cycle.end, day)
    status = cycle_status(
        required=cycle.required,
        remaining=cycle.remaining,
        missing_items=max(cycle.self_reviews_required - cycle.self_reviews_done, 0),
        t=t,
        thresholds=thresholds,
    )
    return (cycle.start, cycle.end, status, reminder_for(status, t.days_left))


def threshold_days(cycle: CycleResult, thresholds: Thresholds) -> list[date]:
    """Sorted days on which a condition of sections 4-5 may flip for this cycle.

    With S the start, E the end, T the total days, R required and P progress, on day d:
    elapsed e = max(d - S, 0) and days_left = E - d. The conditions are
      e >= a*T                      (behind: enough of the cycle elapsed)
      P*T < b*R*e                   (behind: below b of the pace line)
      P*T < R*e - m*R*T             (at risk: more than m*R below the pace line)
      days_left <= x                for x in at_risk_days, 90, 30, 7 and the submit window
      days_left < 0                 (lapsed)
    Each flips where e, or days_left, crosses a constant X; the day it flips is S + floor(X),
    S + floor(X) + 1 or S + ceil(X) depending on the direction and strictness, so the days
    from S + floor(X) - 1 to S + floor(X) + 2 are returned (a day too many only costs one
    check, and covers the rounding of a Decimal division). S itself is where e stops being 0.
    """
    start, end = cycle.start.toordinal(), cycle.end.toordinal()
    days = {start, start + 1}
    complete = cycle.remaining <= 0 and cycle.self_reviews_done >= cycle.self_reviews_required
    if not complete:  # a complete cycle's status does not depend on the day
        total = Decimal(cycle.total_days)
        required, progress = cycle.required, cycle.progress
        b, m = thresholds.behind_pace_share, thresholds.at_risk_margin_share
        crossings = [thresholds.behind_elapsed_share * total]
        if b * required != 0:
            crossings.append(progress * total / (b * required))
        if required != 0:
            crossings.append((progress * total + m * required * total) / required)
        for x in crossings:
            # Decimal division rounds in its 28th digit: one day either side of the exact
            # floor and ceiling keeps every flip day among the candidates.
            low = int(x.to_integral_value(rounding=ROUND_FLOOR))
            days.update(start + k for k in range(low - 1, low + 3))
    left = {thresholds.at_risk_days, SUBMIT_DAYS, -1, *(n for n, _ in DUE_DAYS)}
    for n in left:
        days.update((end - n, end - n + 1))
    return [date.fromordinal(d) for d in sorted(days) if _FIRST_DAY <= d <= _LAST_DAY]


def first_change(
    cycle: CycleResult,
    reference: Verdict,
    *,
    after: date,
    before: date | None,
    thresholds: Thresholds,
) -> date | None:
    """The first day in (after, before) whose verdict differs from `reference`, for a cycle
    whose counted units stay fixed over that window; None when none does."""
    if after > cycle.end:  # ended: complete or lapsed whatever the day
        return None
    for day in threshold_days(cycle, thresholds):
        if day <= after:
            continue
        if before is not None and day >= before:
            return None
        if verdict_on(cycle, day, thresholds) != reference:
            return day
    return None


def cycle_bounds(cycles: Iterable[CycleResult]) -> Iterator[date]:
    """Days a cycle starts, or ends (the day after its end): the current cycle may move."""
    for cycle in cycles:
        yield cycle.start
        if cycle.end < date.max:
            yield date.fromordinal(cycle.end.toordinal() + 1)


def future_entries(
    person: PersonInput, body: str, *, after: date, catalog: Catalog
) -> Iterator[date]:
    """Days a future-dated activity marked for `body`, or a future-dated credential of
    `body`, takes effect (until then both are rejected at entry, 3.1)."""
    marker = MARKED_FOR.get(body)
    for activity in person.activities:
        if activity.completed_on > after and marker is not None and marker(activity):
            yield activity.completed_on
    for credential in person.credentials:
        cred_type = catalog.credential(credential.code)
        if credential.earned_on > after and cred_type is not None and cred_type.body == body:
            yield credential.earned_on


def next_event(days: Iterable[date], *, after: date) -> date | None:
    return min((d for d in days if d > after), default=None)
