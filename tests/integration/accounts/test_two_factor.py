import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.integration.accounts.helpers import (
    activate_totp,
    post_current_code,
    sign_in,
    sign_in_and_confirm_access,
    totp_code,
    verified_user,
)

pytestmark = pytest.mark.django_db


def test_it_asks_for_the_password_again_before_changing_two_factor_settings(client):
    user = verified_user(email="casey@example.com")
    sign_in(client, user.email)

    response = client.get(reverse("mfa_activate_totp"), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "Enter your password" in html
    assert 'class="passwordinput form-control' in html


def test_it_shows_the_activation_page_with_a_qr_code_and_the_secret(client):
    user = verified_user(email="casey@example.com")
    sign_in_and_confirm_access(client, user.email)

    response = client.get(reverse("mfa_activate_totp"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'alt="QR code to scan with your authenticator app"' in html
    assert 'id="authenticator_secret"' in html
    assert 'name="code"' in html
    assert 'class="navbar' in html


def test_it_activates_totp_with_a_correct_code_and_shows_recovery_codes(client):
    user = verified_user(email="casey@example.com")
    sign_in_and_confirm_access(client, user.email)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)

    response = post_current_code(client, reverse("mfa_activate_totp"), secret, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert "Recovery Codes" in response.content.decode()
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }


def test_it_refuses_activation_with_a_wrong_code(client):
    user = verified_user(email="casey@example.com")
    sign_in_and_confirm_access(client, user.email)
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_it_asks_for_the_authenticator_code_at_sign_in_once_activated(client):
    user = verified_user(email="casey@example.com")
    sign_in_and_confirm_access(client, user.email)
    secret = activate_totp(client)
    client.logout()

    # A minute later, so the code differs from the one used for activation (codes are single-use).
    with time_machine.travel(time.time() + 60, tick=False):
        first_step = sign_in(client, user.email)
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, time.time())})

    assert first_step["Location"] == reverse("mfa_authenticate")
    assert "Incorrect code." in wrong.content.decode()
    assert right.status_code == 302
    assert right["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_accepts_a_recovery_code_instead_of_the_app(client):
    user = verified_user(email="casey@example.com")
    sign_in_and_confirm_access(client, user.email)
    activate_totp(client)
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    recovery_code = re.search(r"<textarea[^>]*>\s*([0-9a-z]{8})", codes).group(1)
    client.logout()

    sign_in(client, user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": recovery_code})

    assert response["Location"] == reverse("home")


def test_it_deactivates_totp(client):
    user = verified_user(email="casey@example.com")
    sign_in_and_confirm_access(client, user.email)
    activate_totp(client)

    page = client.get(reverse("mfa_deactivate_totp"))
    response = client.post(reverse("mfa_deactivate_totp"), follow=True)

    assert page.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert "An authenticator app is not active." in response.content.decode()
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
