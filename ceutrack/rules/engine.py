"""Entry point of the engine: evaluate one person on one day (docs/rules.md §3-§6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import NamedTuple, Protocol, overload

from ceutrack.rules.apprentice import apprentice_status
from ceutrack.rules.catalog import DEFAULT_CATALOG, BodyRules, Catalog
from ceutrack.rules.counting import (
    MARKED_FOR,
    accept_activities,
    accept_credentials,
    allocate,
    index_duplicates,
    over_cap_units,
    tally,
    title_duplicates,
)
from ceutrack.rules.cycles import CycleSpan, build_cycles
from ceutrack.rules.holds import (
    cycle_bounds,
    first_change,
    future_entries,
    next_event,
    verdict,
    verdict_on,
)
from ceutrack.rules.requirements import HeldType, Requirement, cycle_credentials, cycle_requirement
from ceutrack.rules.status import cycle_status, expected_units, reminder_due, timing
from ceutrack.rules.types import (
    APPRENTICE_REMOVAL,
    BEFORE_CERTIFICATION,
    DEFAULT_THRESHOLDS,
    DUPLICATE,
    OUTSIDE_CYCLES,
    SELF_REVIEW,
    Activity,
    Allocation,
    ApprenticeStatus,
    BodyResult,
    CountedActivity,
    CycleResult,
    Evaluation,
    Exclusion,
    Outstanding,
    PersonInput,
    Reminder,
    SourcedResult,
    Status,
    Thresholds,
    TopicResult,
)


def evaluate(
    person: PersonInput,
    *,
    today: date,
    catalog: Catalog = DEFAULT_CATALOG,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Evaluation:
    """The person's evaluation on `today`; each body's current cycle carries `holds_until`."""
    evaluation = _evaluate(person, today, catalog, thresholds)
    if not any(b.current is not None for b in evaluation.bodies):
        return evaluation
    later = _Later(person, catalog, thresholds, {today: evaluation})
    return replace(
        evaluation,
        bodies=tuple(
            b
            if b.current is None
            else replace(
                b, current=replace(b.current, holds_until=_holds_until(later, b.body, today))
            )
            for b in evaluation.bodies
        ),
    )


@dataclass(frozen=True)
class UpcomingReminder:
    day: date
    kind: Reminder
    cycle_end: date


# Verdict changes followed when looking for the next reminder (a cycle has a handful).
_MAX_CHANGES = 24


def next_reminder(
    person: PersonInput,
    *,
    today: date,
    body: str,
    catalog: Catalog = DEFAULT_CATALOG,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> UpcomingReminder | None:
    """The next reminder that would fall due for `body` after today's if the input stayed the
    same: the first verdict change (following `holds_until`) that calls for a reminder other
    than the one due today. None when no date alone brings one."""
    result = evaluate(person, today=today, catalog=catalog, thresholds=thresholds).body(body)
    if result is None or result.current is None:
        return None
    now = (result.current.end, result.current.reminder)
    day = result.current.holds_until
    for _ in range(_MAX_CHANGES):
        if day is None:
            return None
        later = evaluate(person, today=day, catalog=catalog, thresholds=thresholds).body(body)
        cycle = None if later is None else later.current
        if cycle is None:
            return None
        if cycle.reminder is not None and (cycle.end, cycle.reminder) != now:
            return UpcomingReminder(day=day, kind=cycle.reminder, cycle_end=cycle.end)
        day = cycle.holds_until
    return None


@dataclass(frozen=True)
class _Later:
    """The same input evaluated on later event days, each day at most once."""

    person: PersonInput
    catalog: Catalog
    thresholds: Thresholds
    evaluations: dict[date, Evaluation]

    def on(self, day: date) -> Evaluation:
        found = self.evaluations.get(day)
        if found is None:
            found = self.evaluations[day] = _evaluate(
                self.person, day, self.catalog, self.thresholds
            )
        return found


# Events are cycle bounds and future-dated entries: a few per person. The bound only stops
# a pathological input (hundreds of future-dated activities) from running on; it then
# answers the last event day reached, an early date on which to look again.
_MAX_EVENTS = 400


def _holds_until(later: _Later, body: str, today: date) -> date | None:
    """First day after `today` with another current cycle, status or reminder for `body`
    (docs/rules.md §5.1): threshold days between events, the cycles re-dated on a cycle
    bound, and the whole input evaluated again only when a future-dated entry takes effect."""
    result = later.on(today).body(body)
    assert result is not None and result.current is not None
    reference = verdict(result.current)
    day, cycle, cycles = today, result.current, result.cycles
    for _ in range(_MAX_EVENTS):
        bounds = next_event(cycle_bounds(cycles), after=day)
        entries = next_event(
            future_entries(later.person, body, after=day, catalog=later.catalog), after=day
        )
        event = min((d for d in (bounds, entries) if d is not None), default=None)
        change = first_change(
            cycle, reference, after=day, before=event, thresholds=later.thresholds
        )
        if change is not None or event is None:
            return change
        if event != entries and event <= cycles[-1].end:
            # Only the day moved: the same cycles, each with its status on that day.
            at = current_index(cycles, _StatusesOn(cycles, event, later.thresholds), event)
            found = None if at is None else cycles[at]
            now = None if found is None else verdict_on(found, event, later.thresholds)
        else:
            body_result = later.on(event).body(body)
            found = None if body_result is None else body_result.current
            now = None if found is None else verdict(found)
            cycles = () if body_result is None else body_result.cycles
        if found is None or now != reference:
            return event
        day, cycle = event, found
    return day


def _evaluate(
    person: PersonInput, today: date, catalog: Catalog, thresholds: Thresholds
) -> Evaluation:
    held, rejected_credentials = accept_credentials(
        person.credentials, today=today, catalog=catalog
    )
    stored, rejected_activities = accept_activities(person.activities, today=today, catalog=catalog)
    context = _Context(person, today, catalog, thresholds, stored, title_duplicates(stored))
    outcomes = [
        _evaluate_body(context, rules, [h for h in held if h.type.body == rules.body])
        for rules in catalog.bodies
        if any(h.type.body == rules.body for h in held)
    ]
    position = {a.id: i for i, a in enumerate(stored)}
    return Evaluation(
        today=today,
        bodies=tuple(o.result for o in outcomes),
        rejected=tuple(rejected_credentials + rejected_activities),
        excluded=tuple(
            sorted((e for o in outcomes for e in o.excluded), key=lambda e: position[e.id])
        ),
        allocations=tuple(
            sorted(
                (a for o in outcomes for a in o.allocations),
                key=lambda a: position[a.activity_id],
            )
        ),
    )


@dataclass(frozen=True)
class _Context:
    person: PersonInput
    today: date
    catalog: Catalog
    thresholds: Thresholds
    stored: list[Activity]
    title_duplicates: dict[str, str]


@dataclass(frozen=True)
class _BodyOutcome:
    result: BodyResult
    excluded: list[Exclusion]
    allocations: list[Allocation]


def _evaluate_body(ctx: _Context, rules: BodyRules, held: list[HeldType]) -> _BodyOutcome:
    first_certification = min(h.earned_on for h in held)
    spans = build_cycles(
        rules,
        first_certification=first_certification,
        until=ctx.today,
        membership_month=ctx.person.aapc_membership_month,
        official=[c for c in ctx.person.official_cycles if c.body.upper() == rules.body.upper()],
    )
    marker = MARKED_FOR.get(rules.body)
    marked = [] if marker is None else [a for a in ctx.stored if marker(a)]
    reasons, duplicate_of = _exclusion_reasons(
        rules, marked, first_certification, ctx.title_duplicates
    )
    requirements = _requirements(rules, held, spans)
    allotment = allocate(spans, requirements, rules, [a for a in marked if a.id not in reasons])
    counted = allotment.counted
    cycles = [
        _cycle_result(rules, span, requirement, activities, ctx)
        for span, requirement, activities in zip(spans, requirements, counted, strict=True)
    ]
    current_at = current_index(spans, cycles, ctx.today)
    apprentice = _apprentice(ctx, held)
    current = None if current_at is None else _as_current(cycles[current_at], apprentice)
    cycle_of = {a.id: k for k, acts in enumerate(counted) for a in acts}
    uncounted = {
        activity_id: units
        for requirement, acts in zip(requirements, counted, strict=True)
        for activity_id, units in over_cap_units(requirement, rules, acts).items()
    }
    return _BodyOutcome(
        result=BodyResult(
            body=rules.body,
            credentials=(
                current.credentials
                if current is not None
                else tuple(
                    h.entered for h in cycle_credentials(held, CycleSpan(ctx.today, ctx.today))
                )
            ),
            current=current,
            history=tuple(c for i, c in enumerate(cycles) if c.end < ctx.today and i != current_at),
            apprentice=apprentice,
            cycles=tuple(cycles),
        ),
        excluded=[Exclusion(id=i, body=rules.body, reason=r) for i, r in reasons.items()],
        allocations=[
            _allocation(
                a.id,
                rules.body,
                None if a.id not in cycle_of else spans[cycle_of[a.id]],
                reason=reasons.get(a.id),
                carried_from=(spans[cycle_of[a.id] - 1].end if a.id in allotment.carried else None),
                duplicate_of=duplicate_of.get(a.id),
                uncounted=uncounted.get(a.id, Decimal(0)),
            )
            for a in marked
        ],
    )


def _allocation(
    activity_id: str,
    body: str,
    span: CycleSpan | None,
    *,
    reason: str | None,
    carried_from: date | None,
    duplicate_of: str | None,
    uncounted: Decimal,
) -> Allocation:
    """An excluded activity keeps its reason; an eligible one outside every cycle gets one."""
    if reason is None and span is None:
        reason = OUTSIDE_CYCLES
    return Allocation(
        activity_id=activity_id,
        body=body,
        cycle_end=None if span is None else span.end,
        reason=reason,
        cycle_start=None if span is None else span.start,
        carried_from=carried_from,
        duplicate_of=duplicate_of,
        uncounted=uncounted,
    )


def _requirements(
    rules: BodyRules, held: Sequence[HeldType], spans: Sequence[CycleSpan]
) -> list[Requirement]:
    """cycle_requirement for each span, computed once for spans that share every input it
    reads: after the first cycle most spans differ only in their dates."""
    known: dict[tuple[object, ...], Requirement] = {}
    requirements = []
    for span in spans:
        if span.official:  # its own required units (36 and 36.0 must not share a result)
            requirements.append(cycle_requirement(rules, held, span))
            continue
        key = (
            tuple(h.earned_on <= span.start for h in held),
            span.prorate_months,
            rules.sourced_from is not None and span.start >= rules.sourced_from,
            rules.self_review_until is not None and rules.self_review_until >= span.end,
        )
        requirement = known.get(key)
        if requirement is None:
            requirement = known[key] = cycle_requirement(rules, held, span)
        requirements.append(requirement)
    return requirements


def _apprentice(ctx: _Context, held: Sequence[HeldType]) -> ApprenticeStatus | None:
    """Removal status of the first apprentice credential entered, if any (7.12)."""
    first = next((h for h in held if h.type.apprentice_of), None)
    if first is None:
        return None
    return apprentice_status(first.entered, ctx.person.apprentice_evidence, ctx.catalog.apprentice)


def _as_current(cycle: CycleResult, apprentice: ApprenticeStatus | None) -> CycleResult:
    """The current cycle also lists apprentice removal and carries today's reminder."""
    if apprentice is not None and not apprentice.removal_ready:
        cycle = replace(cycle, outstanding=(*cycle.outstanding, Outstanding(APPRENTICE_REMOVAL)))
    return replace(cycle, reminder=reminder_due(cycle))


def _exclusion_reasons(
    rules: BodyRules,
    marked: Sequence[Activity],
    first_certification: date,
    title_dups: dict[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Why a marked activity is excluded for this body (3.2), before_certification winning,
    and for each duplicate the id of the entry it repeats."""
    reasons: dict[str, str] = {}
    duplicate_of: dict[str, str] = {}
    for activity in marked:
        if activity.completed_on < first_certification:
            reasons[activity.id] = BEFORE_CERTIFICATION
        elif activity.id in title_dups:
            reasons[activity.id] = DUPLICATE
            duplicate_of[activity.id] = title_dups[activity.id]
    if rules.index_dedupe:
        index_dups = index_duplicates([a for a in marked if a.id not in reasons])
        for activity_id, first in index_dups.items():
            reasons[activity_id] = DUPLICATE
            duplicate_of[activity_id] = first
    return {a.id: reasons[a.id] for a in marked if a.id in reasons}, duplicate_of


class _Dated(Protocol):
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def official(self) -> bool: ...


class _HasStatus(Protocol):
    @property
    def status(self) -> Status: ...


class _Status(NamedTuple):
    status: Status


class _StatusesOn(Sequence[_Status]):
    """The cycles' statuses on another day, worked out only for the cycles asked about."""

    def __init__(self, cycles: Sequence[CycleResult], day: date, thresholds: Thresholds):
        self.cycles, self.day, self.thresholds = cycles, day, thresholds

    def __len__(self) -> int:
        return len(self.cycles)

    @overload
    def __getitem__(self, index: int) -> _Status: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[_Status]: ...
    def __getitem__(self, index: int | slice) -> _Status | Sequence[_Status]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return _Status(verdict_on(self.cycles[index], self.day, self.thresholds)[2])


def current_index(spans: Sequence[_Dated], cycles: Sequence[_HasStatus], today: date) -> int | None:
    """The cycle containing today (or the next one, past a gap between official cycles),
    unless the cycle just before it ended incomplete: that one stays current, lapsed. An
    official cycle containing today is current whatever came before it (7.7, 7.11)."""
    k = next((i for i, s in enumerate(spans) if s.end >= today), None)
    if k is None:
        return len(cycles) - 1 if cycles and cycles[-1].status != Status.COMPLETE else None
    official_today = spans[k].official and spans[k].start <= today <= spans[k].end
    if k > 0 and cycles[k - 1].status != Status.COMPLETE and not official_today:
        return k - 1
    return k


def _cycle_result(
    rules: BodyRules,
    span: CycleSpan,
    requirement: Requirement,
    activities: Sequence[Activity],
    ctx: _Context,
) -> CycleResult:
    counted = tally(requirement, rules, activities)
    topics = tuple(
        TopicResult(topic=topic, required=minimum, earned=earned)
        for (topic, minimum), (_, earned) in zip(requirement.topics, counted.topics, strict=True)
    )
    zero = Decimal(0)
    topic_gap = sum((max(t.required - t.earned, zero) for t in topics), zero)
    sourced = (
        None
        if requirement.sourced is None
        else SourcedResult(required=requirement.sourced, earned=counted.sourced)
    )
    sourced_gap = zero if sourced is None else max(sourced.required - sourced.earned, zero)
    remaining = max(requirement.total - counted.earned, topic_gap, sourced_gap, zero)
    missing_reviews = max(requirement.self_reviews - counted.self_reviews, 0)
    t = timing(span.start, span.end, ctx.today)
    return CycleResult(
        start=span.start,
        end=span.end,
        required=requirement.total,
        earned=counted.earned,
        remaining=remaining,
        status=cycle_status(
            required=requirement.total,
            remaining=remaining,
            missing_items=missing_reviews,
            t=t,
            thresholds=ctx.thresholds,
        ),
        days_left=t.days_left,
        expected=expected_units(requirement.total, t),
        topics=topics,
        sourced=sourced,
        outstanding=(Outstanding(SELF_REVIEW, missing_reviews),) if missing_reviews else (),
        counted=tuple(CountedActivity(a.id, a.completed_on, a.units) for a in activities),
        progress=requirement.total - remaining,
        total_days=t.total_days,
        elapsed_days=t.elapsed_days,
        official=span.official,
        credentials=requirement.credentials,
        domain_earned=None if rules.domain_share is None else counted.domain,
        non_domain_earned=None if rules.domain_share is None else counted.non_domain,
        non_domain_cap=requirement.non_domain_cap,
        self_reviews_required=requirement.self_reviews,
        self_reviews_done=counted.self_reviews,
    )
