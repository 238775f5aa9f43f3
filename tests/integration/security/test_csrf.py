"""Every URL refuses a POST that carries no CSRF token, except the documented exemptions.

Django's CSRF middleware decides before the view runs, so each URL is posted to with
placeholder arguments: a view that answers anything but 403 is not protected. GET-only views
are included on purpose, so a view that later learns to accept POST is already covered."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from ceutrack.reminders.emails import unsubscribe_token
from ceutrack.reminders.models import ReminderPreferences
from tests.factories import UserFactory
from tests.integration.security.test_url_matrix import named_urls

# name -> why a POST without a CSRF token is accepted there.
EXEMPT = {
    # RFC 8058 one-click unsubscribe: the mail client POSTs with no session and no token; the
    # signed token in the URL authorises it, and the worst a forged POST does is stop one kind
    # of reminder email for the person the token names.
    "reminders:unsubscribe": "token-authenticated one-click unsubscribe (RFC 8058)",
}

pytestmark = pytest.mark.django_db


def placeholder_url(route: str, name: str) -> str:
    """Fill every path argument with "1": it fits int, slug, str and allauth's key regexes."""
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return reverse(name, kwargs={a or b: "1" for a, b in names})


def test_it_refuses_a_post_without_a_csrf_token_on_every_url():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    answers = {}
    for route, name in named_urls():
        if name in EXEMPT:
            continue
        response = client.post(placeholder_url(route, name), {"anything": "1"})
        answers[f"{name} {route}"] = response.status_code

    assert answers, "no URLs found"
    assert {url: code for url, code in answers.items() if code != 403} == {}


def test_it_refuses_a_post_without_a_csrf_token_from_an_anonymous_visitor_too():
    client = Client(enforce_csrf_checks=True)

    assert client.post(reverse("account_login"), {"login": "a@b.c"}).status_code == 403
    assert client.post(reverse("account_signup"), {"email": "a@b.c"}).status_code == 403
    assert client.post(reverse("account_reset_password"), {"email": "a@b.c"}).status_code == 403


def test_it_accepts_the_one_click_unsubscribe_post_without_a_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)

    url = reverse("reminders:unsubscribe", args=[unsubscribe_token(user_id=user.pk, kind="due_30")])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert ReminderPreferences.for_user(user).due_30 is False


def test_it_lists_only_exemptions_that_still_exist():
    assert set(EXEMPT) <= {name for _route, name in named_urls()}
