"""Flattening one engine evaluation into a summary row (no database)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from ceutrack.organizations.summaries import next_local_midnight, summary_fields
from ceutrack.rules import BodyResult, CycleResult, Evaluation, Status

TODAY = date(2025, 6, 30)


def cycle(status, *, end, remaining="10", days_left=100):
    return CycleResult(
        start=date(2024, 1, 1),
        end=end,
        required=Decimal(36),
        earned=Decimal(36) - Decimal(remaining),
        remaining=Decimal(remaining),
        status=status,
        days_left=days_left,
        expected=Decimal(20),
    )


def evaluation(*bodies):
    return Evaluation(today=TODAY, bodies=tuple(bodies), rejected=(), excluded=())


def fields(ev, codes=("CPC",)):
    return summary_fields(ev, time_zone="UTC", credential_codes=codes, last_activity_on=None)


def test_it_reports_no_credentials_when_no_body_has_a_current_cycle():
    row = fields(evaluation(), codes=())
    assert row["status"] == "none"
    assert row["bodies"] == []
    assert row["remaining"] is None


def test_a_person_takes_the_worst_status_of_their_bodies():
    aapc = BodyResult(
        "AAPC", ("CPC",), cycle(Status.COMPLETE, end=date(2025, 8, 31), remaining="0"), ()
    )
    ahima = BodyResult("AHIMA", ("CCS",), cycle(Status.BEHIND, end=date(2026, 1, 31)), ())
    row = fields(evaluation(aapc, ahima), codes=("CPC", "ccs"))
    assert row["status"] == "behind"
    assert row["cycle_end"] == date(2026, 1, 31)
    assert row["remaining"] == "10"
    assert row["body_codes"] == ",AAPC,AHIMA,"
    assert row["credential_codes"] == ",CCS,CPC,"
    assert [b["status"] for b in row["bodies"]] == ["complete", "behind"]


def test_between_equal_statuses_the_sooner_deadline_leads():
    aapc = BodyResult("AAPC", ("CPC",), cycle(Status.AT_RISK, end=date(2026, 1, 31)), ())
    ahima = BodyResult("AHIMA", ("CCS",), cycle(Status.AT_RISK, end=date(2025, 9, 30)), ())
    assert fields(evaluation(aapc, ahima))["cycle_end"] == date(2025, 9, 30)


def test_a_row_stays_valid_until_the_persons_next_local_midnight():
    assert next_local_midnight(TODAY, "America/New_York") == datetime(2025, 7, 1, 4, tzinfo=UTC)
    assert next_local_midnight(TODAY, "Asia/Tokyo") == datetime(2025, 6, 30, 15, tzinfo=UTC)
