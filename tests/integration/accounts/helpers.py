import re

from allauth.account.models import EmailAddress
from django.core import mail

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
