"""Status of a cycle, the current cycle and reminders (sections 4, 5; fine print 7.11)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ceutrack.rules import CycleResult, Status, Thresholds
from ceutrack.rules.status import Timing, cycle_status, reminder_due, timing

from .builders import aapc, body, cred, d, person, run

THRESHOLDS = Thresholds()


def _status(*, progress, required=40, total=100, elapsed=25, days_left=75, missing=0):
    required = Decimal(required)
    t = Timing(total_days=total, elapsed_days=elapsed, days_left=days_left)
    return cycle_status(
        required=required,
        remaining=required - Decimal(progress),
        missing_items=missing,
        t=t,
        thresholds=THRESHOLDS,
    )


# With required 40 over 100 days and 25 elapsed: expected 10, behind below 5, at risk below 6.
@pytest.mark.parametrize(
    ("progress", "elapsed", "days_left", "status"),
    [
        ("40", 25, 200, "complete"),
        ("4.5", 25, 200, "behind"),  # 25 days is exactly a quarter: behind applies
        ("5", 25, 200, "at_risk"),  # exactly half of expected is not behind
        ("5.5", 25, 200, "at_risk"),
        ("6", 25, 200, "on_track"),  # exactly expected - 10 % of required is not at risk
        ("0", 24, 200, "at_risk"),  # just under a quarter elapsed: never behind
        ("0", 0, 200, "on_track"),  # the start day expects nothing
        ("39.5", 25, 90, "at_risk"),  # 90 days left
        ("39.5", 25, 91, "on_track"),
        ("39.5", 25, 0, "at_risk"),  # the end day is not lapsed
        ("39.5", 25, -1, "lapsed"),
        ("40", 25, -1, "complete"),
    ],
)
def test_it_applies_the_status_rules_in_order_at_their_thresholds(
    progress, elapsed, days_left, status
):
    assert _status(progress=progress, elapsed=elapsed, days_left=days_left) == status


def test_it_compares_with_expected_exactly_without_rounding():
    # 36 over 730 days, 149 elapsed: expected 7.3479..., at risk below 3.7479...
    assert _status(progress="3.5", required=36, total=730, elapsed=149, days_left=581) == "at_risk"
    assert (
        _status(progress="3.75", required=36, total=730, elapsed=149, days_left=581) == "on_track"
    )


def test_it_withholds_complete_while_a_mandatory_item_is_missing():
    assert _status(progress="40", missing=1, days_left=200) == "on_track"
    assert _status(progress="40", missing=1, days_left=-1) == "lapsed"


def test_it_reads_thresholds_from_the_settings_passed_in():
    p = person(cred("CPC", "2023-01-10"), activities=(aapc("a", "2023-02-01", 30),))

    default = body(run(p, "2024-12-01"), "AAPC").current
    relaxed = body(run(p, "2024-12-01", thresholds=Thresholds(at_risk_days=30)), "AAPC").current

    assert default is not None and relaxed is not None
    assert (default.days_left, default.status, relaxed.status) == (61, "at_risk", "on_track")


def test_it_keeps_expected_exact_and_uncapped_on_the_result():
    p = person(cred("CPC", "2023-01-10"), activities=(aapc("a", "2023-02-01", 36),))

    current = body(run(p, "2025-06-30"), "AAPC").current

    assert current is not None
    assert current.expected == Decimal(36) * 149 / 730
    assert (current.elapsed_days, current.total_days, current.days_left) == (149, 730, 580)


def test_it_never_lets_elapsed_go_below_zero():
    assert timing(d("2025-02-01"), d("2025-02-10"), d("2025-01-20")).elapsed_days == 0


# ------------------------------------------------------------------ the current cycle


def test_it_keeps_an_incomplete_previous_cycle_current_as_lapsed():
    p = person(cred("CPC", "2021-06-05"), activities=(aapc("a", "2021-10-10", 18),))

    result = body(run(p, "2024-07-01"), "AAPC")

    assert result.current is not None
    assert (result.current.end, result.current.status, result.current.days_left) == (
        d("2024-06-30"),
        "lapsed",
        -1,
    )
    assert [c.end.isoformat() for c in result.history] == ["2022-06-30"]


def test_it_moves_on_to_the_cycle_containing_today_once_the_previous_is_complete():
    p = person(
        cred("CPC", "2021-06-05"),
        activities=(aapc("a", "2021-10-10", 18), aapc("b", "2023-10-10", 36)),
    )

    result = body(run(p, "2024-07-01"), "AAPC")

    assert result.current is not None
    assert (result.current.start, result.current.status) == (d("2024-07-01"), "on_track")
    assert [c.status for c in result.history] == ["complete", "complete"]


def test_it_checks_only_the_cycle_just_before_todays_for_a_lapse():
    p = person(cred("CPC", "2021-06-05"), activities=(aapc("b", "2023-10-10", 36),))

    result = body(run(p, "2024-07-01"), "AAPC")

    assert result.current is not None and result.current.start == d("2024-07-01")
    assert [(c.end.isoformat(), c.status) for c in result.history] == [
        ("2022-06-30", "lapsed"),
        ("2024-06-30", "complete"),
    ]


def test_it_lists_history_oldest_first_without_the_current_cycle():
    p = person(cred("CCS", "2017-01-01"))

    result = body(run(p, "2023-02-01"), "AHIMA")

    assert result.current is not None and result.current.end == d("2022-12-31")
    assert [c.end.isoformat() for c in result.history] == ["2018-12-31", "2020-12-31"]
    assert all(c.reminder is None for c in result.history)


# ------------------------------------------------------------------ reminders (section 5)


def _cycle(status: str, days_left: int) -> CycleResult:
    return CycleResult(
        start=d("2024-01-01"),
        end=d("2025-12-31"),
        required=Decimal(36),
        earned=Decimal(0),
        remaining=Decimal(36),
        status=Status(status),
        days_left=days_left,
        expected=Decimal(0),
    )


@pytest.mark.parametrize(
    ("status", "days_left", "reminder"),
    [
        ("lapsed", -1, "lapsed"),
        ("lapsed", -400, "lapsed"),
        ("complete", 0, "submit"),
        ("complete", 30, "submit"),
        ("complete", 31, None),
        ("behind", 0, "due_7"),
        ("behind", 7, "due_7"),
        ("behind", 8, "due_30"),
        ("at_risk", 30, "due_30"),
        ("at_risk", 31, "due_90"),
        ("behind", 90, "due_90"),
        ("behind", 91, "behind"),
        ("at_risk", 91, "at_risk"),
        ("on_track", 5, None),
        ("on_track", 500, None),
    ],
)
def test_it_picks_the_one_reminder_due_for_a_current_cycle(status, days_left, reminder):
    assert reminder_due(_cycle(status, days_left)) == reminder


def test_it_fills_the_reminder_of_the_current_cycle_only():
    p = person(cred("CPC", "2021-06-05"), activities=(aapc("a", "2021-10-10", 18),))

    result = body(run(p, "2024-07-10"), "AAPC")

    assert result.current is not None and result.current.reminder == "lapsed"
    assert result.history[0].reminder is None
