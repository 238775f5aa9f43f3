from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from tests.integration.accounts.helpers import link_in_last_email

pytestmark = pytest.mark.django_db

PASSWORD = "Ledger-Tulip-42-Harbor"


def sign_up(client, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "full_name": "Avery Abstractor",
                "email": "avery@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "time_zone": "America/Chicago",
            },
        )
    return link_in_last_email(r"/accounts/confirm-email/[^/\s]+/")


def test_it_asks_for_a_button_press_instead_of_confirming_on_get(
    client, django_capture_on_commit_callbacks
):
    link = sign_up(client, django_capture_on_commit_callbacks)

    response = client.get(link)

    html = response.content.decode()
    assert response.status_code == 200
    # The key is re-signed on every render, so only its route is stable.
    assert '<form method="post" action="/accounts/confirm-email/' in html
    assert "Confirm email address" in html
    assert not EmailAddress.objects.get(email="avery@example.com").verified


def test_it_verifies_the_address_and_lands_the_person_signed_in_on_home(
    client, django_capture_on_commit_callbacks
):
    link = sign_up(client, django_capture_on_commit_callbacks)

    response = client.post(link, follow=True)

    assert EmailAddress.objects.get(email="avery@example.com").verified
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert "Avery Abstractor" in html  # the navbar's account menu
    assert "Sign out" in html


def test_it_explains_an_expired_link_and_how_to_get_a_new_one(
    client, django_capture_on_commit_callbacks
):
    link = sign_up(client, django_capture_on_commit_callbacks)

    with time_machine.travel(timezone.now() + timedelta(days=4)):
        shown = client.get(link)
        pressed = client.post(link)

    for response in (shown, pressed):
        html = response.content.decode()
        assert response.status_code == 200
        assert "This confirmation link does not work" in html
        assert "we send you a new confirmation link" in html
    assert not EmailAddress.objects.get(email="avery@example.com").verified


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_explains_a_forged_link_instead_of_showing_an_error_page(client, method):
    response = getattr(client, method)("/accounts/confirm-email/MQ:forged:not-a-real-key/")

    assert response.status_code == 200
    assert "This confirmation link does not work" in response.content.decode()
