import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.integration.accounts.helpers import PASSWORD, verified_user

pytestmark = pytest.mark.django_db


def test_it_signs_a_verified_person_in_and_lands_on_home_with_the_signed_in_navbar(client):
    verified_user(email="casey@example.com", full_name="Casey Coder")

    response = client.post(
        reverse("account_login"),
        {"login": "Casey@Example.com", "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert "Casey Coder" in html  # the navbar's account menu
    assert reverse("profile") in html
    assert "Sign out" in html
    assert "Create an account" not in html


def test_it_shows_the_signed_out_navbar_to_visitors(client):
    html = client.get(reverse("home")).content.decode()

    assert "Sign in" in html
    assert "Create an account" in html
    assert "Sign out" not in html


def test_it_signs_out_on_post_and_returns_home(client):
    user = verified_user()
    client.force_login(user)

    response = client.post(reverse("account_logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Create a free account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_tells_the_person_when_email_or_password_is_wrong(client):
    verified_user(email="casey@example.com")

    response = client.post(
        reverse("account_login"), {"login": "casey@example.com", "password": "not-it"}
    )

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_it_sends_a_fresh_verification_link_when_an_unverified_person_signs_in(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="new@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "new@example.com", "password": PASSWORD}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert mail.outbox[-1].to == ["new@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[-1].body


def test_it_refuses_a_burst_of_failed_logins_even_with_the_right_password_after_it(client):
    verified_user(email="casey@example.com")
    # settings.ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per address in 5 minutes.
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "casey@example.com", "password": "guess"})

    response = client.post(
        reverse("account_login"), {"login": "casey@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_still_lets_other_people_sign_in_during_someone_elses_lockout(client):
    verified_user(email="casey@example.com")
    verified_user(email="morgan@example.com")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "casey@example.com", "password": "guess"})

    response = client.post(
        reverse("account_login"), {"login": "morgan@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
