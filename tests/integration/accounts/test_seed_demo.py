from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from ceutrack.accounts.models import User

pytestmark = pytest.mark.django_db


def seed(settings) -> str:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_verified_demo_accounts_that_sign_in_straight_away(settings, client):
    output = seed(settings)

    coder = User.objects.get(email="coder@example.com")
    manager = User.objects.get(email="manager@example.com")
    assert (coder.full_name, manager.full_name) == ("Casey Coder", "Morgan Manager")
    for user in (coder, manager):
        address = EmailAddress.objects.get(user=user, email=user.email)
        assert (address.verified, address.primary) == (True, True)
        assert user.email in output
    assert "ceutrack-demo" in output
    response = client.post(
        "/accounts/login/", {"login": "coder@example.com", "password": "ceutrack-demo"}
    )
    assert (response.status_code, response["Location"]) == (302, "/")


def test_it_is_idempotent_and_restores_a_changed_demo_password(settings):
    seed(settings)
    counts = (User.objects.count(), EmailAddress.objects.count())
    coder = User.objects.get(email="coder@example.com")
    coder.set_password("changed-by-someone-1")
    coder.save()

    seed(settings)

    assert (User.objects.count(), EmailAddress.objects.count()) == counts
    coder.refresh_from_db()
    assert coder.check_password("ceutrack-demo")


def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DEBUG=1"):
        call_command("seed_demo")

    assert not User.objects.exists()
