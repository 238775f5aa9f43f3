import pytest
from django.urls import reverse

from ceutrack.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Ledger-Tulip-42-Harbor"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_it_adds_a_user_by_email_only(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Coder@Example.com",
            "full_name": "New Coder",
            "time_zone": "America/Chicago",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(full_name="New Coder")
    assert user.email == "new.coder@example.com"
    assert user.time_zone == "America/Chicago"
    assert user.check_password(PASSWORD)


def test_it_shows_the_add_form_without_a_username_field(admin_client):
    html = admin_client.get(reverse("admin:accounts_user_add")).content.decode()

    assert 'name="email"' in html
    assert 'name="username"' not in html


def test_it_refuses_a_duplicate_email_in_any_case(admin_client):
    UserFactory(email="taken@example.com")

    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "TAKEN@example.com",
            "full_name": "Copy",
            "time_zone": "UTC",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "User with this Email address already exists." in response.content.decode()
    assert User.objects.count() == 2  # the admin and the original


def test_it_edits_and_lists_users(admin_client):
    user = UserFactory(email="casey@example.com", time_zone="UTC")

    listing = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "casey"})
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": "casey@example.com",
            "full_name": "Casey Coder",
            "time_zone": "Europe/London",
            "aapc_membership_month": "3",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert "casey@example.com" in listing.content.decode()
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.time_zone, user.aapc_membership_month) == (
        "Casey Coder",
        "Europe/London",
        3,
    )
