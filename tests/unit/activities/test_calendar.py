"""The calendar's marks from engine results built by hand (no database)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from icalendar import Calendar

from ceutrack.activities.calendar import build_calendar, cycle_marks
from ceutrack.rules import BodyResult, CycleResult, Evaluation, Status


def _cycle(start, end):
    return CycleResult(
        start=start,
        end=end,
        required=Decimal(36),
        earned=Decimal("8.5"),
        remaining=Decimal("27.5"),
        status=Status.ON_TRACK,
        days_left=(end - date(2025, 6, 30)).days,
        expected=Decimal(7),
    )


def _evaluation(*bodies):
    return Evaluation(today=date(2025, 6, 30), bodies=bodies, rejected=(), excluded=())


AAPC = BodyResult("AAPC", ("CPC",), _cycle(date(2025, 2, 1), date(2027, 1, 31)), ())
AHIMA = BodyResult("AHIMA", ("CCS",), _cycle(date(2024, 9, 1), date(2026, 8, 31)), ())


def test_an_aapc_cycle_has_its_due_date_window_and_three_marks_in_date_order():
    marks = cycle_marks(_evaluation(AAPC))
    assert [(m.on, m.summary) for m in marks] == [
        (date(2026, 11, 2), "AAPC CEUs due in 90 days"),
        (date(2027, 1, 1), "AAPC CEUs due in 30 days"),
        (date(2027, 1, 1), "AAPC CEU submission window opens"),
        (date(2027, 1, 24), "AAPC CEUs due in 7 days"),
        (date(2027, 1, 31), "AAPC CEUs due"),
    ]


def test_an_ahima_cycle_has_no_aapc_submission_window():
    summaries = [m.summary for m in cycle_marks(_evaluation(AHIMA))]
    assert "AAPC CEU submission window opens" not in summaries
    assert len(summaries) == 4


def test_a_body_without_a_current_cycle_adds_nothing():
    assert cycle_marks(_evaluation(BodyResult("AAPC", (), None, ()))) == []


def test_the_description_carries_the_engines_figures():
    due = cycle_marks(_evaluation(AAPC))[-1]
    assert "36 units required, 8.5 counted, 27.5 remaining as of 2025-06-30" in due.description


def test_the_calendar_parses_back_with_one_all_day_event_per_mark():
    stamp = datetime(2025, 6, 30, 12, tzinfo=UTC)
    calendar = Calendar.from_ical(build_calendar(_evaluation(AAPC, AHIMA), stamp=stamp))
    events = calendar.walk("VEVENT")
    assert len(events) == 9
    assert len({str(e["uid"]) for e in events}) == 9
    assert all(e["dtstart"].params["VALUE"] == "DATE" for e in events)
    assert all(e.decoded("dtstamp") == stamp for e in events)
