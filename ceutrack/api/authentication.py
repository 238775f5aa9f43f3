"""How API requests are authenticated, limited and refused.

`Authorization: Bearer <token>` first; a browser session also works (for /api/docs/), and
then DRF enforces CSRF on every write. Read-scope tokens are refused writes (403 with the
reason); each token has its own request budget (429 with Retry-After).
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from ceutrack.accounts.models import User
from ceutrack.api.models import ApiToken
from ceutrack.api.tokens import authenticate_token


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the header as `Authorization: Bearer <token>`.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("The token is not valid.") from None
        token = authenticate_token(secret)
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("The token is not valid, has expired or was revoked.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TokenScopePermission(BasePermission):
    message = "This token has read scope: writing needs a read-write token."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.can_write


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per token (or per signed-in session, or per address)."""

    scope = "api"

    def get_rate(self) -> str:
        return str(settings.API_RATE_LIMIT)

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return f"throttle:api:{ident}"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (and the docs' Authorize button) describe the token."""

    target_class = "ceutrack.api.authentication.BearerTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from your profile page (ceu_...).",
        }


def signed_in(request: HttpRequest | Request) -> User:
    """The caller, once IsAuthenticated (API) or login_required (pages) has let them in."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user
