"""Pages for personal access tokens (on the profile page) and verification links, and the
public verification page itself: no login, noindex, rate-limited, 404 once revoked or expired."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.models import Activity
from ceutrack.activities.presenters import STATUS_LABELS, format_units
from ceutrack.api.authentication import signed_in
from ceutrack.api.forms import ApiTokenForm, VerificationLinkForm
from ceutrack.api.models import ApiToken, VerificationLink
from ceutrack.api.tokens import (
    create_link,
    create_token,
    find_active_link,
    public_url,
    record_view,
    revoke_link,
    revoke_token,
)
from ceutrack.api.verification import qr_data_uri
from ceutrack.credentials.models import Credential

ROBOTS = "noindex, nofollow, noarchive"


def get_token_for_user(user: User, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, user=user)


def get_link_for_user(user: User, pk: int) -> VerificationLink:
    return get_object_or_404(VerificationLink, pk=pk, user=user)


# ------------------------------------------------------------------ personal access tokens


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the token a name, a scope and a number of days (1-365).")
        return redirect("profile")
    token, secret = create_token(
        user=signed_in(request),
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        days=form.cleaned_data["days"],
    )
    # Shown on this one answer only: it is stored as a digest.
    response = render(request, "api/token_created.html", {"token": token, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_token_for_user(signed_in(request), pk)
    revoke_token(token)
    messages.success(request, f"The token “{token.name}” was revoked.")
    return redirect("profile")


# ------------------------------------------------------------------ verification links (owner)


@dataclass(frozen=True)
class LinkRow:
    link: VerificationLink
    url: str
    qr: str


@login_required
def link_list(request: HttpRequest) -> HttpResponse:
    form = VerificationLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        create_link(user=signed_in(request), **form.cleaned_data)
        messages.success(request, "Your verification link is ready: copy it or show the QR code.")
        return redirect("verification:list")
    now = timezone.now()
    links = VerificationLink.objects.filter(user=signed_in(request))
    active = [
        LinkRow(link, url := public_url(link, request), qr_data_uri(url))
        for link in links
        if link.is_active(now)
    ]
    ended = [link for link in links if not link.is_active(now)]
    context = {"form": form, "active": active, "ended": ended}
    return render(request, "api/link_list.html", context)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_link_for_user(signed_in(request), pk)
    revoke_link(link)
    messages.success(request, "The link was revoked: its page no longer opens.")
    return redirect("verification:list")


# ------------------------------------------------------------------ the public page


def _over_limit(request: HttpRequest) -> int:
    """Seconds to wait when this address has opened too many verification pages this
    minute, else 0 (counted in the shared cache, like the invitation limits)."""
    now = timezone.now()
    key = f"verify:ip:{request.META.get('REMOTE_ADDR', '')}:{now:%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    if cache.incr(key) > settings.VERIFICATION_PAGE_RATE_LIMIT:
        return 60 - now.second
    return 0


@dataclass(frozen=True)
class BodyStanding:
    body: str
    credentials: str
    start: date
    end: date
    earned: str
    required: str
    status: str


def standing(user: User) -> tuple[date, list[BodyStanding]]:
    """Per body, the current cycle as the engine sees it today (no arithmetic here)."""
    evaluation = evaluate_person(user)
    rows = [
        BodyStanding(
            body=result.body,
            credentials=", ".join(result.credentials),
            start=result.current.start,
            end=result.current.end,
            earned=format_units(result.current.earned),
            required=format_units(result.current.required),
            status=STATUS_LABELS.get(result.current.status, str(result.current.status)),
        )
        for result in evaluation.bodies
        if result.current is not None
    ]
    return evaluation.today, rows


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = ROBOTS
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def public(request: HttpRequest, token: str) -> HttpResponse:
    wait = _over_limit(request)
    if wait:
        response = render(request, "429.html", status=429)
        response["Retry-After"] = str(wait)
        return _noindex(response)
    link = find_active_link(token)
    if link is None or not link.user.is_active:  # a deactivated account shows nothing
        raise Http404("No such verification link.")
    record_view(link)
    person = link.user
    today, bodies = standing(person)
    activities = None
    if link.show_activities:
        rows = Activity.objects.filter(user=person).order_by("-completed_on", "-id")
        activities = [
            (a, format_units(a.units))
            for a in rows.only("title", "provider", "completed_on", "units", "kind")
        ]
    context = {
        "link": link,
        "person": person,
        "credentials": Credential.objects.for_user(person),
        "bodies": bodies,
        "today": today,
        "activities": activities,
        "qr": qr_data_uri(request.build_absolute_uri()),
    }
    return _noindex(render(request, "api/public.html", context))
