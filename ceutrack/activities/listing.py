"""The activity list: its filters and, per row, where the engine counted the activity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from ceutrack.activities.evaluation import activity_allocations
from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Body
from ceutrack.credentials.presentation import CountNote, EntryRef, activity_notes, day
from ceutrack.rules import DEFAULT_CATALOG, Allocation, Catalog, CycleResult, Evaluation

if TYPE_CHECKING:
    from ceutrack.activities.forms import ActivityFilterForm

BODY_FLAGS = {Body.AAPC: "aapc", Body.AHIMA: "ahima"}

__all__ = ["CountNote"]


def _day(value: date) -> str:
    return day(value)


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
        # What the engine counted in the cycle (renewal-month units carried in from the one
        # before included), and what is dated in it, so an entry that does not count there
        # shows with its reason.
        counted = [int(c.id) for c in cycle.result.counted if c.id.isdigit()]
        activities = activities.filter(
            Q(pk__in=counted)
            | Q(
                **{BODY_FLAGS[Body(cycle.body)]: True},
                completed_on__range=(cycle.result.start, cycle.result.end),
            )
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
class ActivityRow:
    activity: Activity
    notes: tuple[CountNote, ...]


def marked_bodies(activity: Activity) -> list[str]:
    return [str(body) for body, flag in BODY_FLAGS.items() if getattr(activity, flag)]


def describe_rows(
    activities: Iterable[Activity], evaluation: Evaluation, *, catalog: Catalog = DEFAULT_CATALOG
) -> list[ActivityRow]:
    """Each activity with the engine's verdict per body, in words: where it counts and why
    (renewal-month carry, over the non-domain cap), or why not (duplicate of which entry,
    before certification, refused, not marked for a body held)."""
    activities = list(activities)
    allocations = activity_allocations(evaluation)
    entries = _entries(activities, allocations)
    return [
        ActivityRow(
            activity,
            tuple(
                activity_notes(
                    str(activity.pk),
                    units_entered=activity.units,
                    marked_for=marked_bodies(activity),
                    evaluation=evaluation,
                    allocations=allocations.get(str(activity.pk), []),
                    entries=entries,
                    catalog=catalog,
                )
            ),
        )
        for activity in activities
    ]


def _entries(
    activities: list[Activity], allocations: dict[str, list[Allocation]]
) -> dict[str, EntryRef]:
    """Title and date of every entry a duplicate on this page repeats (one query, only when
    an original is not on the page itself)."""
    entries = {str(a.pk): EntryRef(a.title, a.completed_on) for a in activities}
    wanted = {
        allocation.duplicate_of
        for a in activities
        for allocation in allocations.get(str(a.pk), [])
        if allocation.duplicate_of and allocation.duplicate_of not in entries
    }
    ids = [int(pk) for pk in wanted if pk and pk.isdigit()]
    if ids and activities:
        rows = Activity.objects.filter(user_id=activities[0].user_id, pk__in=ids)
        for pk, title, completed_on in rows.values_list("pk", "title", "completed_on"):
            entries[str(pk)] = EntryRef(title, completed_on)
    return entries
