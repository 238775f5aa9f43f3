import base64
import hashlib
import hmac
import re
import struct
import time

import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from ceutrack.accounts.models import User
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"  # UserFactory's password


def verified_user(**fields: object) -> User:
    """A person who finished sign-up: their address is confirmed, so they may sign in."""
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def link_in_last_email(pattern: str) -> str:
    """The first URL path in the newest message that matches `pattern` (a regex on the path)."""
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/\s]+(" + pattern + r")", body)
    assert match, f"no link matching {pattern!r} in:\n{body}"
    return match.group(1)


def totp_code(secret: str, at: float) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), written out here so the test checks allauth's side."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def post_current_code(client, url: str, secret: str, **extra):
    """Posts the code of this instant with the clock held still: a 30-second step that ends
    between working the code out and allauth checking it would otherwise fail the test."""
    with time_machine.travel(time.time(), tick=False):
        return client.post(url, {"code": totp_code(secret, time.time())}, **extra)


def sign_in(client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def sign_in_and_confirm_access(client, email: str) -> None:
    # Changing two-factor settings needs a fresh password confirmation, even right after login.
    sign_in(client, email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def activate_totp(client) -> str:
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)
    post_current_code(client, reverse("mfa_activate_totp"), secret)
    return secret
