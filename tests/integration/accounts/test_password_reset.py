import pytest
from django.core import mail
from django.urls import reverse

from tests.integration.accounts.helpers import link_in_last_email, verified_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ledger-Tulip-42-Harbor"


def request_reset(client, callbacks, email: str):
    with callbacks(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def test_it_mails_a_reset_link_through_the_celery_task(client, django_capture_on_commit_callbacks):
    verified_user(email="casey@example.com")

    response = request_reset(client, django_capture_on_commit_callbacks, "Casey@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["casey@example.com"]
    assert mail.outbox[0].subject == "ceutrack: Reset your password"
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_it_sets_the_new_password_from_the_link_and_the_old_one_stops_working(
    client, django_capture_on_commit_callbacks
):
    user = verified_user(email="casey@example.com")
    request_reset(client, django_capture_on_commit_callbacks, "casey@example.com")
    link = link_in_last_email(r"/accounts/password/reset/key/[^\s]+/")

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("account_reset_password_from_key_done")
    assert "Your password is changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_it_rejects_a_weak_new_password_with_a_clear_message(
    client, django_capture_on_commit_callbacks
):
    user = verified_user(email="casey@example.com")
    request_reset(client, django_capture_on_commit_callbacks, "casey@example.com")
    form_page = client.get(link_in_last_email(r"/accounts/password/reset/key/[^\s]+/"), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": "12345678", "password2": "12345678"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This password is entirely numeric." in html
    user.refresh_from_db()
    assert not user.check_password("12345678")


@pytest.mark.parametrize(
    "key", ["1-forged-key", "zz-set-password", "0-abc123-0123456789abcdef0123456789abcdef"]
)
def test_it_explains_an_invalid_reset_link_and_offers_a_new_one(client, key):
    response = client.get(f"/accounts/password/reset/key/{key}/", follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "This password reset link does not work" in html
    assert reverse("account_reset_password") in html


def test_it_explains_a_link_that_was_already_used(client, django_capture_on_commit_callbacks):
    verified_user(email="casey@example.com")
    request_reset(client, django_capture_on_commit_callbacks, "casey@example.com")
    link = link_in_last_email(r"/accounts/password/reset/key/[^\s]+/")
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    client.logout()

    response = client.get(link, follow=True)

    assert "This password reset link does not work" in response.content.decode()


def test_it_does_not_reveal_unknown_addresses_but_tells_the_mailbox(
    client, django_capture_on_commit_callbacks
):
    response = request_reset(client, django_capture_on_commit_callbacks, "nobody@example.com")

    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox[-1].to == ["nobody@example.com"]
    assert "There is no ceutrack account with this address" in mail.outbox[-1].body


def test_it_limits_reset_requests_for_one_address_with_a_clear_page(
    client, django_capture_on_commit_callbacks
):
    verified_user(email="casey@example.com")
    # settings.ACCOUNT_RATE_LIMITS["reset_password"] allows 5 requests per address a minute.
    for _ in range(5):
        assert request_reset(client, django_capture_on_commit_callbacks, "casey@example.com")[
            "Location"
        ] == reverse("account_reset_password_done")

    response = request_reset(client, django_capture_on_commit_callbacks, "casey@example.com")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html
    assert 'class="navbar' in html
    assert len(mail.outbox) == 5
