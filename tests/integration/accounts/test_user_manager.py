import pytest
from django.contrib.auth import authenticate

from ceutrack.accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_stores_a_new_users_email_in_lowercase():
    user = User.objects.create_user("Casey@Example.COM", password="Ledger-Tulip-42-Harbor")

    user.refresh_from_db()
    assert user.email == "casey@example.com"


def test_it_refuses_a_user_without_an_email():
    with pytest.raises(ValueError, match="An email address is required"):
        User.objects.create_user("", password="Ledger-Tulip-42-Harbor")


def test_it_finds_the_login_whatever_the_case_typed_in_djangos_own_forms():
    User.objects.create_superuser("admin@example.com", password="Ledger-Tulip-42-Harbor")

    user = authenticate(username="Admin@Example.com", password="Ledger-Tulip-42-Harbor")

    assert user is not None
    assert user.is_superuser and user.is_staff
