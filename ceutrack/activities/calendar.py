"""A private iCal feed (RFC 5545) of each current cycle's due date and the marks before it.

The dates come from the engine's current cycles and its reminder marks (`DUE_DAYS`,
`SUBMIT_DAYS`), so the calendar and the reminder emails never disagree. The feed URL carries a
secret token, the only credential a calendar program can present; regenerating it retires the
old URL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from ceutrack.accounts.models import User
from ceutrack.activities.models import CalendarFeed
from ceutrack.activities.presenters import format_units
from ceutrack.rules import AAPC, Evaluation
from ceutrack.rules.status import DUE_DAYS, SUBMIT_DAYS

PRODID = "-//ceutrack//CE cycle calendar//EN"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_for(user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": new_token()})
    return feed


def regenerate_token(user: User) -> CalendarFeed:
    feed = feed_for(user)
    feed.token = new_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


@dataclass(frozen=True)
class Mark:
    uid: str
    on: date
    summary: str
    description: str


def cycle_marks(evaluation: Evaluation) -> list[Mark]:
    """Per body with a current cycle: the due date, the AAPC submission window opening and the
    90/30/7-day marks, in date order."""
    marks = []
    for body in evaluation.bodies:
        cycle = body.current
        if cycle is None:
            continue
        key = f"{body.body.lower()}-{cycle.end.isoformat()}"
        figures = (
            f"Cycle {cycle.start.isoformat()} to {cycle.end.isoformat()}: "
            f"{format_units(cycle.required)} units required, {format_units(cycle.earned)} "
            f"counted, {format_units(cycle.remaining)} remaining as of "
            f"{evaluation.today.isoformat()}. The {body.body} portal is authoritative."
        )
        marks.append(Mark(f"{key}-due@ceutrack", cycle.end, f"{body.body} CEUs due", figures))
        if body.body == AAPC:
            marks.append(
                Mark(
                    f"{key}-submit@ceutrack",
                    cycle.end - timedelta(days=SUBMIT_DAYS),
                    "AAPC CEU submission window opens",
                    f"You can report this cycle's CEUs in the AAPC portal from today. {figures}",
                )
            )
        for days, _reminder in DUE_DAYS:
            marks.append(
                Mark(
                    f"{key}-{days}d@ceutrack",
                    cycle.end - timedelta(days=days),
                    f"{body.body} CEUs due in {days} days",
                    figures,
                )
            )
    return sorted(marks, key=lambda m: (m.on, m.uid))


def build_calendar(evaluation: Evaluation, *, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "CEU cycles (ceutrack)")
    for mark in cycle_marks(evaluation):
        event = Event()
        event.add("uid", mark.uid)
        event.add("dtstamp", stamp)
        # All-day: DTSTART;VALUE=DATE with the exclusive end on the next day.
        event.add("dtstart", mark.on)
        event.add("dtend", mark.on + timedelta(days=1))
        event.add("summary", mark.summary)
        event.add("description", mark.description)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
