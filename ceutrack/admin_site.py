"""The Django admin, reached only through allauth's sign-in.

The admin's own login form would skip two-factor authentication and allauth's rate limits,
so its login view sends people to allauth's (with `next` back to the admin). With
`ADMIN_REQUIRES_TWO_FACTOR` (on whenever DEBUG is off) only active staff who have an
authenticator app AND signed in to this session with it reach the admin; the others are
told why and sent to set it up or to confirm their code.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

SETUP_MESSAGE = (
    "The admin needs two-factor authentication: set up an authenticator app, "
    "then sign in with its code."
)
CONFIRM_MESSAGE = "The admin needs your authenticator code: enter it to continue."


def has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_used_two_factor(request: HttpRequest) -> bool:
    """Whether this session was signed in (or re-authenticated) with an authenticator code."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def two_factor_satisfied(request: HttpRequest) -> bool:
    if not getattr(settings, "ADMIN_REQUIRES_TWO_FACTOR", True):
        return True
    return has_totp(request.user) and session_used_two_factor(request)


class CeutrackAdminSite(admin.AdminSite):
    site_header = "ceutrack administration"
    site_title = "ceutrack admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and two_factor_satisfied(request)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        """Never a password form here: anonymous visitors go to allauth's sign-in, signed-in
        staff without two-factor to its set-up (or confirmation) page."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        user = request.user
        if not user.is_authenticated:
            return _redirect("account_login", next_url)
        if not (user.is_active and user.is_staff):
            raise Http404
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if not has_totp(user):
            messages.warning(request, SETUP_MESSAGE)
            return _redirect("mfa_activate_totp", next_url)
        messages.info(request, CONFIRM_MESSAGE)
        return _redirect("mfa_reauthenticate", next_url)


def _redirect(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
