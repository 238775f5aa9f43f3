"""Every django-allauth page wears the site layout (navbar, footer, Bootstrap forms), none
falls back to allauth's bare default layout."""

import pytest
from django.urls import reverse

from tests.integration.accounts.helpers import (
    activate_totp,
    sign_in,
    sign_in_and_confirm_access,
    verified_user,
)

pytestmark = pytest.mark.django_db

SIGNED_OUT_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_inactive",
]
SIGNED_IN_PAGES = [
    "account_logout",
    "account_email",
    "account_change_password",
    "account_reauthenticate",
    "mfa_index",
]


def assert_in_site_layout(html: str) -> None:
    assert 'class="navbar' in html
    assert "the certifying body's own portal" in html  # base.html's footer
    assert "Menu:" not in html  # allauth's own unstyled layout


@pytest.mark.parametrize("name", SIGNED_OUT_PAGES)
def test_it_renders_signed_out_account_pages_in_the_site_layout(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_in_site_layout(response.content.decode())


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_it_renders_account_settings_pages_with_the_settings_menu(client, name):
    client.force_login(verified_user())

    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert_in_site_layout(html)
    if name != "account_reauthenticate":
        assert 'aria-label="Account settings"' in html


def test_it_renders_the_two_factor_pages_and_sign_in_step_in_the_site_layout(client):
    user = verified_user()
    sign_in_and_confirm_access(client, user.email)
    assert_in_site_layout(client.get(reverse("mfa_activate_totp")).content.decode())
    activate_totp(client)

    for name in ("mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_generate_recovery_codes"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_in_site_layout(response.content.decode())

    client.logout()
    sign_in(client, user.email)
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    assert_in_site_layout(response.content.decode())
    assert 'name="code"' in response.content.decode()
