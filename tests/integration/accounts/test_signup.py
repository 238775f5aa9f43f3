import pytest
from allauth.account.models import EmailAddress
from celery.signals import task_prerun
from django.core import mail
from django.urls import reverse

from ceutrack.accounts.models import User
from tests.integration.accounts.helpers import verified_user

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Ledger-Tulip-42-Harbor"


def signup_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Avery Abstractor",
        "email": "avery@example.com",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "time_zone": "America/Denver",
        **overrides,
    }


def test_it_renders_the_signup_form_in_the_site_layout(client):
    response = client.get(reverse("account_signup"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="navbar' in html
    assert 'class="textinput form-control' in html  # crispy-forms, Bootstrap 5
    for field in ("full_name", "email", "password1", "password2", "time_zone"):
        assert f'name="{field}"' in html


def test_it_creates_the_account_with_name_and_time_zone_and_asks_to_verify(client):
    response = client.post(reverse("account_signup"), signup_data(email="Avery@Example.COM"))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "avery@example.com"
    assert user.full_name == "Avery Abstractor"
    assert user.time_zone == "America/Denver"
    assert not EmailAddress.objects.get(user=user).verified


def test_it_keeps_the_new_person_signed_out_until_the_address_is_verified(client):
    client.post(reverse("account_signup"), signup_data())

    response = client.get(reverse("home"))

    assert "Create a free account" in response.content.decode()


def test_it_sends_the_verification_email_through_the_celery_task_after_commit(
    client, django_capture_on_commit_callbacks
):
    ran: list[str] = []

    def record(sender=None, **kwargs):
        ran.append(sender.name)

    task_prerun.connect(record, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            client.post(reverse("account_signup"), signup_data())
            # Nothing is sent while the request's transaction is still open...
            assert mail.outbox == []
            assert ran == []
        # ...the task is queued for the commit, and the commit delivers it.
        for callback in callbacks:
            callback()
    finally:
        task_prerun.disconnect(record)

    assert ran == ["ceutrack.accounts.tasks.send_account_email"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["avery@example.com"]
    assert "/accounts/confirm-email/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://testserver/accounts/confirm-email/' in html


def test_it_keeps_the_chosen_full_name_out_of_the_verification_email(
    client, django_capture_on_commit_callbacks
):
    # Anyone can type someone else's address at sign-up: the mail to that person must not
    # carry text the stranger chose.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data(full_name="Visit evil.example to win"))

    message = mail.outbox[0]
    assert "evil.example" not in message.body
    assert "evil.example" not in message.alternatives[0][0]


def test_it_shows_a_clear_message_for_a_weak_password(client):
    response = client.post(
        reverse("account_signup"), signup_data(password1="password", password2="password")
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


def test_it_shows_a_clear_message_when_the_passwords_differ(client):
    response = client.post(reverse("account_signup"), signup_data(password2=GOOD_PASSWORD + "x"))

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()


def test_it_requires_a_full_name_and_a_known_time_zone(client):
    response = client.post(
        reverse("account_signup"), signup_data(full_name="", time_zone="Mars/Olympus_Mons")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "Select a valid choice. Mars/Olympus_Mons is not one of the available choices." in html
    assert not User.objects.exists()


def test_it_does_not_reveal_an_address_in_use_but_tells_its_owner_by_email(
    client, django_capture_on_commit_callbacks
):
    owner = verified_user(email="taken@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"), signup_data(email="TAKEN@example.com"), follow=True
        )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Check your email" in html
    assert "If that address already has a ceutrack account" in html
    assert User.objects.get() == owner
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.com"]
    assert "already exists" in mail.outbox[0].body
    assert "/accounts/password/reset/" in mail.outbox[0].body
