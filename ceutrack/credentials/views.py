"""Pages where a coder keeps the credentials they hold, official cycle dates and apprentice
evidence. Every object is the owner's only: the access helpers 404 for anyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ceutrack.accounts import submissions
from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.accounts.models import User
from ceutrack.credentials.forms import (
    ApprenticeEvidenceForm,
    CredentialForm,
    MembershipMonthForm,
    OfficialCycleForm,
)
from ceutrack.credentials.models import ApprenticeEvidence, Body, Credential, OfficialCycle


def get_credential_for_user(user: User, pk: int) -> Credential:
    return get_object_or_404(Credential.objects.select_related("credential_type"), pk=pk, user=user)


def get_official_cycle_for_user(user: User, pk: int) -> OfficialCycle:
    return get_object_or_404(OfficialCycle, pk=pk, user=user)


def _apprentice_evidence(user: User) -> ApprenticeEvidence:
    return ApprenticeEvidence.objects.filter(user=user).first() or ApprenticeEvidence(user=user)


@login_required
def credential_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    credentials = list(Credential.objects.for_user(user))
    holds_aapc = any(c.body == Body.AAPC for c in credentials)
    apprentice = [c.credential_type.code for c in credentials if c.credential_type.is_apprentice]
    context = {
        "credentials": credentials,
        "official_cycles": OfficialCycle.objects.for_user(user),
        "membership_form": MembershipMonthForm(instance=user) if holds_aapc else None,
        "apprentice_codes": apprentice,
        "apprentice_form": (
            ApprenticeEvidenceForm(instance=_apprentice_evidence(user)) if apprentice else None
        ),
    }
    return render(request, "credentials/credential_list.html", context)


@login_required
def credential_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and (done := submissions.previous(request)):
        return submissions.replay(request, done, what="the credential")
    form = CredentialForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with submissions.once(request) as submission:
                credential = form.save()
                submission.created(reverse("credentials:edit", args=[credential.pk]))
        except submissions.AlreadySubmitted:
            return submissions.replay(request, submissions.previous(request), what="the credential")
        messages.success(request, f"{credential.credential_type.code} was added.")
        return redirect("credentials:list")
    return render(request, "credentials/credential_form.html", {"form": form})


@login_required
def credential_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    credential = get_credential_for_user(request.user, pk)
    form = CredentialForm(request.POST or None, instance=credential, user=request.user)
    if request.method == "POST" and form.is_valid():
        credential = form.save()
        messages.success(request, f"{credential.credential_type.code} was saved.")
        return redirect("credentials:list")
    context = {"form": form, "credential": credential}
    return render(request, "credentials/credential_form.html", context)


@login_required
def credential_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    credential = get_credential_for_user(request.user, pk)
    if request.method == "POST":
        credential.delete()
        messages.success(request, f"{credential.credential_type.code} was removed.")
        return redirect("credentials:list")
    return render(request, "credentials/credential_confirm_delete.html", {"credential": credential})


@login_required
@require_POST
def membership_month(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MembershipMonthForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "Your AAPC membership renewal month was saved.")
    else:
        messages.error(request, "Choose a month from the list, or leave it blank.")
    return redirect("credentials:list")


@login_required
def apprentice_evidence(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApprenticeEvidenceForm(request.POST or None, instance=_apprentice_evidence(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your apprentice removal evidence was saved.")
        return redirect("credentials:list")
    return render(request, "credentials/apprentice_form.html", {"form": form})


@login_required
def cycle_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and (done := submissions.previous(request)):
        return submissions.replay(request, done, what="the official cycle")
    form = OfficialCycleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with submissions.once(request) as submission:
                cycle = form.save()
                submission.created(reverse("credentials:cycle_edit", args=[cycle.pk]))
        except submissions.AlreadySubmitted:
            return submissions.replay(
                request, submissions.previous(request), what="the official cycle"
            )
        messages.success(request, f"Official {cycle.body} cycle dates were added.")
        return redirect("credentials:list")
    return render(request, "credentials/cycle_form.html", {"form": form})


@login_required
def cycle_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = get_official_cycle_for_user(request.user, pk)
    form = OfficialCycleForm(request.POST or None, instance=cycle, user=request.user)
    if request.method == "POST" and form.is_valid():
        cycle = form.save()
        messages.success(request, f"Official {cycle.body} cycle dates were saved.")
        return redirect("credentials:list")
    return render(request, "credentials/cycle_form.html", {"form": form, "cycle": cycle})


@login_required
def cycle_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = get_official_cycle_for_user(request.user, pk)
    if request.method == "POST":
        cycle.delete()
        messages.success(request, f"Official {cycle.body} cycle dates were removed.")
        return redirect("credentials:list")
    return render(request, "credentials/cycle_confirm_delete.html", {"cycle": cycle})
