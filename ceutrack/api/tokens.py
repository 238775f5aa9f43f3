"""Personal access tokens and verification links: creating, finding and revoking them."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ceutrack.accounts.models import User
from ceutrack.api.models import (
    LOOKUP_LENGTH,
    ApiToken,
    Scope,
    VerificationLink,
    digest,
    new_token_parts,
    split_token,
)

TOKEN_MAX_DAYS = 365
LINK_MAX_DAYS = 365
# last_used_at is written at most this often per token, not on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def create_token(
    *, user: User, name: str, scope: str = Scope.READ, days: int = 90
) -> tuple[ApiToken, str]:
    """A new token row and its secret, which is shown once and never stored."""
    lookup, secret = new_token_parts()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=Scope(scope),
        lookup=lookup,
        secret_hash=digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token, secret


def authenticate_token(secret: str) -> ApiToken | None:
    """The usable token this secret belongs to (its last use recorded), else None."""
    lookup = split_token(secret)
    if lookup is None:
        return None
    token = ApiToken.objects.select_related("user").filter(lookup=lookup).first()
    now = timezone.now()
    if token is None or not token.matches(secret) or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# ------------------------------------------------------------------ verification links


def create_link(
    *, user: User, days: int, label: str = "", show_activities: bool = False
) -> VerificationLink:
    now = timezone.now()
    return VerificationLink.objects.create(
        user=user,
        label=label,
        show_activities=show_activities,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )


def find_active_link(token: str) -> VerificationLink | None:
    """The active link this token opens (compared in constant time), else None."""
    if len(token) < LOOKUP_LENGTH or len(token) > 64:
        return None
    link = (
        VerificationLink.objects.active()
        .select_related("user")
        .filter(lookup=token[:LOOKUP_LENGTH])
        .first()
    )
    if link is None or not link.matches(token):
        return None
    return link


def record_view(link: VerificationLink) -> None:
    now = timezone.now()
    VerificationLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=now
    )


def revoke_link(link: VerificationLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def public_url(link: VerificationLink, request: HttpRequest | None = None) -> str:
    """The absolute address of the link's public page (SITE_URL outside a request)."""
    path = reverse("verification:public", args=[link.token])
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def newest_active_link(user: User) -> VerificationLink | None:
    return VerificationLink.objects.active().filter(user=user).order_by("-expires_at").first()
