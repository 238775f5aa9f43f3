"""Entry point of the engine: evaluate one person on one day (docs/rules.md §3-§6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ceutrack.rules.apprentice import apprentice_status
from ceutrack.rules.catalog import DEFAULT_CATALOG, BodyRules, Catalog
from ceutrack.rules.counting import (
    MARKED_FOR,
    accept_activities,
    accept_credentials,
    allocate,
    index_duplicates,
    tally,
    title_duplicates,
)
from ceutrack.rules.cycles import CycleSpan, build_cycles
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
    PersonInput,
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
    title_duplicates: set[str]


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
    reasons = _exclusion_reasons(rules, marked, first_certification, ctx.title_duplicates)
    requirements = _requirements(rules, held, spans)
    counted, _ = allocate(spans, requirements, rules, [a for a in marked if a.id not in reasons])
    cycles = [
        _cycle_result(rules, span, requirement, activities, ctx)
        for span, requirement, activities in zip(spans, requirements, counted, strict=True)
    ]
    current_at = current_index(spans, cycles, ctx.today)
    apprentice = _apprentice(ctx, held)
    current = None if current_at is None else _as_current(cycles[current_at], apprentice)
    cycle_end = {a.id: span.end for span, acts in zip(spans, counted, strict=True) for a in acts}
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
            Allocation(
                activity_id=a.id,
                body=rules.body,
                cycle_end=cycle_end.get(a.id),
                reason=reasons.get(a.id, None if a.id in cycle_end else OUTSIDE_CYCLES),
            )
            for a in marked
        ],
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
        cycle = replace(cycle, outstanding=(*cycle.outstanding, APPRENTICE_REMOVAL))
    return replace(cycle, reminder=reminder_due(cycle))


def _exclusion_reasons(
    rules: BodyRules,
    marked: Sequence[Activity],
    first_certification: date,
    title_dups: set[str],
) -> dict[str, str]:
    """Why a marked activity is excluded for this body (3.2); before_certification wins."""
    reasons: dict[str, str] = {}
    for activity in marked:
        if activity.completed_on < first_certification:
            reasons[activity.id] = BEFORE_CERTIFICATION
        elif activity.id in title_dups:
            reasons[activity.id] = DUPLICATE
    if rules.index_dedupe:
        for activity_id in index_duplicates([a for a in marked if a.id not in reasons]):
            reasons[activity_id] = DUPLICATE
    return {a.id: reasons[a.id] for a in marked if a.id in reasons}


def current_index(
    spans: Sequence[CycleSpan], cycles: Sequence[CycleResult], today: date
) -> int | None:
    """The cycle containing today (or the next one, past a gap between official cycles),
    unless the cycle just before it ended incomplete: that one stays current, lapsed. An
    official cycle containing today is current whatever came before it (7.7, 7.11)."""
    k = next((i for i, s in enumerate(spans) if s.end >= today), None)
    if k is None:
        return len(cycles) - 1 if cycles and cycles[-1].status != Status.COMPLETE else None
    official_today = spans[k].official and spans[k].contains(today)
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
        outstanding=(f"{SELF_REVIEW}:{missing_reviews}",) if missing_reviews else (),
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
