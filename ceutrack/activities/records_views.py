"""Records that travel: audit packs, CSV export and import, the calendar feed and starting an
activity from a certificate. Every figure comes from the engine; every row goes through
`ActivityForm`."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.accounts.models import User
from ceutrack.activities import auditpack, certificates, csvio
from ceutrack.activities.calendar import build_calendar, feed_for, regenerate_token
from ceutrack.activities.certificates import (
    limit_certificate_upload,
)
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    CertificateUploadForm,
)
from ceutrack.activities.forms.csv_upload import CsvUploadForm
from ceutrack.activities.listing import cycle_choices, filter_activities
from ceutrack.activities.models import Activity, AuditPack, CalendarFeed, PendingCertificate
from ceutrack.activities.prefill import Proposal

_Response = TypeVar("_Response", bound=HttpResponseBase)
IMPORT_SESSION_KEY = "activities_csv_import"
FOUND_LABELS = {
    "title": "title",
    "provider": "provider",
    "completed_on": "completion date",
    "units": "units",
    "aapc_index": "AAPC index number",
    "kind": "kind",
    "ahima": "AHIMA approval",
}


def _private(response: _Response) -> _Response:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ the records page


@login_required
@require_GET
def records(request: AuthenticatedHttpRequest) -> HttpResponse:
    evaluation = evaluate_person(request.user)
    feed = feed_for(request.user)
    feed_url = request.build_absolute_uri(reverse("activities:calendar_feed", args=[feed.token]))
    context = {
        "cycles": cycle_choices(evaluation),
        "packs": AuditPack.objects.filter(user=request.user)[:5],
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "columns": csvio.COLUMNS,
        "has_activities": Activity.objects.filter(user=request.user).exists(),
    }
    return render(request, "activities/records/records.html", context)


# ------------------------------------------------------------------ audit packs


def _cycle_end(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404("No such cycle.") from None


@login_required
@require_POST
def audit_pack(request: AuthenticatedHttpRequest, body: str, end: str) -> HttpResponseBase:
    contents = auditpack.pack_contents(request.user, body=body.upper(), end=_cycle_end(end))
    if contents is None:
        raise Http404("No such cycle.")
    if auditpack.is_large(contents):
        pack = auditpack.start_pack(contents)
        return redirect("activities:audit_pack_status", pk=pack.pk)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    auditpack.write_pack(contents, handle)
    handle.seek(0)
    response = FileResponse(
        handle, as_attachment=True, filename=contents.filename, content_type="application/zip"
    )
    return _private(response)


def get_pack_for_user(user: User, pk: int) -> AuditPack:
    return get_object_or_404(AuditPack, pk=pk, user=user)


@login_required
@require_GET
def audit_pack_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pack = get_pack_for_user(request.user, pk)
    return render(request, "activities/records/pack_status.html", {"pack": pack})


@login_required
@require_GET
def audit_pack_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    pack = get_pack_for_user(request.user, pk)
    if pack.status != AuditPack.Status.READY or not pack.file:
        raise Http404("The pack is not ready.")
    try:
        handle = pack.file.open("rb")
    except FileNotFoundError:
        raise Http404("The pack file is gone.") from None
    filename = (
        f"ceutrack-{pack.body}-audit-pack-{pack.cycle_start.isoformat()}-to-"
        f"{pack.cycle_end.isoformat()}.zip"
    )
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/zip"
    )
    return _private(response)


# ------------------------------------------------------------------ CSV export and import


@login_required
@require_GET
def csv_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, evaluation=evaluate_person(request.user))
    activities = filter_activities(Activity.objects.filter(user=request.user), form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = "-filtered" if form.has_filters() else ""
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="ceutrack-activities{suffix}-{stamp}.csv"'
    )
    csvio.write_csv(activities.iterator(), response)
    return _private(response)


@login_required
@require_GET
def csv_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(csvio.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ceutrack-activities-template.csv"'
    return response


@login_required
def csv_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # The parsed rows wait in the session (server side), never in hidden fields.
        request.session[IMPORT_SESSION_KEY] = {
            "name": form.cleaned_data["file"].name[:100],
            "rows": [{"line": r.line, "values": r.values} for r in form.rows],
        }
        return redirect("activities:csv_preview")
    context = {"form": form, "columns": csvio.COLUMNS}
    return render(request, "activities/records/csv_import.html", context)


def _stored_rows(request: HttpRequest) -> tuple[str, list[csvio.RawRow]] | None:
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored:
        return None
    rows = [csvio.RawRow(line=r["line"], values=r["values"]) for r in stored["rows"]]
    return stored["name"], rows


@login_required
def csv_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    stored = _stored_rows(request)
    if stored is None:
        messages.info(request, "Upload a CSV file to import first.")
        return redirect("activities:csv_import")
    name, rows = stored
    if request.method == "POST":
        result = csvio.import_rows(rows, user=request.user)
        del request.session[IMPORT_SESSION_KEY]
        count = len(result.created)
        messages.success(request, f"{count} activit{'y' if count == 1 else 'ies'} imported.")
        return render(
            request, "activities/records/csv_result.html", {"result": result, "name": name}
        )
    results = csvio.check_rows(rows, user=request.user)
    context = {
        "name": name,
        "results": results,
        "ready": sum(1 for r in results if r.ready),
        "skipped": sum(1 for r in results if not r.ready),
    }
    return render(request, "activities/records/csv_preview.html", context)


@login_required
@require_POST
def csv_cancel(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.info(request, "The import was cancelled; nothing was imported.")
    return redirect("activities:records")


# ------------------------------------------------------------------ calendar feed


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar programs can't sign in, so the secret token is the credential."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404("No such feed.")
    body = build_calendar(evaluate_person(feed.user), stamp=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ceutrack.ics"'
    return _private(response)


@login_required
@require_POST
def calendar_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    regenerate_token(request.user)
    messages.success(
        request,
        "Your calendar feed has a new address. Subscribe to it again; the old one no longer works.",
    )
    return redirect(reverse("activities:records") + "#calendar")


# ------------------------------------------------------------------ activity from certificate


def _upload_refused(request: HttpRequest, message: str) -> HttpResponse:
    user = cast(AuthenticatedHttpRequest, request).user  # behind @login_required
    form = CertificateUploadForm(data={}, files={}, user=user)
    form.errors.clear()  # the file never arrived: its size is the one error
    form.add_error("certificate", message)
    context = {"form": form}
    return render(request, "activities/records/certificate_start.html", context, status=413)


@login_required
@limit_certificate_upload(refused=_upload_refused)
def certificate_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Keep the upload and return at once; a worker reads it (see certificates.py)."""
    form = CertificateUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        pending = certificates.start_from_upload(
            user=request.user, upload=form.cleaned_data["certificate"], checked=form.checked
        )
        return redirect("activities:certificate_confirm", pk=pending.pk)
    return render(request, "activities/records/certificate_start.html", {"form": form})


def get_pending_for_user(user: User, pk: int) -> PendingCertificate:
    return get_object_or_404(PendingCertificate, pk=pk, user=user)


@login_required
@limit_certificate_upload()
def certificate_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pending = get_pending_for_user(request.user, pk)
    reading = certificates.still_reading(pending)
    if reading and request.method == "GET" and "manual" not in request.GET:
        # The page refreshes itself until the worker has read the certificate.
        return render(request, "activities/records/certificate_reading.html", {"pending": pending})
    proposal = Proposal() if reading else Proposal.from_json(pending.proposal)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=proposal.as_initial(),
    )
    form.fields["certificate_file"].label = "Replace the certificate"
    # Never the file name here: help text is rendered as HTML (the page shows it, escaped).
    form.fields["certificate_file"].help_text = (
        "Leave empty to keep the uploaded certificate. " + form.fields["certificate_file"].help_text
    )
    if request.method == "POST" and form.is_valid():
        activity = certificates.log_from_pending(pending, form)
        for warning in form.duplicate_warnings():
            messages.warning(request, warning)
        messages.success(request, f"“{activity.title}” was logged.")
        return redirect("activities:list")
    context = {
        "form": form,
        "pending": pending,
        "reading": reading,
        "readable": pending.status == PendingCertificate.Status.READ,
        "found": [FOUND_LABELS[name] for name in proposal.found],
    }
    return render(request, "activities/records/certificate_confirm.html", context)


@login_required
@require_GET
def certificate_pending_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    return certificates.serve_pending(get_pending_for_user(request.user, pk))


@login_required
@require_POST
def certificate_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificates.discard_pending(get_pending_for_user(request.user, pk))
    messages.info(request, "The uploaded certificate was discarded; nothing was logged.")
    return redirect("activities:list")
