"""The coder's dashboard (the signed-in home) and cycle history per body.

Every figure comes from `evaluate_person`; this module only arranges the engine's results
for the templates, in a fixed number of queries whatever the number of activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.accounts.models import User
from ceutrack.activities.charts import (
    NARROW_FONT_SIZE,
    NARROW_WIDTH,
    NARROW_X_LABELS,
    MonthPoint,
    chart_description,
    monthly_points,
    render_svg,
)
from ceutrack.activities.evaluation import evaluate_person, evaluate_with_next_reminders
from ceutrack.activities.models import Activity
from ceutrack.activities.presenters import (
    BodyCard,
    present_body,
    present_history,
    present_rejections,
)
from ceutrack.credentials.catalog import load_catalog
from ceutrack.credentials.models import Body
from ceutrack.rules import BodyResult, Evaluation, UpcomingReminder


@dataclass(frozen=True)
class Chart:
    svg: str
    points: list[MonthPoint]
    description: str


# The engine's reminder kinds in words (as the reminder preferences name them).
REMINDER_LABELS = {
    "at_risk": "At risk",
    "behind": "Behind",
    "due_90": "90 days left",
    "due_30": "30 days left",
    "due_7": "7 days left",
    "lapsed": "Lapsed",
    "submit": "Time to submit",
}


@dataclass(frozen=True)
class ReminderLine:
    """Which reminder is due now for a body, and when the next one would come if nothing
    changed (both from the engine)."""

    due_now: str | None
    next_kind: str | None
    next_on: date | None


def reminder_line(result: BodyResult, upcoming: UpcomingReminder | None) -> ReminderLine | None:
    if result.current is None:
        return None
    due = result.current.reminder
    return ReminderLine(
        due_now=None if due is None else REMINDER_LABELS.get(str(due), str(due)),
        next_kind=None
        if upcoming is None
        else REMINDER_LABELS.get(str(upcoming.kind), str(upcoming.kind)),
        next_on=None if upcoming is None else upcoming.day,
    )


@dataclass(frozen=True)
class DashboardCard:
    card: BodyCard
    chart: Chart | None
    excluded_count: int
    reminder: ReminderLine | None = None


def _chart(result: BodyResult, *, evaluation: Evaluation) -> Chart | None:
    cycle = result.current
    if cycle is None:
        return None
    points = monthly_points(cycle, today=evaluation.today)
    description = chart_description(points, required=cycle.required)
    title = f"{result.body} units counted per month against a steady pace"
    chart_id = f"chart-{result.body.lower()}"
    # Two drawings of one chart; CSS shows one: the narrow one keeps its text readable on a
    # phone (static/css/ceutrack.css, .cycle-chart-wide / .cycle-chart-narrow).
    wide = render_svg(
        points,
        required=cycle.required,
        title=title,
        desc=description,
        chart_id=chart_id,
        today=evaluation.today,
        css_class="cycle-chart cycle-chart-wide",
    )
    narrow = render_svg(
        points,
        required=cycle.required,
        title=title,
        desc=description,
        chart_id=f"{chart_id}-narrow",
        today=evaluation.today,
        width=NARROW_WIDTH,
        font_size=NARROW_FONT_SIZE,
        max_x_labels=NARROW_X_LABELS,
        css_class="cycle-chart cycle-chart-narrow",
    )
    # render_svg's template escapes every piece of text it writes.
    return Chart(svg=wide + narrow, points=points, description=description)


def _rejected_titles(user_id: int, evaluation: Evaluation) -> dict[str, str]:
    """Titles of rejected activities (one query, only when the engine rejected some)."""
    ids = [int(r.id) for r in evaluation.rejected if r.id.isdigit()]
    if not ids:
        return {}
    rows = Activity.objects.filter(user_id=user_id, pk__in=ids).values_list("pk", "title")
    return {str(pk): title for pk, title in rows}


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "activities/dashboard.html", coder_context(request.user))


def coder_context(user: User) -> dict[str, Any]:
    """The coder's own dashboard as template context (also shown under a manager's home)."""
    catalog = load_catalog()
    evaluation, upcoming = evaluate_with_next_reminders(
        user, today=user.local_today(), catalog=catalog
    )
    cards = [
        DashboardCard(
            card=present_body(result, catalog=catalog),
            chart=_chart(result, evaluation=evaluation),
            excluded_count=sum(1 for e in evaluation.excluded if e.body == result.body),
            reminder=reminder_line(result, upcoming.get(result.body)),
        )
        for result in evaluation.bodies
    ]
    has_activities = Activity.objects.filter(user=user).exists()
    context = {
        "evaluation": evaluation,
        "cards": cards,
        "has_credentials": bool(evaluation.bodies)
        or any(not r.id.isdigit() for r in evaluation.rejected),
        "has_activities": has_activities,
        "rejections": present_rejections(
            evaluation, activity_titles=_rejected_titles(user.pk, evaluation), catalog=catalog
        ),
    }
    return context


@login_required
@require_GET
def history(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    code = body.upper()
    if code not in Body.values:
        raise Http404("No such certifying body.")
    catalog = load_catalog()
    evaluation = evaluate_person(request.user, today=request.user.local_today(), catalog=catalog)
    result = evaluation.body(code)
    context = {
        "body": code,
        "card": present_body(result, catalog=catalog) if result else None,
        "rows": present_history(result) if result else [],
    }
    return render(request, "activities/history.html", context)
