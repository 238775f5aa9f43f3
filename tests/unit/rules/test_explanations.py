"""The engine explains each figure: where an activity counts and why (docs/rules.md 3.2-3.5)."""

from __future__ import annotations

from decimal import Decimal

from ceutrack.rules import (
    OVER_NON_DOMAIN_CAP,
    RENEWAL_MONTH_CARRY,
    CycleResult,
    SourcedResult,
    Status,
    TopicResult,
    expected_through,
)

from .builders import aapc, ahima, body, cred, d, person, run


def _allocation(evaluation, activity_id, body_code):
    return next(
        a for a in evaluation.allocations if a.activity_id == activity_id and a.body == body_code
    )


def test_it_says_a_renewal_month_activity_was_carried_to_the_next_cycle():
    # CPC since 2023-03-01: the first cycle ends 2025-03-31, met by 36 units before March.
    p = person(
        cred("CPC", "2023-03-01"),
        activities=(aapc("base", "2024-06-06", 36), aapc("late", "2025-03-28", 2)),
    )

    evaluation = run(p, "2025-06-01")
    late = _allocation(evaluation, "late", "AAPC")

    assert (late.cycle_start, late.cycle_end) == (d("2025-04-01"), d("2027-03-31"))
    assert late.carried_from == d("2025-03-31")
    assert late.notes == (RENEWAL_MONTH_CARRY,)
    assert _allocation(evaluation, "base", "AAPC").notes == ()


def test_it_keeps_a_renewal_month_activity_in_a_cycle_that_still_needs_it_without_a_note():
    p = person(
        cred("CPC", "2023-03-01"),
        activities=(aapc("base", "2024-06-06", 30), aapc("late", "2025-03-28", 2)),
    )

    late = _allocation(run(p, "2025-06-01"), "late", "AAPC")

    assert (late.cycle_end, late.carried_from, late.notes) == (d("2025-03-31"), None, ())


def test_it_names_the_entry_a_duplicate_repeats():
    p = person(
        cred("CPC", "2024-01-10"),
        activities=(
            aapc("first", "2024-05-01", 2, title="E/M update", provider="AAPC"),
            aapc("again", "2024-05-01", 2, title="e/m  UPDATE", provider="aapc"),
            aapc("same-index", "2024-06-01", 1, aapc_index="IDX-first"),
        ),
    )

    evaluation = run(p, "2024-07-01")

    assert _allocation(evaluation, "again", "AAPC").duplicate_of == "first"
    assert _allocation(evaluation, "same-index", "AAPC").duplicate_of == "first"
    assert not _allocation(evaluation, "again", "AAPC").counted
    assert _allocation(evaluation, "first", "AAPC").counted


def test_it_says_which_non_domain_units_are_over_the_cap_in_counting_order():
    # CCS 20 units: non-domain units count up to 4.
    p = person(
        cred("CCS", "2023-05-15"),
        activities=(
            ahima("d", "2023-09-10", 16),
            ahima("n1", "2023-09-11", 3, ahima_domain=False),
            ahima("n2", "2023-09-12", "2.5", ahima_domain=False),
            ahima("n3", "2023-09-13", 1, ahima_domain=False),
        ),
    )

    evaluation = run(p, "2023-10-01")

    assert _allocation(evaluation, "d", "AHIMA").uncounted == 0
    assert _allocation(evaluation, "n1", "AHIMA").uncounted == 0
    assert _allocation(evaluation, "n2", "AHIMA").uncounted == Decimal("1.5")
    assert _allocation(evaluation, "n3", "AHIMA").uncounted == 1
    assert _allocation(evaluation, "n3", "AHIMA").notes == (OVER_NON_DOMAIN_CAP,)
    assert body(evaluation, "AHIMA").current.non_domain_over_cap


def test_the_steady_pace_reaches_the_requirement_at_the_end_of_the_last_day():
    cycle = CycleResult(
        start=d("2025-01-01"),
        end=d("2025-12-31"),
        required=Decimal(365),
        earned=Decimal(0),
        remaining=Decimal(365),
        status=Status.ON_TRACK,
        days_left=0,
        expected=Decimal(0),
    )

    assert expected_through(cycle, d("2025-12-31")) == 365
    assert expected_through(cycle, d("2025-01-31")) == 31


def test_topic_and_sourced_results_say_what_is_missing():
    assert TopicResult("ent", Decimal(8), Decimal("2.5")).missing == Decimal("5.5")
    assert TopicResult("ent", Decimal(8), Decimal(9)).missing == 0
    assert TopicResult("ent", Decimal(8), Decimal(9)).met
    assert SourcedResult(Decimal(8), Decimal(3)).missing == 5
