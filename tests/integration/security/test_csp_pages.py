"""Every page obeys the Content-Security-Policy: no inline script, no inline style, no event
handler attribute, so the browser blocks nothing and an injected one would never run.

The pages are every GET URL of the authorization matrix seen by their owner (with data: the
dashboard's cards and charts, records, the certificate prefill), the organization pages seen
by the owner of an organization with consenting staff, allauth's pages and the admin."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from ceutrack.organizations.models import Role
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)
from tests.integration.accounts.helpers import activate_totp, sign_in_and_confirm_access
from tests.integration.security.test_url_matrix import (
    ACCESS,
    LOGIN,
    OWNER,
    PUBLIC,
    TOKEN,
    url_of,
    world,  # noqa: F401 (the fixture)
)

EVENT_HANDLER = re.compile(r"^on[a-z]+$")
# <script> blocks that carry data, not code: the browser never runs them, so CSP ignores them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") not in DATA_SCRIPT_TYPES:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f'<{tag} style="{names["style"]}">')
        self.problems += [f"<{tag} {name}=...>" for name in names if EVENT_HANDLER.match(name)]
        if tag == "a" and (names.get("href") or "").lower().startswith("javascript:"):
            self.problems.append("javascript: link")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def problems_on(client, urls):
    """{url: problems} for every HTML page among `urls` (downloads and redirects skipped)."""
    found, pages = {}, 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        if problems := inline_code(response.content.decode()):
            found[url] = problems
    return found, pages


def test_it_finds_inline_code_when_there_is_some():
    html = (
        '<script>alert(1)</script><script type="application/json">{}</script>'
        '<div style="width: 5%" onclick="x()"></div><style>p{}</style><a href="javascript:x()">'
    )

    assert inline_code(html) == [
        "<script> without src",
        '<div style="width: 5%">',
        "<div onclick=...>",
        "<style> element",
        "javascript: link",
    ]


@pytest.fixture
def signed_in(client, world):  # noqa: F811
    """The matrix's owner with a confirmed address, signed in with a password just now."""
    EmailAddress.objects.create(
        user=world.owner, email=world.owner.email, verified=True, primary=True
    )
    ActivityFactory(user=world.owner, completed_on=date(2025, 6, 1))
    sign_in_and_confirm_access(client, world.owner.email)
    return client


def test_it_serves_every_coder_page_without_inline_code(signed_in, world):  # noqa: F811
    urls = [
        url_of(name, access, world)
        for name, access in ACCESS.items()
        if access.kind in {PUBLIC, LOGIN, OWNER, TOKEN}
        and access.method == "get"
        and name not in {"account_logout", "healthz"}
    ]

    found, pages = problems_on(signed_in, urls)

    assert pages >= 30
    assert found == {}


def test_it_serves_the_two_factor_pages_without_inline_code(signed_in):
    activation, _ = problems_on(signed_in, [reverse("mfa_activate_totp")])
    activate_totp(signed_in)
    urls = [reverse("mfa_index"), reverse("mfa_view_recovery_codes")]

    found, pages = problems_on(signed_in, urls)

    assert pages == 2
    assert activation | found == {}


def test_it_serves_the_organization_pages_without_inline_code(signed_in, world):  # noqa: F811
    owner = MembershipFactory(user=world.owner, role=Role.OWNER, consent_given_at=None)
    org = owner.organization
    staff = MembershipFactory(organization=org)
    CredentialFactory(user=staff.user, earned_on=date(2025, 1, 10))
    ActivityFactory(user=staff.user)
    InvitationFactory(organization=org, invited_by=world.owner)
    urls = [
        reverse("organizations:list"),
        reverse("organizations:create"),
        reverse("organizations:dashboard", args=[org.slug]),
        reverse("organizations:member_detail", args=[org.slug, staff.pk]),
        reverse("organizations:member_changes", args=[org.slug, staff.pk]),
        reverse("organizations:people", args=[org.slug]),
        reverse("organizations:invitations", args=[org.slug]),
    ]

    found, pages = problems_on(signed_in, urls)

    assert pages == len(urls)
    assert found == {}


def test_it_serves_the_signed_out_pages_without_inline_code(client, db):
    urls = [
        reverse("home"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        "/no-such-page/",
    ]

    found, pages = problems_on(client, urls)
    missing = client.get("/no-such-page/")

    assert pages == 4
    assert missing.status_code == 404
    assert inline_code(missing.content.decode()) == []
    assert found == {}


def test_it_sends_the_policy_header_on_every_page(client, db):
    response = client.get(reverse("account_login"))

    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"].startswith("accelerometer=()")


def test_it_serves_the_admin_without_inline_code_so_it_needs_no_exemption(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    urls = [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[admin.pk]),
        reverse("admin:credentials_credential_add"),
    ]

    found, pages = problems_on(client, urls)

    assert pages == len(urls)
    assert found == {}
