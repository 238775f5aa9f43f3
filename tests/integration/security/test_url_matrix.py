"""The authorization matrix, generated from the URL configuration.

Every named URL outside /admin/ must be listed in ACCESS with who may reach it; a new URL
without an entry fails `test_it_lists_every_named_url`. Each entry is then tried as an
anonymous visitor and, for objects one user owns, as another signed-in user, who must get 404
(never 403: nobody learns that someone else's object exists). Organization URLs are tried role
by role in tests/integration/organizations/test_access_matrix.py; here we insist that matrix
reaches every one of them."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from ceutrack.activities.models import AuditPack, CalendarFeed, PendingCertificate
from ceutrack.api.tokens import create_link, create_token
from ceutrack.reminders.emails import unsubscribe_token
from tests.certificate_files import pdf_bytes
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    OfficialCycleFactory,
    UserFactory,
)
from tests.integration.organizations import test_access_matrix as org_matrix

PUBLIC = "public"  # anyone, signed in or not
LOGIN = "login-required"  # anonymous visitors are sent to the login page
OWNER = "owner-only"  # login required, and another user's object id is a 404
ORG = "org-role"  # role by role in tests/integration/organizations/test_access_matrix.py
TOKEN = "token-based"  # the secret in the URL is the credential: no login, a bad token fails
# /api/v1 (ceutrack.api): a personal access token (or session) is required; anonymous is a 401.
API = "api-login"  # any signed-in caller, about their own records only
API_OWNER = "api-owner"  # another person's object id is a 404
API_ORG = "api-org"  # role by role in tests/integration/organizations/test_access_matrix.py


@dataclass(frozen=True)
class Access:
    kind: str
    # Arguments for reverse(), from the objects the `world` fixture builds.
    args: object = None
    method: str = "get"


def no_args(world):
    return []


ACCESS: dict[str, Access] = {
    # --- ceutrack/views.py
    "home": Access(PUBLIC),
    "healthz": Access(PUBLIC),
    "favicon": Access(PUBLIC),
    # The signed-in person's own changes only: nobody else's history is addressable.
    "timeline": Access(LOGIN),
    # --- credentials
    "credentials:list": Access(LOGIN),
    "credentials:add": Access(LOGIN),
    "credentials:edit": Access(OWNER, lambda w: [w.credential.pk]),
    "credentials:delete": Access(OWNER, lambda w: [w.credential.pk]),
    "credentials:membership_month": Access(LOGIN),
    "credentials:apprentice": Access(LOGIN),
    "credentials:cycle_add": Access(LOGIN),
    "credentials:cycle_edit": Access(OWNER, lambda w: [w.cycle.pk]),
    "credentials:cycle_delete": Access(OWNER, lambda w: [w.cycle.pk]),
    # --- activities
    "activities:list": Access(LOGIN),
    "activities:add": Access(LOGIN),
    "activities:edit": Access(OWNER, lambda w: [w.activity.pk]),
    "activities:delete": Access(OWNER, lambda w: [w.activity.pk]),
    "activities:certificate": Access(OWNER, lambda w: [w.activity.pk]),
    "activities:changes": Access(OWNER, lambda w: [w.activity.pk]),
    "activities:history": Access(LOGIN, lambda w: ["aapc"]),
    "activities:records": Access(LOGIN),
    # Builds the signed-in person's own pack: nobody else's data is addressable.
    "activities:audit_pack": Access(LOGIN, lambda w: ["aapc", "2027-01-31"], "post"),
    "activities:audit_pack_status": Access(OWNER, lambda w: [w.pack.pk]),
    "activities:audit_pack_download": Access(OWNER, lambda w: [w.pack.pk]),
    "activities:csv_export": Access(LOGIN),
    "activities:csv_import": Access(LOGIN),
    "activities:csv_template": Access(LOGIN),
    "activities:csv_preview": Access(LOGIN),
    "activities:csv_cancel": Access(LOGIN, method="post"),
    "activities:calendar_regenerate": Access(LOGIN, method="post"),
    "activities:calendar_feed": Access(TOKEN, lambda w: [w.feed.token]),
    "activities:certificate_start": Access(LOGIN),
    "activities:certificate_confirm": Access(OWNER, lambda w: [w.pending.pk]),
    "activities:certificate_pending_file": Access(OWNER, lambda w: [w.pending.pk]),
    "activities:certificate_discard": Access(OWNER, lambda w: [w.pending.pk], "post"),
    # --- organizations (each one reached by the role matrix, checked below)
    "organizations:list": Access(ORG),
    "organizations:create": Access(ORG),
    "organizations:invitation_accept": Access(ORG),
    "organizations:withdraw": Access(ORG),
    "organizations:consent": Access(ORG),
    "organizations:leave": Access(ORG),
    "organizations:dashboard": Access(ORG),
    "organizations:export": Access(ORG),
    "organizations:member_detail": Access(ORG),
    "organizations:member_certificate": Access(ORG),
    "organizations:member_nudge": Access(ORG),
    "organizations:member_changes": Access(ORG),
    "organizations:people": Access(ORG),
    "organizations:member_team": Access(ORG),
    "organizations:member_remove": Access(ORG),
    "organizations:invitations": Access(ORG),
    "organizations:invitation_resend": Access(ORG),
    "organizations:invitation_revoke": Access(ORG),
    # --- reminders
    "reminders:preferences": Access(LOGIN),
    "reminders:log": Access(LOGIN),
    "reminders:unsubscribe": Access(TOKEN, lambda w: [w.unsubscribe]),
    # --- accounts (ours) and allauth's account and 2FA pages
    "profile": Access(LOGIN),
    "account_confirm_email": Access(TOKEN, lambda w: ["not-a-real-key"]),
    "account_login": Access(PUBLIC),
    "account_logout": Access(PUBLIC),
    "account_inactive": Access(PUBLIC),
    "account_signup": Access(PUBLIC),
    "account_reauthenticate": Access(LOGIN),
    # Re-authentication by emailed code (allauth 65.14+): only for a signed-in user.
    "account_request_reauthentication_code": Access(LOGIN),
    "account_confirm_reauthentication_code": Access(LOGIN),
    "account_email": Access(LOGIN),
    "account_email_verification_sent": Access(PUBLIC),
    "account_change_password": Access(LOGIN),
    "account_set_password": Access(LOGIN),
    "account_reset_password": Access(PUBLIC),
    # Without a login in progress there is no code to confirm: back to the login page.
    "account_confirm_login_code": Access(LOGIN),
    "account_reset_password_from_key_done": Access(PUBLIC),
    "account_reset_password_from_key": Access(TOKEN, lambda w: ["1", "not-a-real-key"]),
    "account_reset_password_done": Access(PUBLIC),
    "mfa_index": Access(LOGIN),
    # The second step of a login: without a first step, back to the login page.
    "mfa_authenticate": Access(LOGIN),
    "mfa_reauthenticate": Access(LOGIN),
    "mfa_activate_totp": Access(LOGIN),
    "mfa_deactivate_totp": Access(LOGIN),
    "mfa_view_recovery_codes": Access(LOGIN),
    "mfa_generate_recovery_codes": Access(LOGIN),
    "mfa_download_recovery_codes": Access(LOGIN),
    # --- API tokens on the profile page, verification links (ceutrack.api)
    "api_tokens:create": Access(LOGIN, method="post"),
    "api_tokens:revoke": Access(OWNER, lambda w: [w.api_token.pk], "post"),
    "verification:list": Access(LOGIN),
    "verification:revoke": Access(OWNER, lambda w: [w.link.pk], "post"),
    "verification:public": Access(TOKEN, lambda w: [w.link.token]),
    # --- the REST API (ceutrack.api.urls); the schema and its docs are public
    "api:schema": Access(PUBLIC),
    "api:docs": Access(PUBLIC),
    "api:me": Access(API),
    "api:evaluation": Access(API),
    "api:scenario": Access(API),
    "api:cycle_history": Access(API, lambda w: ["aapc"]),
    "api:reminder_preferences": Access(API),
    "api:credential_types": Access(API),
    "api:credential_list": Access(API),
    "api:credential_detail": Access(API_OWNER, lambda w: [w.credential.pk]),
    "api:cycle_list": Access(API),
    "api:cycle_detail": Access(API_OWNER, lambda w: [w.cycle.pk]),
    "api:activity_list": Access(API),
    "api:activity_detail": Access(API_OWNER, lambda w: [w.activity.pk]),
    "api:activity_certificate": Access(API_OWNER, lambda w: [w.activity.pk]),
    "api:activity_history": Access(API_OWNER, lambda w: [w.activity.pk]),
    "api:verification_link_list": Access(API),
    "api:verification_link_detail": Access(API_OWNER, lambda w: [w.link.pk]),
    "api:organization_list": Access(API),
    "api:organization_compliance": Access(API_ORG),
    "api:member_evaluation": Access(API_ORG),
    "api:invitation_list": Access(API_ORG),
    "api:invitation_detail": Access(API_ORG),
}


def named_urls(patterns=None, prefix="", namespace=None):
    """(route, name) of every URL pattern, walking includes; admin/ is Django's own."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from named_urls(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield route, name


def test_it_lists_every_named_url():
    found = dict(named_urls())
    unnamed = [route for route, name in found.items() if not name]
    names = {name for name in found.values() if name}

    assert unnamed == [], "every URL needs a name so the matrix can list it"
    assert sorted(names - ACCESS.keys()) == [], "add these URLs to ACCESS with their access rule"
    assert sorted(ACCESS.keys() - names) == [], "these ACCESS entries match no URL any more"


def test_it_finds_every_organization_url_in_the_role_matrix():
    fake = SimpleNamespace(
        memberships={who: SimpleNamespace(pk=7) for who in org_matrix.ACTORS},
        activity=SimpleNamespace(pk=8),
        invitation=SimpleNamespace(pk=9, token="t0ken"),
    )
    covered = set()
    for _method, url, _expected in org_matrix.CASES.values():
        match = resolve(url(fake))
        covered.add(f"{match.namespace}:{match.url_name}")

    listed = {name for name, access in ACCESS.items() if access.kind == ORG}
    assert sorted(listed - covered) == []


def test_it_finds_every_organization_api_url_in_the_role_matrix():
    fake = SimpleNamespace(
        memberships={who: SimpleNamespace(pk=7) for who in org_matrix.ACTORS},
        invitation=SimpleNamespace(pk=9),
    )
    covered = {
        f"{match.namespace}:{match.url_name}"
        for _method, url, _expected in org_matrix.API_CASES.values()
        if (match := resolve(url(fake)))
    }

    listed = {name for name, access in ACCESS.items() if access.kind == API_ORG}
    assert sorted(listed - covered) == []


@dataclass
class World:
    owner: object
    intruder: object
    credential: object
    cycle: object
    activity: object
    pack: object
    pending: object
    feed: object
    unsubscribe: str
    link: object = None
    api_token: object = None


@pytest.fixture
def world(db):
    owner, intruder = UserFactory(), UserFactory()
    credential = CredentialFactory(user=owner, earned_on=date(2025, 1, 10))
    activity = ActivityFactory(
        user=owner, certificate_name="cert.pdf", certificate_type="application/pdf"
    )
    activity.certificate.save("cert.pdf", ContentFile(pdf_bytes()))
    pack = AuditPack.objects.create(
        user=owner,
        body="AAPC",
        cycle_start=date(2025, 2, 1),
        cycle_end=date(2027, 1, 31),
        status=AuditPack.Status.READY,
        total=1,
        done=1,
    )
    pack.file.save("pack.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    pending = PendingCertificate(
        user=owner, original_name="cert.pdf", content_type="application/pdf"
    )
    pending.file.save("cert.pdf", ContentFile(pdf_bytes()))
    return World(
        owner=owner,
        intruder=intruder,
        credential=credential,
        cycle=OfficialCycleFactory(user=owner),
        activity=activity,
        pack=pack,
        pending=pending,
        feed=CalendarFeed.objects.create(user=owner, token="feed-token-" + "x" * 30),
        unsubscribe=unsubscribe_token(user_id=owner.pk, kind="due_30"),
        link=create_link(user=owner, days=30),
        api_token=create_token(user=owner, name="matrix")[0],
    )


def url_of(name, access, world):
    return reverse(name, args=(access.args or no_args)(world))


def is_login_redirect(response):
    return response.status_code == 302 and urlsplit(response["Location"]).path == reverse(
        "account_login"
    )


def entries(*kinds):
    return [(name, access) for name, access in ACCESS.items() if access.kind in kinds]


# One test per column, looping over its rows, so ~100 requests share a handful of fixtures;
# a failure lists every row that broke, with what it answered.


def test_it_sends_anonymous_visitors_to_the_login_page(client, world):
    wrong = {}
    for name, access in entries(LOGIN, OWNER):
        response = getattr(client, access.method)(url_of(name, access, world))
        if not is_login_redirect(response):
            wrong[name] = (response.status_code, response.get("Location"))

    assert wrong == {}


def test_it_sends_anonymous_visitors_to_the_login_page_on_organization_urls():
    # The role matrix builds its own objects; its anonymous column must be the login page,
    # except for the invitation link, which is token-based.
    anonymous = {name: c[2]["anonymous"] for name, c in org_matrix.CASES.items()}

    assert {n for n, v in anonymous.items() if v != org_matrix.LOGIN} == {"invitation_accept"}
    assert anonymous["invitation_accept"] == org_matrix.ALLOWED


def test_it_answers_public_pages_without_a_login(client, world):
    wrong = {}
    for name, access in entries(PUBLIC):
        response = client.get(url_of(name, access, world))
        # /healthz says 503 when this machine has no broker folder: an answer, not a refusal.
        allowed = {200, 302, 503} if name == "healthz" else {200, 302}
        if response.status_code not in allowed or is_login_redirect(response):
            wrong[name] = response.status_code

    assert wrong == {}


def test_it_answers_token_urls_without_a_login(client, world):
    wrong = {}
    for name, access in entries(TOKEN):
        response = client.get(url_of(name, access, world))
        if response.status_code >= 500 or is_login_redirect(response):
            wrong[name] = response.status_code

    assert wrong == {}


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("activities:calendar_feed", ["feed-token-wrong"]),
        ("reminders:unsubscribe", ["forged.token"]),
        ("verification:public", ["not-the-link-token-" + "x" * 24]),
    ],
)
def test_it_refuses_a_wrong_token(client, world, name, args):
    response = client.get(reverse(name, args=args))

    assert 400 <= response.status_code < 500


def test_it_answers_404_when_another_user_asks_for_an_owners_object(client, world):
    client.force_login(world.intruder)
    answers = {
        name: getattr(client, access.method)(url_of(name, access, world)).status_code
        for name, access in entries(OWNER)
    }

    assert answers == {name: 404 for name, _ in entries(OWNER)}


def test_it_answers_404_to_another_users_post_and_changes_nothing(client, world):
    """Edits and deletions too: a POST with the owner's ids is refused before any change."""
    client.force_login(world.intruder)
    answers = {
        name: client.post(url_of(name, access, world), {"title": "Taken over"}).status_code
        for name, access in entries(OWNER)
    }

    # 405: a GET-only view refuses the method before looking anything up, for any id.
    assert {name: code for name, code in answers.items() if code not in {404, 405}} == {}
    assert {answers[name] for name in ("credentials:edit", "activities:delete")} == {404}
    for kept in [world.credential, world.cycle, world.activity, world.pack, world.pending]:
        assert type(kept).objects.filter(pk=kept.pk).exists()
    world.activity.refresh_from_db()
    assert world.activity.title != "Taken over"
    assert world.activity.certificate


def test_it_lets_the_owner_reach_their_own_object(client, world):
    """Proves the ids above are real, so the intruder's 404 is about access, not a typo.
    POST-only URLs are tried with GET to leave the object in place: 405 means it was routed."""
    client.force_login(world.owner)
    wrong = {}
    for name, access in entries(OWNER):
        response = client.get(url_of(name, access, world))
        if response.status_code not in {200, 302, 405}:
            wrong[name] = response.status_code

    assert wrong == {}


# --- the REST API's columns: 401 without a token, 404 for another person's object id, 200 for
# the owner. Organization routes are tried role by role in the organizations' matrix.


def api_client_of(user):
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        _token, secret = create_token(user=user, name="matrix", scope="write")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def placeholder_args(name):
    route = next(r for r, n in named_urls() if n == name)
    return [
        "riverside" if "<slug:slug>" in part else "1" for part in route.split("/") if "<" in part
    ]


def test_it_answers_401_on_every_api_url_without_a_token(world):
    anonymous = api_client_of(None)
    wrong = {}
    for name, access in entries(API, API_OWNER, API_ORG):
        args = placeholder_args(name) if access.kind == API_ORG else (access.args or no_args)(world)
        for method in ("get", "post", "patch", "delete"):
            response = getattr(anonymous, method)(reverse(name, args=args))
            if response.status_code != 401:
                wrong[f"{method} {name}"] = response.status_code

    assert wrong == {}


def test_it_answers_404_when_another_users_token_names_an_owners_object(world):
    intruder = api_client_of(world.intruder)
    answers = {
        f"{method} {name}": getattr(intruder, method)(
            url_of(name, access, world), {"title": "Taken over"}, format="multipart"
        ).status_code
        for name, access in entries(API_OWNER)
        for method in ("get", "put", "patch", "delete")
    }

    assert {key: code for key, code in answers.items() if code not in {404, 405}} == {}
    assert answers["delete api:activity_detail"] == 404
    for kept in [world.credential, world.cycle, world.activity, world.link]:
        assert type(kept).objects.filter(pk=kept.pk).exists()
    world.activity.refresh_from_db()
    world.link.refresh_from_db()
    assert world.activity.title != "Taken over" and world.activity.certificate
    assert world.link.revoked_at is None


def test_it_lets_the_owners_token_reach_every_api_url(world):
    owner = api_client_of(world.owner)
    wrong = {}
    for name, access in entries(API, API_OWNER):
        response = owner.get(url_of(name, access, world))
        if response.status_code != 200:
            wrong[name] = response.status_code

    assert wrong == {}
