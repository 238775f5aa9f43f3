import pytest
from django.urls import reverse

from tests.integration.accounts.helpers import verified_user

pytestmark = pytest.mark.django_db


def test_it_shows_the_profile_with_account_settings_navigation(client):
    user = verified_user(full_name="Casey Coder", time_zone="America/Chicago")
    client.force_login(user)

    response = client.get(reverse("profile"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Casey Coder"' in html
    assert '<option value="America/Chicago" selected>' in html
    for url in ("account_email", "account_change_password", "mfa_index"):
        assert f'href="{reverse(url)}"' in html
    assert 'aria-current="page"' in html


def test_it_saves_name_and_time_zone(client):
    user = verified_user(time_zone="UTC")
    client.force_login(user)

    response = client.post(
        reverse("profile"),
        {"full_name": "Casey Q. Coder", "time_zone": "Pacific/Honolulu"},
        follow=True,
    )

    assert "Your profile was saved." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Casey Q. Coder", "Pacific/Honolulu")


def test_it_refuses_an_unknown_time_zone_instead_of_breaking_later_pages(client):
    user = verified_user(time_zone="UTC")
    client.force_login(user)

    response = client.post(reverse("profile"), {"full_name": "Casey", "time_zone": "Mars/Base"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_it_sends_a_signed_out_visitor_to_sign_in(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('profile')}"


def test_it_keeps_a_name_on_the_profile(client):
    user = verified_user(full_name="Casey Coder")
    client.force_login(user)

    response = client.post(reverse("profile"), {"full_name": "", "time_zone": "UTC"})

    assert "This field is required." in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Casey Coder"
