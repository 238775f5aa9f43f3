"""The coder's dashboard (the signed-in home) and cycle history per body.

Every figure comes from `evaluate_person`; this module only arranges the engine's results
for the templates, in a fixed number of queries whatever the number of activities.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.activities.charts import MonthPoint, chart_description, monthly_points, render_svg
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.models import Activity
from ceutrack.activities.presenters import (
    BodyCard,
    present_body,
    present_history,
    present_rejections,
)
from ceutrack.credentials.models import Body
from ceutrack.rules import BodyResult, Evaluation


@dataclass(frozen=True)
class Chart:
    svg: str
    points: list[MonthPoint]
    description: str


@dataclass(frozen=True)
class DashboardCard:
    card: BodyCard
    chart: Chart | None
    excluded_count: int


def _chart(result: BodyResult, *, evaluation: Evaluation) -> Chart | None:
    cycle = result.current
    if cycle is None:
        return None
    points = monthly_points(cycle, today=evaluation.today)
    description = chart_description(points, required=cycle.required)
    svg = render_svg(
        points,
        required=cycle.required,
        title=f"{result.body} units counted per month against a steady pace",
        desc=description,
        chart_id=f"chart-{result.body.lower()}",
        today=evaluation.today,
    )
    # render_svg escapes every piece of text it writes, so the markup is safe to inline.
    return Chart(svg=mark_safe(svg), points=points, description=description)  # noqa: S308


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
    user = request.user
    evaluation = evaluate_person(user, today=user.local_today())
    cards = [
        DashboardCard(
            card=present_body(result),
            chart=_chart(result, evaluation=evaluation),
            excluded_count=sum(1 for e in evaluation.excluded if e.body == result.body),
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
            evaluation, activity_titles=_rejected_titles(user.pk, evaluation)
        ),
    }
    return render(request, "activities/dashboard.html", context)


@login_required
@require_GET
def history(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    code = body.upper()
    if code not in Body.values:
        raise Http404("No such certifying body.")
    evaluation = evaluate_person(request.user, today=request.user.local_today())
    result = evaluation.body(code)
    context = {
        "body": code,
        "card": present_body(result) if result else None,
        "rows": present_history(result) if result else [],
    }
    return render(request, "activities/history.html", context)
