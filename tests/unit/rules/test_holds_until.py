"""`holds_until`: the first later day on which the same input gives another current cycle,
status or reminder (docs/rules.md §5.1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ceutrack.rules import (
    DEFAULT_THRESHOLDS,
    Activity,
    HeldCredential,
    OfficialCycle,
    PersonInput,
    Reminder,
    Status,
    evaluate,
)
from ceutrack.rules.holds import threshold_days

CODES = ("CPC", "COC", "CRC", "CPC-A", "CCS", "CCA", "RHIT", "RHIA", "CHDA", "CCC", "CPMA")
ONE_DAY = timedelta(days=1)
# Days checked one by one after today (and before holds_until) when the verdict holds long;
# the property test draws more days in between.
EDGE_DAYS = 15


def _cpc(earned_on: date, *activities: Activity, **more: object) -> PersonInput:
    """A CPC certified on `earned_on` whose first cycle (to 2025-01-31) was completed."""
    return PersonInput(
        credentials=(HeldCredential("CPC", earned_on),),
        activities=(_aapc_units(date(2024, 6, 1), "36", ident="first"), *activities),
        aapc_membership_month=1,
        **more,  # type: ignore[arg-type]
    )


def _aapc_units(on: date, units: str, ident: str = "a1") -> Activity:
    return Activity(id=ident, completed_on=on, units=Decimal(units), aapc=True, aapc_index=ident)


def _current(person: PersonInput, today: date, body: str = "AAPC"):
    result = evaluate(person, today=today).body(body)
    assert result is not None and result.current is not None
    return result.current


def _verdict(person: PersonInput, day: date, body: str):
    result = evaluate(person, today=day).body(body)
    cycle = None if result is None else result.current
    return None if cycle is None else (cycle.start, cycle.end, cycle.status, cycle.reminder)


# ------------------------------------------------------------------ worked examples


def test_it_holds_an_on_track_verdict_until_the_pace_line_passes_the_margin():
    # Cycle 2025-02-01..2027-01-31 (730 days), 36 required, 8 earned: at risk once
    # 8 < 36 * e / 730 - 3.6, i.e. e > 235.2 days, so on day 236 = 2025-09-25.
    person = _cpc(date(2023, 1, 10), _aapc_units(date(2025, 3, 15), "8"))

    current = _current(person, date(2025, 6, 30))

    assert current.status == Status.ON_TRACK
    assert current.holds_until == date(2025, 9, 25)
    assert _current(person, date(2025, 9, 24)).status == Status.ON_TRACK
    assert _current(person, date(2025, 9, 25)).status == Status.AT_RISK


def test_it_holds_a_complete_verdict_until_the_submit_window_opens():
    person = _cpc(date(2023, 1, 10), _aapc_units(date(2025, 3, 15), "36"))

    current = _current(person, date(2025, 6, 30))

    assert (current.status, current.reminder) == (Status.COMPLETE, None)
    assert current.holds_until == date(2027, 1, 1)  # 30 days before 2027-01-31
    assert _current(person, date(2027, 1, 1)).reminder == Reminder.SUBMIT


def test_it_holds_a_submit_reminder_until_the_next_cycle_starts():
    person = _cpc(date(2023, 1, 10), _aapc_units(date(2025, 3, 15), "36"))

    assert _current(person, date(2027, 1, 10)).holds_until == date(2027, 2, 1)


def test_it_moves_from_due_90_to_due_30_to_due_7_on_the_window_days():
    person = _cpc(date(2023, 1, 10), _aapc_units(date(2025, 3, 15), "30"))

    in_90 = _current(person, date(2026, 11, 15))
    in_30 = _current(person, in_90.holds_until)

    assert (in_90.reminder, in_90.holds_until) == (Reminder.DUE_90, date(2027, 1, 1))
    assert (in_30.reminder, in_30.holds_until) == (Reminder.DUE_30, date(2027, 1, 24))
    assert _current(person, in_30.holds_until).reminder == Reminder.DUE_7


def test_it_holds_a_lapsed_cycle_until_the_cycle_after_it_ends_too():
    # Nothing earned: 2023-2025 lapsed stays current through the 2025-2027 cycle, which
    # lapses in turn and becomes current on 2027-02-01.
    person = PersonInput(credentials=(HeldCredential("CPC", date(2023, 1, 10)),), activities=())

    current = _current(person, date(2025, 6, 30))

    assert (current.end, current.status) == (date(2025, 1, 31), Status.LAPSED)
    assert current.holds_until == date(2027, 2, 1)


def test_it_ends_the_verdict_when_a_future_dated_activity_takes_effect():
    # At risk since 2025-09-25; 20 units dated 2025-11-01 are rejected until that day, then
    # put the cycle back on track.
    person = _cpc(
        date(2023, 1, 10),
        _aapc_units(date(2025, 3, 15), "8"),
        _aapc_units(date(2025, 11, 1), "20", ident="later"),
    )

    current = _current(person, date(2025, 10, 1))

    assert (current.status, current.holds_until) == (Status.AT_RISK, date(2025, 11, 1))
    assert _current(person, date(2025, 11, 1)).status == Status.ON_TRACK


def test_it_looks_past_a_future_dated_activity_that_changes_no_verdict():
    # Another 0.5 unit on 2025-08-01 only moves the at-risk crossing: e > 245.36 days.
    person = _cpc(
        date(2023, 1, 10),
        _aapc_units(date(2025, 3, 15), "8"),
        _aapc_units(date(2025, 8, 1), "0.5", ident="later"),
    )

    assert _current(person, date(2025, 6, 30)).holds_until == date(2025, 10, 5)


def test_it_keeps_a_lapsed_cycle_until_an_official_cycle_after_a_gap_starts():
    person = PersonInput(
        credentials=(HeldCredential("CPC", date(2023, 1, 10)),),
        activities=(),
        official_cycles=(
            OfficialCycle("AAPC", date(2023, 1, 10), date(2025, 1, 31)),
            OfficialCycle("AAPC", date(2025, 9, 1), date(2027, 8, 31), Decimal("0.5")),
        ),
    )

    current = _current(person, date(2025, 3, 1))

    assert (current.end, current.status) == (date(2025, 1, 31), Status.LAPSED)
    assert current.holds_until == date(2025, 9, 1)


def test_it_lists_the_threshold_days_around_each_crossing():
    person = _cpc(date(2023, 1, 10), _aapc_units(date(2025, 3, 15), "8"))
    current = _current(person, date(2025, 6, 30))

    days = threshold_days(current, DEFAULT_THRESHOLDS)

    assert date(2025, 9, 25) in days  # the at-risk crossing
    assert date(2026, 11, 2) in days  # 90 days left
    assert date(2027, 2, 1) in days  # lapsed from the day after the end
    assert days == sorted(days)


def test_the_cli_json_carries_holds_until_as_an_iso_date():
    from ceutrack.rules.scenario import to_json

    person = _cpc(date(2023, 1, 10), _aapc_units(date(2025, 3, 15), "8"))

    out = to_json(evaluate(person, today=date(2025, 6, 30)))

    assert out["bodies"][0]["current"]["holds_until"] == "2025-09-25"  # type: ignore[index]


# ------------------------------------------------------------------ the property


@st.composite
def people(draw):
    today = draw(st.dates(date(2017, 1, 1), date(2026, 12, 31)))
    credentials = tuple(
        HeldCredential(code, draw(st.dates(date(2012, 1, 1), today + timedelta(days=400))))
        for code in draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True))
    )
    activities = tuple(
        Activity(
            id=f"a{i}",
            # Some after today: rejected as future-dated until their day comes.
            completed_on=draw(st.dates(date(2014, 1, 1), today + timedelta(days=300))),
            units=Decimal(draw(st.integers(1, 40))) / 2,
            title=f"title {i}",
            kind=draw(st.sampled_from(("webinar", "self_review"))),
            aapc=draw(st.booleans()),
            aapc_index=f"i{i}",
            topic=draw(st.sampled_from((None, "auditing", "cardiology"))),
            ahima=draw(st.booleans()),
            ahima_domain=draw(st.booleans()),
            ahima_sourced=draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 10)))
    )
    official = ()
    if draw(st.booleans()):
        start = draw(st.dates(date(2015, 1, 1), today + timedelta(days=200)))
        official = (
            OfficialCycle(
                body=draw(st.sampled_from(("AAPC", "AHIMA"))),
                start=start,
                end=start + timedelta(days=draw(st.integers(100, 900))),
                required=draw(st.sampled_from((None, Decimal(20), Decimal("0.5")))),
            ),
        )
    person = PersonInput(
        credentials=credentials,
        activities=activities,
        official_cycles=official,
        aapc_membership_month=draw(st.none() | st.integers(1, 12)),
    )
    return person, today


@given(case=people(), data=st.data())
def test_the_verdict_holds_every_day_before_holds_until_and_changes_on_it(case, data):
    person, today = case
    for body in evaluate(person, today=today).bodies:
        if body.current is None:
            continue
        reference = _verdict(person, today, body.body)
        until = body.current.holds_until
        last = until or today + timedelta(days=3 * 365)
        span = (last - today).days
        if span <= 3 * EDGE_DAYS:
            offsets = set(range(1, span))
        else:  # the days next to both ends, and days drawn in between
            drawn = data.draw(st.lists(st.integers(EDGE_DAYS, span - EDGE_DAYS), max_size=15))
            offsets = {*range(1, EDGE_DAYS), *range(span - EDGE_DAYS, span), *drawn}

        for offset in sorted(offsets):
            day = today + timedelta(days=offset)
            assert _verdict(person, day, body.body) == reference, (body.body, day, until)
        if until is not None:
            assert _verdict(person, until, body.body) != reference


def test_the_next_reminder_skips_verdict_changes_that_keep_todays_reminder():
    from ceutrack.rules import next_reminder

    # At risk with 90 days left on 2026-11-15 (due_90); the next kind is due_30 on 2027-01-01.
    person = _cpc(date(2023, 1, 10), _aapc_units(date(2025, 3, 15), "20"))

    upcoming = next_reminder(person, today=date(2026, 11, 15), body="AAPC")

    assert upcoming is not None
    assert (upcoming.day, upcoming.kind, upcoming.cycle_end) == (
        date(2027, 1, 1),
        Reminder.DUE_30,
        date(2027, 1, 31),
    )
    assert next_reminder(person, today=date(2026, 11, 15), body="AHIMA") is None
