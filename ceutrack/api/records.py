"""A coder's records through the API: credentials, official cycles, activities and
certificates. Each write binds the pages' own form (same validation, same messages); each
object is fetched by the pages' owner helpers, so another person's id is a 404."""

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response

from ceutrack.activities import history
from ceutrack.activities.certificates import (
    discard_upload_on_failure,
    remove_after_commit,
    serve_certificate,
)
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.forms import ActivityFilterForm, ActivityForm
from ceutrack.activities.listing import describe_rows, filter_activities
from ceutrack.activities.models import Activity, Kind
from ceutrack.activities.views import get_activity_for_user
from ceutrack.api import serializers as s
from ceutrack.api.authentication import signed_in
from ceutrack.api.errors import FormInvalid, ObjectJSONParser, invalid
from ceutrack.api.parsers import CertificateMultiPartParser
from ceutrack.credentials.forms import CredentialForm, OfficialCycleForm
from ceutrack.credentials.models import Body, Credential, CredentialType, OfficialCycle
from ceutrack.credentials.views import get_credential_for_user, get_official_cycle_for_user

PARSERS = [ObjectJSONParser, CertificateMultiPartParser, FormParser]


def request_data(
    request: Request, shape: type[serializers.Serializer], base: dict[str, Any]
) -> dict[str, Any]:
    """The stored values (or defaults) overlaid with the request's, after checking the types
    of what was sent; the form then applies the pages' rules."""
    sent = {key: request.data.get(key) for key in request.data if key in shape().fields}
    checker = shape(data=sent, partial=True)
    if not checker.is_valid():
        raise serializers.ValidationError(checker.errors)
    return {**base, **sent}


def _values(instance: Any, fields: list[str]) -> dict[str, Any]:
    return {k: v for k, v in model_to_dict(instance, fields=fields).items() if v is not None}


# ------------------------------------------------------------------ credentials


def _credential_data(request: Request, credential: Credential | None) -> dict[str, Any]:
    base: dict[str, Any] = {}
    if credential is not None:
        base = {"code": credential.credential_type.code, "earned_on": credential.earned_on}
    data = request_data(request, s.CredentialInputSerializer, base)
    code = str(data.get("code") or "").strip().upper()
    chosen = CredentialType.objects.filter(code__iexact=code).values_list("pk", flat=True).first()
    if code and chosen is None:
        raise invalid("code", f"{code} is not in the credential catalog.")
    return {"credential_type": chosen, "earned_on": data.get("earned_on")}


def _save_credential(request: Request, credential: Credential | None) -> Credential:
    form = CredentialForm(
        _given(_credential_data(request, credential)),
        instance=credential,
        user=signed_in(request),
    )
    if not form.is_valid():
        raise FormInvalid(_code_errors(form))
    return form.save()


def _given(data: dict[str, Any]) -> dict[str, Any]:
    """Without the fields that have no value, so the form sees them as not filled in."""
    return {k: v for k, v in data.items() if v is not None}


def _code_errors(form: CredentialForm) -> CredentialForm:
    """The form names the field `credential_type`; the API calls it `code`."""
    if "credential_type" in form.errors:
        form.errors["code"] = form.errors.pop("credential_type")
    return form


@extend_schema(methods=["GET"], responses=s.CredentialSerializer(many=True), summary="Credentials")
@extend_schema(
    methods=["POST"],
    request=s.CredentialInputSerializer,
    responses={201: s.CredentialSerializer},
    summary="Add a credential",
)
@api_view(["GET", "POST"])
def credential_list(request: Request) -> Response:
    if request.method == "POST":
        credential = _save_credential(request, None)
        return Response(s.CredentialSerializer(credential).data, status=status.HTTP_201_CREATED)
    credentials = Credential.objects.for_user(signed_in(request))
    return Response(s.CredentialSerializer(credentials, many=True).data)


@extend_schema(methods=["GET"], responses=s.CredentialSerializer, summary="One credential")
@extend_schema(
    methods=["PATCH", "PUT"],
    request=s.CredentialInputSerializer,
    responses=s.CredentialSerializer,
    summary="Change a credential (fields not sent keep their values)",
)
@extend_schema(methods=["DELETE"], responses={204: None}, summary="Remove a credential")
@api_view(["GET", "PUT", "PATCH", "DELETE"])
def credential_detail(request: Request, pk: int) -> Response:
    credential = get_credential_for_user(signed_in(request), pk)
    if request.method == "DELETE":
        credential.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
    if request.method in ("PUT", "PATCH"):
        credential = _save_credential(request, credential)
    return Response(s.CredentialSerializer(credential).data)


# ------------------------------------------------------------------ official cycles

CYCLE_FIELDS = ["body", "start", "end", "required"]


def _save_cycle(request: Request, cycle: OfficialCycle | None) -> OfficialCycle:
    base = _values(cycle, CYCLE_FIELDS) if cycle is not None else {}
    data = request_data(request, s.OfficialCycleInputSerializer, base)
    form = OfficialCycleForm(_given(data), instance=cycle, user=signed_in(request))
    if not form.is_valid():
        raise FormInvalid(form)
    return form.save()


@extend_schema(
    methods=["GET"], responses=s.OfficialCycleSerializer(many=True), summary="Official cycles"
)
@extend_schema(
    methods=["POST"],
    request=s.OfficialCycleInputSerializer,
    responses={201: s.OfficialCycleSerializer},
    summary="Add official cycle dates from a body's portal",
)
@api_view(["GET", "POST"])
def cycle_list(request: Request) -> Response:
    if request.method == "POST":
        cycle = _save_cycle(request, None)
        return Response(s.OfficialCycleSerializer(cycle).data, status=status.HTTP_201_CREATED)
    cycles = OfficialCycle.objects.for_user(signed_in(request))
    return Response(s.OfficialCycleSerializer(cycles, many=True).data)


@extend_schema(methods=["GET"], responses=s.OfficialCycleSerializer, summary="One official cycle")
@extend_schema(
    methods=["PATCH", "PUT"],
    request=s.OfficialCycleInputSerializer,
    responses=s.OfficialCycleSerializer,
    summary="Change official cycle dates (fields not sent keep their values)",
)
@extend_schema(methods=["DELETE"], responses={204: None}, summary="Remove official cycle dates")
@api_view(["GET", "PUT", "PATCH", "DELETE"])
def cycle_detail(request: Request, pk: int) -> Response:
    cycle = get_official_cycle_for_user(signed_in(request), pk)
    if request.method == "DELETE":
        cycle.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
    if request.method in ("PUT", "PATCH"):
        cycle = _save_cycle(request, cycle)
    return Response(s.OfficialCycleSerializer(cycle).data)


# ------------------------------------------------------------------ activities

ACTIVITY_FIELDS = list(ActivityForm.Meta.fields)  # the page form's fields, in its order
FILTERS = [
    OpenApiParameter("q", str, description="Search title, provider, index number and notes."),
    OpenApiParameter("body", str, enum=Body.values, description="Reported to this body."),
    OpenApiParameter(
        "cycle",
        str,
        description="BODY:START:END of a started cycle (as the list page's cycle filter).",
    ),
    OpenApiParameter("kind", str, enum=Kind.values),
    OpenApiParameter("sort", str, enum=["newest", "oldest"]),
]


class ActivityPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def _activity_form(request: Request, activity: Activity | None) -> ActivityForm:
    base = _values(activity or Activity(kind=Kind.OTHER), ACTIVITY_FIELDS)
    shape = s.ActivityUploadInputSerializer
    data = request_data(request, shape, base)
    data.pop("certificate_file", None)
    files = {"certificate_file": request.FILES["certificate_file"]} if request.FILES else None
    if request.data.get("remove_certificate") in (True, "true", "1", "on"):
        data["remove_certificate"] = True
    return ActivityForm(data, files, instance=activity, user=signed_in(request))


def _save_activity(form: ActivityForm) -> tuple[Activity, list[str]]:
    """The pages' save: the row and its file together; a replaced file goes after commit."""
    if not form.is_valid():
        raise FormInvalid(form)
    activity = form.save(commit=False)
    replaced = form.apply_certificate(activity)
    with discard_upload_on_failure(activity), transaction.atomic():
        activity.save()
        remove_after_commit(replaced)
    return activity, form.duplicate_warnings()


def _activity_answer(
    request: Request, activity: Activity, *, warnings: list[str] | None = None, code: int = 200
) -> Response:
    rows = describe_rows([activity], evaluate_person(signed_in(request)))
    context = {"request": request, "counting": {activity.pk: rows[0].notes}}
    data = s.ActivitySerializer(activity, context=context).data
    if warnings is not None:
        data["warnings"] = warnings
    return Response(data, status=code)


@extend_schema(
    methods=["GET"],
    parameters=FILTERS,
    responses=s.ActivitySerializer(many=True),
    summary="Activities (filters as on the list page)",
)
@extend_schema(
    methods=["POST"],
    request={
        "application/json": s.ActivityInputSerializer,
        "multipart/form-data": s.ActivityUploadInputSerializer,
    },
    responses={201: s.ActivitySerializer},
    summary="Log an activity (multipart to attach a certificate)",
    description="The answer adds `warnings`: possible duplicates, logged anyway.",
)
@api_view(["GET", "POST"])
@parser_classes(PARSERS)
def activity_list(request: Request) -> Response:
    if request.method == "POST":
        activity, warnings = _save_activity(_activity_form(request, None))
        return _activity_answer(request, activity, warnings=warnings, code=201)
    evaluation = evaluate_person(signed_in(request))
    form = ActivityFilterForm(request.query_params or None, evaluation=evaluation)
    if form.is_bound and not form.is_valid():
        raise FormInvalid(form)
    activities = filter_activities(Activity.objects.filter(user=signed_in(request)), form)
    paginator = ActivityPagination()
    page = paginator.paginate_queryset(activities, request)
    rows = describe_rows(page or [], evaluation)
    context = {"request": request, "counting": {r.activity.pk: r.notes for r in rows}}
    return paginator.get_paginated_response(
        s.ActivitySerializer(page, many=True, context=context).data
    )


@extend_schema(methods=["GET"], responses=s.ActivitySerializer, summary="One activity")
@extend_schema(
    methods=["PATCH", "PUT"],
    request={
        "application/json": s.ActivityInputSerializer,
        "multipart/form-data": s.ActivityUploadInputSerializer,
    },
    responses=s.ActivitySerializer,
    summary="Change an activity (fields not sent keep their values)",
)
@extend_schema(methods=["DELETE"], responses={204: None}, summary="Delete an activity")
@api_view(["GET", "PUT", "PATCH", "DELETE"])
@parser_classes(PARSERS)
def activity_detail(request: Request, pk: int) -> Response:
    activity = get_activity_for_user(signed_in(request), pk)
    if request.method == "DELETE":
        with transaction.atomic():
            certificate = activity.certificate.name
            activity.delete()
            remove_after_commit(certificate)
        return Response(status=status.HTTP_204_NO_CONTENT)
    if request.method in ("PUT", "PATCH"):
        activity, warnings = _save_activity(_activity_form(request, activity))
        return _activity_answer(request, activity, warnings=warnings)
    return _activity_answer(request, activity)


@extend_schema(
    responses=s.HistoryEntrySerializer(many=True),
    summary="Changes to an activity, newest first",
    description="Who changed what and when; `after_cycle_end` flags a change made after a "
    "cycle the activity counts in had ended. The same entries as the activity's history page.",
)
@api_view(["GET"])
def activity_history(request: Request, pk: int) -> Response:
    activity = get_activity_for_user(signed_in(request), pk)
    entries = history.activity_history(activity, viewer=signed_in(request))
    return Response([entry.as_json() for entry in entries])


@extend_schema(
    methods=["GET"],
    responses={
        (200, "application/octet-stream"): OpenApiTypes.BINARY,
        404: OpenApiResponse(description="No such activity, or it has no certificate."),
    },
    summary="Download the certificate",
)
@extend_schema(
    methods=["PUT", "POST"],
    request={"multipart/form-data": s.CertificateUploadSerializer},
    responses=s.ActivitySerializer,
    summary="Upload or replace the certificate (same checks and size limit as the page)",
)
@extend_schema(methods=["DELETE"], responses=s.ActivitySerializer, summary="Remove the certificate")
@api_view(["GET", "PUT", "POST", "DELETE"])
@parser_classes([CertificateMultiPartParser, FormParser])
def activity_certificate(request: Request, pk: int) -> Response | FileResponse:
    activity = get_activity_for_user(signed_in(request), pk)
    if request.method == "GET":
        return serve_certificate(activity)
    data = _values(activity, ACTIVITY_FIELDS)
    files = None
    if request.method == "DELETE":
        data["remove_certificate"] = True
    else:
        upload = request.FILES.get("certificate_file")
        if upload is None:
            raise invalid("certificate_file", "Attach the certificate as `certificate_file`.")
        files = {"certificate_file": upload}
    form = ActivityForm(data, files, instance=activity, user=signed_in(request))
    # Only the file is changing: the entry's own fields were valid when saved.
    activity, _ = _save_activity(form)
    return _activity_answer(request, activity)
