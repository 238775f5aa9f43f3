"""Cycle dates (docs/rules.md §2, §7.5 and §7.6)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from ceutrack.rules.catalog import AAPC_RULES, AHIMA_RULES
from ceutrack.rules.cycles import anniversary, build_cycles, first_cycle, next_cycle

from .builders import aapc, body, cred, d, person, run, spans


@pytest.mark.parametrize(
    ("certified", "month", "end", "months"),
    [
        ("2023-01-10", None, "2025-01-31", 24),  # same month as certification: too close
        ("2023-01-31", None, "2025-01-31", 24),  # last day of the month: still too close
        ("2024-06-15", 1, "2025-01-31", 7),
        ("2024-12-31", 1, "2025-01-31", 1),  # the shortest first cycle: one month
        ("2025-01-01", 1, "2027-01-31", 24),
        ("2024-01-15", 1, "2025-01-31", 12),  # January falls due in odd years only
        ("2023-02-01", None, "2024-02-29", 12),  # February: even years, leap day
        ("2024-02-10", 2, "2026-02-28", 24),
        ("2023-12-05", 12, "2024-12-31", 12),
        ("2023-12-05", 11, "2025-11-30", 23),
        ("2023-01-10", 7, "2023-07-31", 6),
        ("2023-01-10", 2, "2024-02-29", 13),
    ],
)
def test_it_ends_the_first_aapc_cycle_on_the_first_membership_month_end_a_month_later(
    certified, month, end, months
):
    span = first_cycle(AAPC_RULES, d(certified), month)

    assert (span.start, span.end, span.prorate_months) == (d(certified), d(end), months)


@pytest.mark.parametrize(
    ("previous_end", "start", "end"),
    [
        ("2025-01-31", "2025-02-01", "2027-01-31"),
        ("2022-02-28", "2022-03-01", "2024-02-29"),
        ("2024-02-29", "2024-03-01", "2026-02-28"),
        ("2024-06-15", "2024-06-16", "2026-06-30"),  # after an official end mid-month
    ],
)
def test_it_ends_later_aapc_cycles_on_the_month_end_24_months_on(previous_end, start, end):
    span = next_cycle(AAPC_RULES, d(previous_end))

    assert (span.start, span.end) == (d(start), d(end))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2020-02-29", "2022-02-28"),  # a 29 February start ends on 28 February
        ("2022-03-01", "2024-02-29"),
        ("2024-03-01", "2026-02-28"),
        ("2023-05-15", "2025-05-14"),
        ("2023-01-01", "2024-12-31"),
        ("2024-02-28", "2026-02-27"),
    ],
)
def test_it_ends_an_ahima_cycle_the_day_before_the_second_anniversary(start, end):
    span = first_cycle(AHIMA_RULES, d(start))

    assert span.end == d(end)
    assert span.prorate_months is None


def test_it_chains_ahima_cycles_from_a_leap_day_start():
    cycles = build_cycles(AHIMA_RULES, first_certification=d("2020-02-29"), until=d("2024-06-01"))

    assert [(c.start.isoformat(), c.end.isoformat()) for c in cycles][:3] == [
        ("2020-02-29", "2022-02-28"),
        ("2022-03-01", "2024-02-29"),
        ("2024-03-01", "2026-02-28"),
    ]


def test_it_rolls_a_missing_anniversary_day_to_the_first_of_the_next_month():
    assert anniversary(d("2020-02-29"), 24) == d("2022-03-01")
    assert anniversary(d("2020-02-29"), 48) == d("2024-02-29")
    assert anniversary(d("2023-01-31"), 1) == d("2023-03-01")


def test_it_builds_cycles_until_one_starts_after_the_given_day():
    cycles = build_cycles(AAPC_RULES, first_certification=d("2023-01-10"), until=d("2025-01-31"))

    assert [c.end.isoformat() for c in cycles] == ["2025-01-31", "2027-01-31"]


def test_it_applies_the_membership_month_to_every_computed_cycle_past_ones_included():
    p = person(cred("CPC", "2019-01-10"), month=6)

    result = body(run(p, "2023-01-01"), "AAPC")

    assert spans(result)[:3] == [
        ("2019-01-10", "2020-06-30"),
        ("2020-07-01", "2022-06-30"),
        ("2022-07-01", "2024-06-30"),
    ]
    # First cycle: 17 months of 24, 36 * 17 / 24 = 25.5.
    assert [c.required for c in result.cycles[:3]] == [Decimal("25.5"), 36, 36]


def test_it_defaults_the_membership_month_to_the_first_aapc_certification_month():
    p = person(cred("CCC", "2022-08-20"), cred("CPC", "2021-04-02"))

    result = body(run(p, "2024-01-01"), "AAPC")

    assert spans(result)[0] == ("2021-04-02", "2022-04-30")


def test_it_places_an_activity_on_the_start_and_end_day_inside_that_cycle():
    p = person(
        cred("CPC", "2023-01-10"),
        activities=(aapc("start", "2023-01-10", 2), aapc("end", "2025-01-31", 3)),
    )

    result = body(run(p, "2025-03-01"), "AAPC")

    assert [a.id for a in result.cycles[0].counted] == ["start", "end"]
    assert result.cycles[1].counted == ()


def test_it_names_an_unknown_cycle_kind_from_the_catalog():
    broken = replace(AAPC_RULES, cycle_kind="lunar")

    with pytest.raises(ValueError, match="unknown cycle kind 'lunar'"):
        first_cycle(broken, d("2024-01-01"))
