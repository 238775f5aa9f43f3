"""Properties that hold for any person (hypothesis; kept small so the suite stays fast)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from ceutrack.rules import Activity, Evaluation, HeldCredential, PersonInput, evaluate
from ceutrack.rules.catalog import AAPC_RULES, AHIMA_RULES
from ceutrack.rules.cycles import build_cycles
from ceutrack.rules.status import STATUS_RANK

NO_TOPIC_CODES = ("CPC", "COC", "CRC", "CPC-A", "CCS", "CCA", "RHIT", "RHIA", "CHDA")
TOPIC_CODES = ("CCC", "CPMA", "CEMC")
FIRST_DAY = date(2016, 1, 1)


@st.composite
def activities(draw, *, today: date, count: int, skip_january: bool, prefix: str = "a"):
    made = []
    for i in range(count):
        on = draw(st.dates(FIRST_DAY, today))
        if skip_january and on.month == 1:
            on = on.replace(month=2, day=min(on.day, 28))
        made.append(
            Activity(
                id=f"{prefix}{i}",
                completed_on=on,
                units=Decimal(draw(st.integers(1, 30))) / 2,
                title=f"{prefix} title {i}",
                kind=draw(st.sampled_from(("webinar", "self_review"))),
                aapc=draw(st.booleans()),
                aapc_index=f"{prefix}-{i}",
                ahima=draw(st.booleans()),
                ahima_domain=draw(st.booleans()),
                ahima_sourced=draw(st.booleans()),
            )
        )
    return tuple(made)


@st.composite
def cases(draw, *, codes=NO_TOPIC_CODES, skip_renewal_months: bool = False, max_activities=8):
    """A person and a day. With skip_renewal_months the AAPC cycles all end in January and no
    activity falls in January, so no unit moves between cycles in a renewal month."""
    today = draw(st.dates(date(2017, 1, 1), date(2026, 12, 31)))
    credentials = tuple(
        HeldCredential(code, draw(st.dates(FIRST_DAY, today)))
        for code in draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True))
    )
    count = draw(st.integers(0, max_activities))
    person = PersonInput(
        credentials=credentials,
        activities=draw(activities(today=today, count=count, skip_january=skip_renewal_months)),
        aapc_membership_month=1 if skip_renewal_months else draw(st.none() | st.integers(1, 12)),
    )
    return person, today


def _extra(draw, person: PersonInput, today: date, skip_january: bool) -> PersonInput:
    added = draw(activities(today=today, count=1, skip_january=skip_january, prefix="new"))
    return replace(person, activities=(*person.activities, *added))


def _cycles(evaluation: Evaluation):
    return {b.body: b.cycles for b in evaluation.bodies}


@given(
    rules=st.sampled_from((AAPC_RULES, AHIMA_RULES)),
    certified=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    month=st.none() | st.integers(1, 12),
    offset=st.integers(0, 4000),
)
def test_it_puts_every_date_from_certification_on_in_exactly_one_cycle(
    rules, certified, month, offset
):
    day = certified + timedelta(days=offset)

    cycles = build_cycles(rules, first_certification=certified, until=day, membership_month=month)

    assert cycles[0].start == certified
    assert sum(c.contains(day) for c in cycles) == 1
    assert all(c.start <= c.end for c in cycles)
    assert all(b.start == a.end + timedelta(days=1) for a, b in pairwise(cycles))


@given(data=st.data(), case=cases(skip_renewal_months=True))
def test_it_never_lowers_earned_nor_raises_remaining_when_an_activity_is_added(data, case):
    person, today = case
    more = _extra(data.draw, person, today, skip_january=True)

    before, after = _cycles(evaluate(person, today=today)), _cycles(evaluate(more, today=today))

    for body, cycles in before.items():
        for old, new in zip(cycles, after[body], strict=True):
            assert new.earned >= old.earned
            assert new.remaining <= old.remaining


@given(data=st.data(), case=cases())
def test_it_never_raises_remaining_when_an_activity_is_added_across_renewal_months(data, case):
    # In a renewal month an added unit may push a later unit into the next cycle, so a single
    # cycle's earned units may drop above its requirement; what is owed never rises.
    person, today = case
    more = _extra(data.draw, person, today, skip_january=False)

    before, after = _cycles(evaluate(person, today=today)), _cycles(evaluate(more, today=today))

    for body, cycles in before.items():
        assert sum(c.earned for c in after[body]) >= sum(c.earned for c in cycles)
        for old, new in zip(cycles, after[body], strict=True):
            assert new.remaining <= old.remaining


@given(case=cases(codes=NO_TOPIC_CODES + TOPIC_CODES, max_activities=0))
def test_it_owes_exactly_the_requirement_without_activities(case):
    person, today = case

    for cycles in _cycles(evaluate(person, today=today)).values():
        for cycle in cycles:
            assert cycle.earned == 0
            assert cycle.remaining == cycle.required


@given(data=st.data(), case=cases())
def test_it_never_gives_a_worse_status_for_more_units_on_the_same_day(data, case):
    person, today = case
    if not person.activities:
        return
    pick = data.draw(st.integers(0, len(person.activities) - 1))
    grown = person.activities[pick]
    bigger = min(grown.units + Decimal(data.draw(st.integers(1, 20))) / 2, Decimal(40))
    more = replace(
        person,
        activities=tuple(
            replace(a, units=bigger) if i == pick else a for i, a in enumerate(person.activities)
        ),
    )

    before, after = evaluate(person, today=today), evaluate(more, today=today)

    for old, new in zip(before.bodies, after.bodies, strict=True):
        if old.current is not None and new.current is not None:
            assert STATUS_RANK[new.current.status] >= STATUS_RANK[old.current.status]
