"""The coder's timeline: every change to their activities, credentials, official cycles and
organization memberships, newest first. It spans apps, so it lives beside the project's URLs;
the work is done by ceutrack.activities.history and ceutrack.organizations.history."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.history import cycles_of, history_began, history_page
from ceutrack.activities.history_sources import RecordKind
from ceutrack.activities.models import Activity
from ceutrack.organizations.history import own_scopes, own_viewing

PAGE_SIZE = 25


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Records",
        required=False,
        choices=[("", "All records"), *RecordKind.choices],
    )

    def kinds(self) -> frozenset[str] | None:
        if self.is_valid() and self.cleaned_data["kind"]:
            return frozenset({self.cleaned_data["kind"]})
        return None


@login_required
@require_GET
def timeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    owner = request.user
    form = TimelineFilterForm(request.GET or None)
    scopes = own_scopes(owner, form.kinds())
    viewing = own_viewing(owner, counts_in=cycles_of(evaluate_person(owner)))
    found = history_page(scopes, viewing, number=request.GET.get("page"), per_page=PAGE_SIZE)
    activity_ids = {e.record_id for e in found.entries if e.record_kind == RecordKind.ACTIVITY}
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": found.page,
        "entries": found.entries,
        "filtered": form.kinds() is not None,
        "filter_query": query.urlencode(),
        "history_began": history_began(own_scopes(owner)),
        # Activities still there link to their own history.
        "live_activity_ids": set(
            Activity.objects.filter(user=owner, pk__in=activity_ids).values_list("pk", flat=True)
        ),
    }
    return render(request, "history/timeline.html", context)
