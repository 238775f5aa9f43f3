"""The signed-in person's own API: who they are, their evaluation (the rules CLI's JSON), their
inputs as a CLI scenario file, cycle history, catalog and reminder preferences."""

from datetime import date
from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from ceutrack.accounts.forms import ProfileForm
from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_person, load_person_input
from ceutrack.api import serializers as s
from ceutrack.api.authentication import signed_in
from ceutrack.api.errors import FormInvalid, invalid
from ceutrack.credentials.forms import MembershipMonthForm
from ceutrack.credentials.models import (
    Body,
    CredentialType,
)
from ceutrack.reminders.forms import ReminderPreferencesForm
from ceutrack.reminders.models import ReminderPreferences
from ceutrack.rules import to_json
from ceutrack.rules.scenario import scenario_to_json

DATE_PARAMETER = OpenApiParameter(
    "date",
    OpenApiTypes.DATE,
    description="Evaluate as of this day (YYYY-MM-DD); default: today in your time zone.",
)
EVALUATION_DOC = (
    "Exactly the JSON `python -m ceutrack.rules evaluate` prints for the scenario "
    "`/api/v1/me/scenario/` exports (docs/rules.md): `today`, `bodies` (per body: "
    "`credentials`, `current`, `history`, `apprentice`), `rejected`, `excluded`."
)


def as_of(request: Request, user: User) -> date:
    """`?date=YYYY-MM-DD`, or today where the person lives; a bad date is a 400."""
    raw = request.query_params.get("date")
    if not raw:
        return user.local_today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise invalid("date", "Give the date as YYYY-MM-DD.") from None


def _user_data(user: User) -> dict[str, object]:
    return {
        "full_name": user.full_name,
        "time_zone": user.time_zone,
        "aapc_membership_month": user.aapc_membership_month,
    }


@extend_schema(methods=["GET"], responses=s.UserSerializer, summary="The signed-in person")
@extend_schema(
    methods=["PATCH"],
    request=s.UserUpdateSerializer,
    responses=s.UserSerializer,
    summary="Change name, time zone or AAPC renewal month",
)
@api_view(["GET", "PATCH"])
def me(request: Request) -> Response:
    user = signed_in(request)
    if request.method == "PATCH":
        data = _user_data(user) | dict(request.data.items())
        profile = ProfileForm(data, instance=user)
        month = MembershipMonthForm(
            {"aapc_membership_month": data["aapc_membership_month"] or ""}, instance=user
        )
        if not profile.is_valid():
            raise FormInvalid(profile)
        if not month.is_valid():
            raise FormInvalid(month)
        profile.save()
        month.save()
    return Response(s.UserSerializer(user).data)


@extend_schema(
    parameters=[DATE_PARAMETER],
    responses={200: OpenApiTypes.OBJECT},
    summary="Your evaluation (the rules CLI's JSON)",
    description=EVALUATION_DOC,
)
@api_view(["GET"])
def evaluation(request: Request) -> Response:
    user = signed_in(request)
    return Response(to_json(evaluate_person(user, today=as_of(request, user))))


def export_scenario(user: User, *, today: date) -> dict[str, object]:
    """The person's stored inputs as a scenario file of the rules CLI."""
    return scenario_to_json(load_person_input(user), today=today)


@extend_schema(
    parameters=[DATE_PARAMETER],
    responses={200: OpenApiTypes.OBJECT},
    summary="Your inputs as a rules CLI scenario file",
    description=(
        "Save it and run `python -m ceutrack.rules evaluate FILE.json`: the output equals "
        "`/api/v1/me/evaluation/` for the same date (with the standard catalog)."
    ),
)
@api_view(["GET"])
def scenario(request: Request) -> Response:
    user = signed_in(request)
    response = Response(export_scenario(user, today=as_of(request, user)))
    response["Content-Disposition"] = 'inline; filename="ceutrack-scenario.json"'
    return response


@extend_schema(
    parameters=[DATE_PARAMETER],
    responses={200: OpenApiTypes.OBJECT},
    summary="One body's cycles: the current one and the ended ones (oldest first)",
    description="The body's entry of `/api/v1/me/evaluation/`. Body: `aapc` or `ahima`.",
)
@api_view(["GET"])
def cycle_history(request: Request, body: str) -> Response:
    code = body.upper()
    if code not in Body.values:
        raise NotFound("No such certifying body: use aapc or ahima.")  # as the history page
    result = to_json(evaluate_person(signed_in(request), today=as_of(request, signed_in(request))))
    # to_json's shape (docs/rules.md §6): "bodies" holds one object per body.
    entries = cast(list[dict[str, Any]], result["bodies"])
    bodies = [b for b in entries if b["body"] == code]
    if not bodies:
        return Response({"today": result["today"], "body": code, "current": None, "history": []})
    entry = bodies[0]
    return Response(
        {
            "today": result["today"],
            "body": code,
            "current": entry["current"],
            "history": entry["history"],
        }
    )


@extend_schema(responses=s.CredentialTypeSerializer(many=True), summary="The credential catalog")
@api_view(["GET"])
def credential_types(request: Request) -> Response:
    types = CredentialType.objects.offered()
    return Response(s.CredentialTypeSerializer(types, many=True).data)


@extend_schema(methods=["GET"], responses=s.ReminderPreferencesSerializer, summary="Reminders")
@extend_schema(
    methods=["PATCH"],
    request=s.ReminderPreferencesSerializer,
    responses=s.ReminderPreferencesSerializer,
    summary="Turn reminder kinds on or off",
)
@api_view(["GET", "PATCH"])
def reminder_preferences(request: Request) -> Response:
    prefs = ReminderPreferences.for_user(signed_in(request))
    if request.method == "PATCH":
        current = s.ReminderPreferencesSerializer(prefs).data
        form = ReminderPreferencesForm(current | dict(request.data.items()), instance=prefs)
        if not form.is_valid():
            raise FormInvalid(form)
        prefs = form.save()
    return Response(s.ReminderPreferencesSerializer(prefs).data)
