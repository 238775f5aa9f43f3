"""The activity list: its filters and, per row, where the engine counted the activity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.dateformat import format as format_date

from ceutrack.activities.evaluation import activity_allocations
from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Body
from ceutrack.rules import CycleResult, Evaluation
from ceutrack.rules.types import (
    BEFORE_CERTIFICATION,
    DUPLICATE,
    FUTURE_DATE,
    INVALID_INCREMENT,
    INVALID_UNITS,
    OUTSIDE_CYCLES,
)

if TYPE_CHECKING:
    from ceutrack.activities.forms import ActivityFilterForm

BODY_FLAGS = {Body.AAPC: "aapc", Body.AHIMA: "ahima"}

REJECTION_TEXT = {
    FUTURE_DATE: "Dated in the future",
    INVALID_UNITS: "Units out of range",
    INVALID_INCREMENT: "Units not in allowed steps",
}


def _day(value: date) -> str:
    return format_date(value, "j M Y")


@dataclass(frozen=True)
class CycleChoice:
    body: str
    result: CycleResult
    when: str

    @property
    def value(self) -> str:
        return f"{self.body}:{self.result.start.isoformat()}:{self.result.end.isoformat()}"

    @property
    def label(self) -> str:
        return f"{self.body} {_day(self.result.start)} to {_day(self.result.end)} ({self.when})"


def cycle_choices(evaluation: Evaluation) -> list[CycleChoice]:
    """Every started cycle the engine evaluated, per body, newest first. That includes the
    cycle containing today even while a lapsed one before it is still the current one."""
    choices = []
    for body in evaluation.bodies:
        cycles = body.cycles or (*body.history, *([body.current] if body.current else []))
        current = body.current
        started = (c for c in cycles if c.start <= evaluation.today)
        for cycle in sorted(started, key=lambda c: c.start, reverse=True):
            if current is not None and (cycle.start, cycle.end) == (current.start, current.end):
                cycle, when = current, "current"
            elif cycle.end < evaluation.today:
                when = "ended"
            else:
                when = "in progress"
            choices.append(CycleChoice(body.body, cycle, when))
    return choices


def filter_activities(activities: QuerySet[Activity], form: ActivityFilterForm) -> QuerySet:
    data = form.filters()
    if data.get("body"):
        activities = activities.filter(**{BODY_FLAGS[Body(data["body"])]: True})
    cycle = form.selected_cycle()
    if cycle is not None:
        activities = activities.filter(
            **{BODY_FLAGS[Body(cycle.body)]: True},
            completed_on__range=(cycle.result.start, cycle.result.end),
        )
    if data.get("kind"):
        activities = activities.filter(kind=data["kind"])
    if text := data.get("q", "").strip():
        activities = activities.filter(
            Q(title__icontains=text)
            | Q(provider__icontains=text)
            | Q(aapc_index__icontains=text)
            | Q(notes__icontains=text)
        )
    if data.get("sort") == "oldest":
        return activities.order_by("completed_on", "id")
    return activities.order_by("-completed_on", "-id")


@dataclass(frozen=True)
class CountNote:
    text: str
    counted: bool


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    notes: tuple[CountNote, ...]


def _why_not(body: str, reason: str | None) -> str:
    if reason == BEFORE_CERTIFICATION:
        return f"Before your first {body} certification"
    if reason == DUPLICATE:
        return f"Duplicate of an earlier entry (not counted for {body})"
    if reason == OUTSIDE_CYCLES:
        return f"Outside every cycle (not counted for {body})"
    return f"Not counted for {body}"


def describe_rows(activities: Iterable[Activity], evaluation: Evaluation) -> list[ActivityRow]:
    """Each activity with the engine's verdict per body, in words."""
    allocations = activity_allocations(evaluation)
    rejected = {r.id: r.reason for r in evaluation.rejected}
    held = {b.body for b in evaluation.bodies}
    rows = []
    for activity in activities:
        key = str(activity.pk)
        notes: list[CountNote] = []
        if key in rejected:
            why = REJECTION_TEXT.get(rejected[key], rejected[key])
            notes.append(CountNote(f"{why}: not counted anywhere", counted=False))
        for allocation in allocations.get(key, []):
            if allocation.cycle_end is not None and allocation.reason is None:
                text = f"Counts toward {allocation.body} cycle ending {_day(allocation.cycle_end)}"
                notes.append(CountNote(text, counted=True))
            else:
                notes.append(CountNote(_why_not(allocation.body, allocation.reason), False))
        if not notes:
            marked = [b for b, flag in BODY_FLAGS.items() if getattr(activity, flag)]
            notes += [
                CountNote(f"You hold no {body} credential to count it toward", counted=False)
                for body in marked
                if body not in held
            ] or [CountNote("Not reported to any body", counted=False)]
        rows.append(ActivityRow(activity, tuple(notes)))
    return rows
