"""Personal access tokens: created on the profile page or by manage.py, shown once, stored as a
digest, sent as a Bearer header, refused once revoked or expired; scopes and rate limits."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ceutrack.api.models import ApiToken, digest
from tests.factories import UserFactory
from tests.integration.api.conftest import TokenClient, api_as

pytestmark = pytest.mark.django_db
ME = reverse("api:me")


def test_a_token_created_on_the_profile_page_works_until_it_is_revoked(client, coder):
    client.force_login(coder)
    page = client.post(
        reverse("api_tokens:create"), {"name": "HR import", "scope": "read", "days": "30"}
    )
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=coder)
    assert secret not in (token.secret_hash, token.lookup)
    assert token.secret_hash == digest(secret)
    assert secret not in client.get(reverse("profile")).content.decode()

    api = TokenClient(secret)
    answer = api.get(ME)
    assert answer.status_code == 200
    assert answer.json()["email"] == coder.email
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    refused = api.get(ME)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_the_profile_page_lists_tokens_with_their_scope_and_last_use(client, coder):
    api_as(coder, scope="read")
    client.force_login(coder)

    page = client.get(reverse("profile")).content.decode()

    assert "Personal access tokens" in page
    assert "Read only" in page and "Never" in page


def test_another_persons_token_cannot_be_revoked(client, coder):
    api_as(coder)
    token = ApiToken.objects.get(user=coder)
    client.force_login(UserFactory())

    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_answers_401_with_a_bearer_challenge_without_a_token(client, db):
    answer = client.get(ME)

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer ceu_123456789012_wrong", "Bearer not-a-token", "Bearer é"],
)
def test_it_answers_401_to_a_malformed_or_unknown_token(client, db, header):
    assert client.get(ME, HTTP_AUTHORIZATION=header).status_code == 401


def test_a_token_with_the_right_lookup_but_wrong_secret_is_refused(coder):
    api_as(coder)
    token = ApiToken.objects.get(user=coder)

    forged = TokenClient(f"ceu_{token.lookup}_{'A' * 43}")

    assert forged.get(ME).status_code == 401


def test_an_expired_token_is_refused(coder):
    api = api_as(coder)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert api.get(ME).status_code == 401


def test_a_read_token_reads_but_is_refused_writes_with_a_reason(coder):
    api = api_as(coder, scope="read")

    assert api.get(reverse("api:activity_list")).status_code == 200
    refused = api.post(reverse("api:verification_link_list"), {"days": 7}, format="json")

    assert refused.status_code == 403
    assert "read scope" in refused.json()["detail"]


def test_each_token_has_its_own_rate_limit_with_retry_after(settings, coder):
    settings.API_RATE_LIMIT = "3/min"
    first, second = api_as(coder), api_as(coder)

    answers = [first.get(ME).status_code for _ in range(4)]
    limited = first.get(ME)

    assert answers == [200, 200, 200, 429]
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    assert second.get(ME).status_code == 200


def test_the_command_prints_the_new_token_alone_on_its_last_line(coder):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token",
        coder.email.upper(),
        "--scope",
        "write",
        "--days",
        "7",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip().splitlines()[-1]

    token = ApiToken.objects.get(user=coder)
    assert token.scope == "write" and token.matches(secret)
    assert (token.expires_at - token.created_at).days == 7
    assert TokenClient(secret).get(ME).status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody@example.com"], "No user"), (["{email}", "--days", "0"], "--days")],
)
def test_the_command_refuses_an_unknown_user_or_a_bad_expiry(coder, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *[a.format(email=coder.email) for a in args])


def test_a_session_may_read_but_must_send_the_csrf_token_to_write(coder):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coder)

    assert browser.get(ME).status_code == 200
    assert browser.post(reverse("api:verification_link_list"), {"days": 7}).status_code == 403


def test_a_token_form_with_a_bad_expiry_creates_nothing_and_says_why(client, coder):
    client.force_login(coder)

    response = client.post(
        reverse("api_tokens:create"), {"name": "x", "scope": "write", "days": "400"}, follow=True
    )

    assert "number of days (1-365)" in response.content.decode()
    assert not ApiToken.objects.filter(user=coder).exists()


def test_support_staff_can_revoke_a_token_in_the_admin_but_never_see_its_secret(client, coder):
    api = api_as(coder)
    token = ApiToken.objects.get(user=coder)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert token.secret_hash not in page
    assert api.get(ME).status_code == 401
