"""The coder's activity log: list, add, edit, delete, and certificate downloads.

Whether an activity counts, and where, is read from the engine's evaluation; these views never
work it out themselves.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ceutrack.accounts import submissions
from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.accounts.models import User
from ceutrack.activities.certificates import (
    discard_upload_on_failure,
    limit_certificate_upload,
    read_after_commit,
    remove_after_commit,
    serve_certificate,
)
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.forms import ActivityFilterForm, ActivityForm
from ceutrack.activities.history import activity_history, activity_history_began
from ceutrack.activities.listing import describe_rows, filter_activities
from ceutrack.activities.models import Activity
from ceutrack.credentials.catalog import load_catalog

PAGE_SIZE = 25


def get_activity_for_user(user: User, pk: int) -> Activity:
    return get_object_or_404(Activity, pk=pk, user=user)


@login_required
@require_GET
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    catalog = load_catalog()
    evaluation = evaluate_person(request.user, catalog=catalog)
    form = ActivityFilterForm(request.GET or None, evaluation=evaluation)
    activities = filter_activities(Activity.objects.filter(user=request.user), form)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": describe_rows(page.object_list, evaluation, catalog=catalog),
        "filter_query": query.urlencode(),
        "filtered": form.has_filters(),
        "has_any": page.paginator.count > 0 or Activity.objects.filter(user=request.user).exists(),
        "cycle": form.selected_cycle(),
    }
    return render(request, "activities/activity_list.html", context)


def _save(request: HttpRequest, form: ActivityForm) -> Activity:
    """Save the row and its file together; the replaced file goes only once the row commits."""
    activity = form.save(commit=False)
    replaced = form.apply_certificate(activity)
    with discard_upload_on_failure(activity), transaction.atomic():
        activity.save()
        remove_after_commit(replaced)
        if form.cleaned_data.get("certificate_file"):
            read_after_commit(activity)
    for warning in form.duplicate_warnings():
        messages.warning(request, warning)
    return activity


@login_required
@limit_certificate_upload()
def activity_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and (done := submissions.previous(request)):
        return submissions.replay(request, done, what="the activity")
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with submissions.once(request) as submission:
                activity = _save(request, form)
                submission.created(reverse("activities:edit", args=[activity.pk]))
        except submissions.AlreadySubmitted:
            return submissions.replay(request, submissions.previous(request), what="the activity")
        messages.success(request, f"“{activity.title}” was logged.")
        if "add_another" in request.POST:
            return redirect("activities:add")
        return redirect("activities:list")
    return render(request, "activities/activity_form.html", {"form": form})


@login_required
@limit_certificate_upload()
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    form = ActivityForm(
        request.POST or None, request.FILES or None, instance=activity, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        activity = _save(request, form)
        messages.success(request, f"“{activity.title}” was saved.")
        return redirect("activities:list")
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    if request.method == "POST":
        with transaction.atomic():
            certificate = activity.certificate.name
            activity.delete()
            remove_after_commit(certificate)
        messages.success(request, f"“{activity.title}” was deleted.")
        return redirect("activities:list")
    return render(request, "activities/activity_confirm_delete.html", {"activity": activity})


@login_required
@require_GET
def certificate(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return serve_certificate(get_activity_for_user(request.user, pk))


@login_required
@require_GET
def activity_changes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    context = {
        "activity": activity,
        "entries": activity_history(activity, viewer=request.user),
        "history_began": activity_history_began(activity),
    }
    return render(request, "activities/activity_changes.html", context)
