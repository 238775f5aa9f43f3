"""The admin is reached only through allauth's sign-in, so two-factor and the sign-in rate
limits apply to it; in production only staff who signed in with their authenticator reach it."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.integration.accounts.helpers import PASSWORD, totp_code, verified_user

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture(autouse=True)
def _production_admin(settings):
    settings.ADMIN_REQUIRES_TWO_FACTOR = True


def staff(email="staff@example.com", *, totp=True):
    user = verified_user(email=email, is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    if totp:
        TOTP.activate(user, secret)
    return user, secret


def admin_sign_in(client, email, password=PASSWORD):
    """Follow the admin's login link to wherever it leads and post the password there."""
    to_login = client.get(reverse("admin:login"), {"next": ADMIN})
    return client.post(to_login["Location"], {"login": email, "password": password})


def test_it_sends_the_admin_login_to_allauths_sign_in_with_next():
    from django.test import Client

    response = Client().get(reverse("admin:login"), {"next": "/admin/accounts/user/"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == ["/admin/accounts/user/"]


def test_it_never_accepts_a_password_posted_to_the_admin_login_form(client):
    user, _ = staff()

    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": PASSWORD, "next": ADMIN}
    )

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_a_totp_staff_users_password_alone_does_not_reach_the_admin(client):
    user, _ = staff()

    response = admin_sign_in(client, user.email)

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    index = client.get(ADMIN)
    assert index.status_code == 302
    assert urlsplit(index["Location"]).path == reverse("admin:login")


def test_a_totp_staff_user_reaches_the_admin_with_password_and_code(client):
    user, secret = staff()

    admin_sign_in(client, user.email)
    with time_machine.travel(time.time() + 60, tick=False):
        code = totp_code(secret, time.time())
        response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_staff_without_two_factor_are_sent_to_set_it_up_in_production(client):
    user, _ = staff(totp=False)

    signed_in = admin_sign_in(client, user.email)
    refused = client.get(ADMIN, follow=True)

    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    chain = [urlsplit(url).path for url, _ in refused.redirect_chain]
    assert reverse("mfa_activate_totp") in chain
    assert "The admin needs two-factor authentication" in refused.content.decode()
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_a_session_signed_in_by_password_before_totp_was_added_must_confirm_the_code(client):
    user, _ = staff(totp=False)
    admin_sign_in(client, user.email)
    TOTP.activate(user, generate_totp_secret())

    response = client.get(reverse("admin:login"), {"next": ADMIN})

    assert urlsplit(response["Location"]).path == reverse("mfa_reauthenticate")
    assert client.get(ADMIN).status_code == 302


def test_without_the_production_rule_a_password_signed_in_staff_user_reaches_it(client, settings):
    settings.ADMIN_REQUIRES_TWO_FACTOR = False
    user, _ = staff(totp=False)

    admin_sign_in(client, user.email)

    assert client.get(ADMIN).status_code == 200


def test_people_who_are_not_staff_never_see_the_admin(client):
    user = verified_user(email="coder@example.com")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert client.get(reverse("admin:login")).status_code == 404
    assert client.get(ADMIN).status_code == 302


def test_fifteen_wrong_passwords_on_the_admin_path_are_rate_limited_like_the_normal_login(
    client,
):
    user, _ = staff()

    answers = [admin_sign_in(client, user.email, "wrong-password") for _ in range(15)]
    right = admin_sign_in(client, user.email)

    refused = [r for r in answers if "Too many failed login attempts" in r.content.decode()]
    assert len(refused) >= 10
    assert right.status_code == 200  # the right password is refused too while locked
    assert "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Authenticator.objects.filter(user=user, type="recovery_codes").exists()
