import pytest
from django.urls import reverse

from tests.integration.accounts.helpers import PASSWORD, verified_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ledger-Tulip-42-Harbor"


def test_it_changes_the_password_and_keeps_the_person_signed_in(client):
    user = verified_user()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Password successfully changed." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" in client.session


def test_it_refuses_a_wrong_current_password_with_a_clear_message(client):
    user = verified_user()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_refuses_mismatched_new_passwords(client):
    user = verified_user()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": "something-else-9"},
    )

    assert "You must type the same password each time." in response.content.decode()


def test_it_sends_a_signed_out_visitor_to_sign_in(client):
    response = client.get(reverse("account_change_password"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
