"""Official cycle dates copied from a body's portal (section 2, fine print 7.7)."""

from __future__ import annotations

from decimal import Decimal

from ceutrack.rules import Allocation

from .builders import aapc, ahima, body, cred, d, official, person, run, spans


def test_it_anchors_cycles_on_an_official_cycle_with_no_history_before_it():
    p = person(
        cred("CPC", "2019-03-10"),
        official_cycles=(official("AAPC", "2023-05-01", "2025-04-30"),),
        activities=(aapc("old", "2023-04-30", 5), aapc("in", "2023-05-01", 36)),
    )

    evaluation = run(p, "2025-06-01")
    result = body(evaluation, "AAPC")

    assert spans(result)[:2] == [("2023-05-01", "2025-04-30"), ("2025-05-01", "2027-04-30")]
    assert result.cycles[0].official and not result.cycles[1].official
    assert [c.status for c in result.history] == ["complete"]
    assert evaluation.excluded == ()  # units before the official start count nowhere, unlisted
    assert evaluation.allocations[0] == Allocation("old", "AAPC", None, "outside_cycles")


def test_it_uses_the_official_required_units_when_given():
    p = person(
        cred("CPC", "2023-01-10"),
        official_cycles=(official("aapc", "2023-01-10", "2025-01-31", required="20"),),
    )

    current = body(run(p, "2023-06-01"), "AAPC").current

    assert current is not None and (current.required, current.official) == (20, True)


def test_it_never_pro_rates_an_official_cycle_and_uses_full_topic_minimums():
    p = person(
        cred("CPC", "2024-06-15"),
        cred("CCC", "2024-06-15"),
        official_cycles=(official("AAPC", "2024-06-15", "2025-01-31"),),
    )

    current = body(run(p, "2024-07-01"), "AAPC").current

    assert current is not None
    assert current.required == 40
    assert [(t.topic, t.required) for t in current.topics] == [("cardiology", 8)]


def test_it_sizes_an_official_cycle_from_the_credentials_held_at_its_start():
    p = person(
        cred("CPC", "2020-01-01"),
        cred("CCC", "2023-06-01"),
        official_cycles=(official("AAPC", "2023-07-01", "2025-06-30"),),
    )

    current = body(run(p, "2023-08-01"), "AAPC").current

    assert current is not None
    assert (current.required, current.credentials) == (40, ("CPC", "CCC"))


def test_it_follows_an_official_aapc_end_by_the_month_end_24_months_later():
    p = person(
        cred("CPC", "2022-01-10"),
        official_cycles=(official("AAPC", "2022-06-16", "2024-06-15"),),
    )

    assert spans(body(run(p, "2024-07-01"), "AAPC"))[1] == ("2024-06-16", "2026-06-30")


def test_it_follows_an_official_ahima_cycle_by_the_anniversary_rule():
    p = person(
        cred("CCS", "2020-03-03"),
        official_cycles=(official("AHIMA", "2022-07-01", "2024-06-30"),),
    )

    assert spans(body(run(p, "2024-07-01"), "AHIMA"))[:2] == [
        ("2022-07-01", "2024-06-30"),
        ("2024-07-01", "2026-06-30"),
    ]


def test_it_lets_a_later_official_cycle_replace_the_computed_cycles_it_overlaps():
    p = person(
        cred("CPC", "2021-01-10"),
        official_cycles=(
            official("AAPC", "2024-06-01", "2026-05-31"),
            official("AAPC", "2021-02-01", "2023-01-31"),
        ),
        activities=(aapc("gap", "2023-06-01", 2), aapc("late", "2024-06-01", 2)),
    )

    evaluation = run(p, "2024-07-01")

    assert spans(body(evaluation, "AAPC"))[:3] == [
        ("2021-02-01", "2023-01-31"),
        ("2024-06-01", "2026-05-31"),
        ("2026-06-01", "2028-05-31"),
    ]
    assert evaluation.allocations == (
        Allocation("gap", "AAPC", None, "outside_cycles"),
        Allocation("late", "AAPC", d("2026-05-31"), None, d("2024-06-01")),
    )


def test_it_makes_an_official_cycle_containing_today_current_even_after_a_lapse():
    p = person(
        cred("CPC", "2021-01-10"),
        official_cycles=(
            official("AAPC", "2021-01-10", "2023-01-31"),
            official("AAPC", "2023-02-01", "2025-01-31"),
        ),
    )

    result = body(run(p, "2024-01-01"), "AAPC")

    assert result.current is not None and result.current.start == d("2023-02-01")
    assert [(c.end.isoformat(), c.status) for c in result.history] == [("2023-01-31", "lapsed")]


def test_it_keeps_a_lapsed_cycle_current_when_the_next_one_is_computed():
    p = person(
        cred("CPC", "2021-01-10"),
        official_cycles=(official("AAPC", "2021-01-10", "2023-01-31"),),
    )

    result = body(run(p, "2024-01-01"), "AAPC")

    assert result.current is not None
    assert (result.current.end, result.current.status) == (d("2023-01-31"), "lapsed")


def test_it_ignores_official_cycles_of_a_body_the_person_does_not_hold():
    p = person(
        cred("CPC", "2023-01-10"),
        official_cycles=(official("AHIMA", "2023-01-01", "2024-12-31"),),
    )

    assert [b.body for b in run(p, "2023-06-01").bodies] == ["AAPC"]


def test_it_sizes_an_official_cycle_before_any_certification_from_the_first_ones():
    p = person(
        cred("RHIA", "2023-03-01"),
        official_cycles=(official("AHIMA", "2023-01-01", "2024-12-31"),),
        activities=(ahima("early", "2023-02-01", 5),),
    )

    evaluation = run(p, "2023-06-01")
    current = body(evaluation, "AHIMA").current

    assert current is not None and current.required == Decimal(30)
    assert [e.reason for e in evaluation.excluded] == ["before_certification"]
