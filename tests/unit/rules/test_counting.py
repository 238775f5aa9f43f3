"""Counting units (section 3, fine print 2-4, 8-10, 13)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ceutrack.rules import (
    DEFAULT_CATALOG,
    Activity,
    Allocation,
    Exclusion,
    HeldCredential,
    Outstanding,
    Rejection,
)
from ceutrack.rules.counting import activity_rejection, credential_rejection

from .builders import aapc, ahima, body, cred, d, person, run

TODAY = "2025-06-30"


# ------------------------------------------------------------------ rejections (3.1, 7.2)


@pytest.mark.parametrize(
    ("on", "units", "reason"),
    [
        ("2025-07-01", "5", "future_date"),
        ("2025-07-01", "41", "future_date"),  # the first rule that applies wins
        ("2025-06-30", "0", "invalid_units"),
        ("2025-06-30", "-1", "invalid_units"),
        ("2025-06-30", "40.5", "invalid_units"),
        ("2025-06-30", "40.25", "invalid_units"),
        ("2025-06-30", "0.25", "invalid_increment"),
        ("2025-06-30", "1.25", "invalid_increment"),
        ("2025-06-30", "40", None),
        ("2025-06-30", "0.5", None),
    ],
)
def test_it_rejects_an_activity_for_the_first_rule_it_breaks(on, units, reason):
    p = person(cred("CPC", "2024-01-10"), activities=(aapc("a1", on, units),))

    rejected = run(p, TODAY).rejected

    assert rejected == ((Rejection("a1", reason),) if reason else ())


def test_it_applies_unit_limits_to_activities_marked_for_no_body():
    unmarked = Activity(id="x", completed_on=d("2025-01-01"), units=Decimal("0.75"))

    rejected = run(person(cred("CPC", "2024-01-10"), activities=(unmarked,)), TODAY).rejected

    assert rejected == (Rejection("x", "invalid_increment"),)


@pytest.mark.parametrize(
    ("code", "earned_on", "reason"),
    [
        ("XYZ", "2020-01-01", "unknown_credential"),
        ("CPC-H", "2020-01-01", "unknown_credential"),  # now COC
        ("xyz", "2030-01-01", "unknown_credential"),
        ("CCS", "2025-07-01", "future_credential"),
        ("CCS", "2025-06-30", None),
    ],
)
def test_it_rejects_a_credential_that_is_unknown_or_certified_after_today(code, earned_on, reason):
    rejected = run(person(cred("CPC", "2024-01-10"), cred(code, earned_on)), TODAY).rejected

    assert rejected == ((Rejection(code, reason),) if reason else ())


def test_it_exposes_the_entry_checks_for_forms():
    today = d(TODAY)

    assert (
        credential_rejection(HeldCredential("cpc", today), today=today, catalog=DEFAULT_CATALOG)
        is None
    )
    assert activity_rejection(aapc("a", TODAY, "0.5"), today=today, catalog=DEFAULT_CATALOG) is None
    assert (
        activity_rejection(aapc("a", TODAY, "0.75"), today=today, catalog=DEFAULT_CATALOG)
        == "invalid_increment"
    )


def test_it_lists_credential_rejections_before_activity_rejections_in_entry_order():
    p = person(
        cred("CPC", "2024-01-10"),
        cred("ZZZ", "2020-01-01"),
        cred("CCA", "2026-01-01"),
        activities=(aapc("r2", "2025-01-01", "0"), aapc("r1", "2026-01-01", "1")),
    )

    evaluation = run(p, TODAY)

    assert [(r.id, r.reason) for r in evaluation.rejected] == [
        ("ZZZ", "unknown_credential"),
        ("CCA", "future_credential"),
        ("r2", "invalid_units"),
        ("r1", "future_date"),
    ]
    assert [b.body for b in evaluation.bodies] == ["AAPC"]


# ------------------------------------------------------------------ exclusions (3.2, 7.3, 7.4)


def test_it_excludes_activities_completed_before_the_body_certification():
    p = person(
        cred("CPC", "2024-01-10"),
        activities=(aapc("early", "2024-01-09", 2), aapc("day", "2024-01-10", 3)),
    )

    evaluation = run(p, TODAY)

    assert evaluation.excluded == (Exclusion("early", "AAPC", "before_certification"),)
    assert [a.id for a in body(evaluation, "AAPC").cycles[0].counted] == ["day"]


def test_it_excludes_a_repeated_title_provider_and_date_for_every_body_it_is_marked_for():
    first = aapc("a1", "2025-02-02", 2, title="E/M  Update", provider="AAPC", ahima=True)
    again = aapc("a2", "2025-02-02", 2, title=" e/m update", provider="aapc ", ahima=True)
    p = person(cred("CPC", "2024-01-10"), cred("CCS", "2024-01-10"), activities=(first, again))

    evaluation = run(p, TODAY)

    assert evaluation.excluded == (
        Exclusion("a2", "AAPC", "duplicate"),
        Exclusion("a2", "AHIMA", "duplicate"),
    )


@pytest.mark.parametrize(
    ("second", "duplicate"),
    [
        ({"title": "Coding", "provider": "X", "on": "2025-02-03"}, False),
        ({"title": "Coding", "provider": "Y", "on": "2025-02-02"}, False),
        ({"title": "Coding 2", "provider": "X", "on": "2025-02-02"}, False),
        ({"title": "CODING", "provider": "x", "on": "2025-02-02"}, True),
    ],
)
def test_it_needs_title_provider_and_date_all_equal_for_a_title_duplicate(second, duplicate):
    p = person(
        cred("CCS", "2024-01-10"),
        activities=(
            ahima("a1", "2025-02-02", 2, title="Coding", provider="X"),
            ahima("a2", second["on"], 2, title=second["title"], provider=second["provider"]),
        ),
    )

    excluded = run(p, TODAY).excluded

    assert bool(excluded) is duplicate


def test_it_never_treats_entries_without_a_title_as_title_duplicates():
    p = person(
        cred("CCS", "2024-01-10"),
        activities=(
            ahima("a1", "2025-02-02", 2, provider="X"),
            ahima("a2", "2025-02-02", 2, provider="X"),
        ),
    )

    evaluation = run(p, TODAY)

    assert evaluation.excluded == ()
    assert body(evaluation, "AHIMA").current.earned == 4


def test_it_does_not_count_a_rejected_entry_as_the_earlier_entry():
    p = person(
        cred("CCS", "2024-01-10"),
        activities=(
            ahima("bad", "2025-02-02", "1.25", title="Coding"),
            ahima("good", "2025-02-02", "1.5", title="Coding"),
        ),
    )

    evaluation = run(p, TODAY)

    assert evaluation.excluded == ()
    assert [r.id for r in evaluation.rejected] == ["bad"]


def test_it_counts_an_aapc_index_once_at_its_earliest_completion_for_aapc_only():
    p = person(
        cred("CPC", "2024-01-10"),
        cred("CCS", "2024-01-10"),
        activities=(
            aapc("late", "2025-05-01", 2, aapc_index="A123", ahima=True),
            aapc("early", "2025-03-01", 2, aapc_index=" a123 "),
            aapc("same", "2025-03-01", 2, aapc_index="A123"),
        ),
    )

    evaluation = run(p, TODAY)

    assert evaluation.excluded == (
        Exclusion("late", "AAPC", "duplicate"),
        Exclusion("same", "AAPC", "duplicate"),
    )
    assert body(evaluation, "AHIMA").current.earned == 2  # still counts for AHIMA


def test_it_lets_before_certification_win_over_duplicate():
    p = person(
        cred("CPC", "2024-01-10"),
        activities=(
            aapc("a1", "2024-01-05", 2, title="Same"),
            aapc("a2", "2024-01-05", 2, title="Same"),
        ),
    )

    assert run(p, TODAY).excluded == (
        Exclusion("a1", "AAPC", "before_certification"),
        Exclusion("a2", "AAPC", "before_certification"),
    )


def test_it_skips_index_entries_excluded_otherwise_when_choosing_the_earliest():
    p = person(
        cred("CPC", "2024-01-10"),
        activities=(
            aapc("before", "2024-01-05", 2, aapc_index="K1"),
            aapc("counted", "2024-02-05", 2, aapc_index="K1"),
        ),
    )

    evaluation = run(p, TODAY)

    assert evaluation.excluded == (Exclusion("before", "AAPC", "before_certification"),)
    assert [a.id for a in body(evaluation, "AAPC").cycles[0].counted] == ["counted"]


def test_it_judges_certification_per_body_for_a_shared_title_duplicate():
    p = person(
        cred("CPC", "2025-01-01"),
        cred("CCS", "2024-01-10"),
        activities=(
            aapc("a1", "2024-06-01", 2, title="Same", ahima=True),
            aapc("a2", "2024-06-01", 2, title="Same", ahima=True),
        ),
    )

    assert run(p, TODAY).excluded == (
        Exclusion("a1", "AAPC", "before_certification"),
        Exclusion("a2", "AAPC", "before_certification"),
        Exclusion("a2", "AHIMA", "duplicate"),
    )


def test_it_does_not_list_activities_marked_only_for_a_body_the_person_does_not_hold():
    p = person(cred("CPC", "2024-01-10"), activities=(ahima("h1", "2020-01-01", 2),))

    evaluation = run(p, TODAY)

    assert (evaluation.excluded, evaluation.allocations) == ((), ())


def test_it_allocates_every_stored_activity_to_a_cycle_or_a_reason():
    p = person(
        cred("CPC", "2023-01-10"),
        cred("CCS", "2023-01-10"),
        activities=(
            aapc("before", "2023-01-01", 2),
            aapc("in_first", "2024-05-01", 2, ahima=True),
            aapc("dup", "2024-06-01", 2, aapc_index="IDX-in_first"),
            aapc("in_second", "2025-03-01", 2),
        ),
    )

    allocations = run(p, TODAY).allocations

    assert allocations == (
        Allocation("before", "AAPC", None, "before_certification"),
        Allocation("in_first", "AAPC", d("2025-01-31"), None, d("2023-01-10")),
        Allocation("in_first", "AHIMA", d("2025-01-09"), None, d("2023-01-10")),
        Allocation("dup", "AAPC", None, "duplicate", duplicate_of="in_first"),
        Allocation("in_second", "AAPC", d("2027-01-31"), None, d("2025-02-01")),
    )


# ------------------------------------------------------------------ renewal month (3.4, 7.8)


def _renewal_person(*late: Activity, extra: tuple[Activity, ...] = ()):
    """CPC since 2023-03-01: cycles end 2025-03-31 and 2027-03-31; 33 units before March."""
    return person(
        cred("CPC", "2023-03-01"),
        activities=(aapc("base", "2024-06-06", 33), *extra, *late),
    )


def test_it_gives_renewal_month_units_to_the_closing_cycle_until_it_is_met():
    p = _renewal_person(
        aapc("m3", "2025-03-20", 3), aapc("m1", "2025-03-05", 2), aapc("m2", "2025-03-12", 1)
    )

    result = body(run(p, "2025-04-10"), "AAPC")

    closing, following = result.cycles[:2]
    assert [a.id for a in closing.counted] == ["base", "m1", "m2"]
    assert [a.id for a in following.counted] == ["m3"]
    assert (closing.earned, following.earned) == (36, 3)


def test_it_breaks_renewal_month_ties_by_entry_order():
    p = _renewal_person(aapc("x", "2025-03-05", 3), aapc("y", "2025-03-05", 3))

    closing, following = body(run(p, "2025-04-10"), "AAPC").cycles[:2]

    assert [a.id for a in closing.counted] == ["base", "x"]
    assert [a.id for a in following.counted] == ["y"]


def test_it_sends_renewal_month_surplus_to_the_next_cycle_before_it_starts():
    p = _renewal_person(aapc("m1", "2025-03-05", 3), aapc("m2", "2025-03-12", 2))

    evaluation = run(p, "2025-03-15")

    current = body(evaluation, "AAPC").current
    assert current is not None and current.end == d("2025-03-31")
    assert (current.earned, current.status) == (36, "complete")
    # m2 is dated in the closing cycle's renewal month and carried to the next one.
    carried = Allocation("m2", "AAPC", d("2027-03-31"), None, d("2025-04-01"), d("2025-03-31"))
    assert carried in evaluation.allocations


def test_it_keeps_the_day_before_the_renewal_month_in_the_closing_cycle():
    p = _renewal_person(aapc("feb", "2025-02-28", 5), aapc("mar", "2025-03-01", 5))

    closing, following = body(run(p, "2025-04-10"), "AAPC").cycles[:2]

    assert [a.id for a in closing.counted] == ["base", "feb"]
    assert [a.id for a in following.counted] == ["mar"]


def test_it_does_not_hold_renewal_units_back_for_a_topic_gap():
    p = person(
        cred("CPC", "2023-03-01"),
        cred("CCC", "2023-03-01"),
        activities=(
            aapc("base", "2024-06-06", 40),
            aapc("cardio", "2025-03-10", 4, topic="cardiology"),
        ),
    )

    closing, following = body(run(p, "2025-04-10"), "AAPC").cycles[:2]

    assert closing.earned == 40 and closing.remaining == 8
    assert [a.id for a in following.counted] == ["cardio"]


def test_it_moves_a_topic_unit_on_when_an_earlier_renewal_unit_meets_the_total():
    # 3.4 with 7.8: adding a unit can move a later topic unit into the next cycle, so the
    # closing cycle owes more than before (the monotonic properties exclude this case).
    base = (aapc("base", "2024-06-06", 32), aapc("c0", "2024-07-07", 4, topic="cardiology"))
    card = aapc("card", "2025-03-20", 4, topic="cardiology")

    def closing(*activities):
        p = person(cred("CPC", "2023-03-01"), cred("CCC", "2023-03-01"), activities=activities)
        return body(run(p, "2025-03-25"), "AAPC").current

    without = closing(*base, card)
    with_more = closing(*base, aapc("web", "2025-03-05", 4), card)

    assert (without.earned, without.remaining, without.status) == (40, 0, "complete")
    assert (with_more.earned, with_more.remaining, with_more.status) == (40, 4, "at_risk")


def test_it_has_no_renewal_month_rule_for_ahima():
    p = person(
        cred("CCS", "2023-05-15"),
        activities=(ahima("h1", "2024-05-01", 20), ahima("h2", "2025-05-10", 2)),
    )

    first = body(run(p, "2025-06-01"), "AHIMA").cycles[0]

    assert (first.earned, [a.id for a in first.counted]) == (22, ["h1", "h2"])


# ------------------------------------------------------------------ topics (3.3)


def test_it_counts_a_topic_activity_toward_its_topic_and_the_total_case_insensitively():
    p = person(
        cred("CPC", "2023-03-01"),
        cred("CCC", "2023-03-01"),
        activities=(
            aapc("c1", "2023-06-01", 3, topic="Cardiology"),
            aapc("x1", "2023-06-02", 2, topic="auditing"),
        ),
    )

    current = body(run(p, "2023-07-01"), "AAPC").current

    assert current is not None
    assert current.earned == 5
    assert [(t.topic, t.required, t.earned) for t in current.topics] == [("cardiology", 8, 3)]
    assert current.remaining == 35


def test_it_reports_remaining_as_the_largest_gap():
    p = person(
        cred("CPC", "2023-03-01"),
        cred("CCC", "2023-03-01"),
        activities=(aapc("x", "2023-06-01", 38),),
    )

    current = body(run(p, "2023-07-01"), "AAPC").current

    assert current is not None
    assert (current.earned, current.remaining, current.progress) == (38, 8, 32)


def test_it_lets_topic_minimums_above_the_total_set_remaining():
    p = person(*(cred(c, "2023-03-01") for c in ("CPMA", "CPCO", "CPPM")))

    current = body(run(p, "2023-03-02"), "AAPC").current

    assert current is not None
    assert (current.required, current.remaining) == (44, 48)


# ------------------------------------------------------------------ AHIMA domain and sourced


@pytest.mark.parametrize(
    ("non_domain", "earned"),
    [("3.5", "19.5"), ("4", "20"), ("4.5", "20"), ("10", "20")],
)
def test_it_caps_non_domain_ahima_units_at_a_fifth_of_the_requirement(non_domain, earned):
    p = person(
        cred("CCS", "2023-05-15"),
        activities=(
            ahima("d", "2023-09-10", 16),
            ahima("n", "2023-09-11", non_domain, ahima_domain=False),
        ),
    )

    current = body(run(p, "2023-10-01"), "AHIMA").current

    assert current is not None
    assert current.earned == Decimal(earned)
    assert (current.domain_earned, current.non_domain_earned, current.non_domain_cap) == (
        16,
        Decimal(non_domain),
        4,
    )


@pytest.mark.parametrize(
    ("certified", "sourced_required"), [("2022-12-31", None), ("2023-01-01", "8")]
)
def test_it_requires_ahima_sourced_units_only_in_cycles_starting_on_or_after_2025(
    certified, sourced_required
):
    p = person(cred("CCS", certified))

    current = body(run(p, "2025-06-01"), "AHIMA").cycles[1]

    assert (current.sourced.required if current.sourced else None) == (
        Decimal(sourced_required) if sourced_required else None
    )


def test_it_counts_sourced_units_before_the_non_domain_cap():
    p = person(
        cred("CCS", "2023-01-01"),
        activities=(
            ahima("old", "2023-06-01", 20),
            ahima("d", "2025-02-01", 16),
            ahima("s", "2025-02-02", 10, ahima_domain=False, ahima_sourced=True),
        ),
    )

    current = body(run(p, "2025-03-01"), "AHIMA").current

    assert current is not None
    assert (current.earned, current.sourced.earned, current.remaining) == (20, 10, 0)
    assert current.status == "complete"


def test_it_keeps_a_sourced_gap_open_when_the_total_is_met():
    p = person(
        cred("CCS", "2023-01-01"),
        activities=(ahima("old", "2023-06-01", 20), ahima("d", "2025-02-01", 20)),
    )

    current = body(run(p, "2025-03-01"), "AHIMA").current

    assert current is not None
    assert (current.earned, current.sourced.required, current.remaining) == (20, 8, 8)


# ------------------------------------------------------------------ self-review (7.10)


def _self_review_person(reviews: int, *extra, first="2019-01-01"):
    return person(
        cred("CCS", first),
        activities=(
            ahima("units", "2019-06-01", 18),
            *(ahima(f"sr{i}", f"2020-0{i + 1}-01", 1, kind="self_review") for i in range(reviews)),
            *extra,
        ),
    )


@pytest.mark.parametrize(
    ("reviews", "status", "outstanding"),
    [(2, "complete", ()), (1, "lapsed", ("self_review:1",)), (0, "lapsed", ("self_review:2",))],
    # The engine's typed items, compared in the CLI's codes.
)
def test_it_requires_two_self_reviews_in_cycles_ending_by_2020_12_31(reviews, status, outstanding):
    # The cycle 2019-01-01..2020-12-31 ends on the last day the self-review applies.
    extra = () if reviews == 2 else (ahima("more", "2020-05-05", 2),)
    first = body(run(_self_review_person(reviews, *extra), "2021-06-01"), "AHIMA").cycles[0]

    assert first.end == d("2020-12-31")
    assert first.remaining == 0
    assert (first.status, tuple(item.code for item in first.outstanding)) == (status, outstanding)


def test_it_no_longer_requires_self_reviews_in_cycles_ending_after_2020():
    p = person(cred("CCS", "2019-01-02"), activities=(ahima("units", "2019-06-01", 20),))

    first = body(run(p, "2021-06-01"), "AHIMA").cycles[0]

    assert first.end == d("2021-01-01")
    assert (first.status, first.outstanding, first.self_reviews_required) == ("complete", (), 0)


def test_it_requires_self_reviews_only_for_cca_ccs_or_ccs_p_holders():
    p = person(cred("RHIA", "2019-01-01"), activities=(ahima("units", "2019-06-01", 30),))

    first = body(run(p, "2021-06-01"), "AHIMA").cycles[0]

    assert (first.status, first.self_reviews_required) == ("complete", 0)


def test_it_treats_a_missing_self_review_as_something_owed_near_the_end():
    p = person(cred("CCS", "2019-01-01"), activities=(ahima("units", "2019-06-01", 20),))

    early = body(run(p, "2020-06-01"), "AHIMA").current
    late = body(run(p, "2020-11-01"), "AHIMA").current

    assert early is not None and late is not None
    assert (early.remaining, early.status) == (0, "on_track")
    assert early.outstanding == (Outstanding("self_review", 2),)
    assert (late.status, late.reminder) == ("at_risk", "due_90")
