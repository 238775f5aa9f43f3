"""Every organization URL x every kind of visitor: allowed, 404 or the login page.

Nobody outside the roles learns that an organization or a person exists (404, never 403);
a member who withdrew consent is invisible even to their own organization's owner."""

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from ceutrack.organizations.models import Role
from tests.certificate_files import pdf_bytes
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tests.shared_rows import rows_for_the_module

pytestmark = pytest.mark.django_db

ACTORS = ["owner", "admin", "manager", "member", "withdrawn", "other_manager", "anonymous"]
ALLOWED, NOT_FOUND, LOGIN = "allowed", "404", "login"
VIEWERS = {"owner", "admin", "manager"}
MANAGERS = {"owner", "admin"}
CERTIFICATE_PDF = pdf_bytes()


@dataclass
class World:
    org: object
    memberships: dict
    activity: object
    invitation: object

    def user(self, actor):
        return None if actor == "anonymous" else self.memberships[actor].user


def build_world():
    org = OrganizationFactory(slug="riverside")
    memberships = {
        "owner": MembershipFactory(organization=org, role=Role.OWNER, consent_given_at=None),
        "admin": MembershipFactory(organization=org, role=Role.ADMIN, consent_given_at=None),
        "manager": MembershipFactory(organization=org, role=Role.MANAGER, consent_given_at=None),
        "member": MembershipFactory(organization=org),
        "withdrawn": MembershipFactory(organization=org),
        "other_manager": MembershipFactory(role=Role.MANAGER, consent_given_at=None),
    }
    withdrawn = memberships["withdrawn"]
    withdrawn.consent_withdrawn_at = withdrawn.consent_given_at
    withdrawn.save()
    member = memberships["member"].user
    CredentialFactory(user=member, earned_on=date(2025, 1, 10))
    activity = ActivityFactory(
        user=member, certificate_name="cert.pdf", certificate_type="application/pdf"
    )
    activity.certificate.save("cert.pdf", ContentFile(CERTIFICATE_PDF))
    invitation = InvitationFactory(organization=org, invited_by=memberships["owner"].user)
    return World(org, memberships, activity, invitation)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module's 84 tests: each test's changes are rolled back after it."""
    with rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("matrix")):
        yield build_world()


@pytest.fixture
def world(module_world, settings):
    """A copy of the module's world for one test, its certificate file in this test's
    private storage."""
    world = copy.deepcopy(module_world)
    certificate = world.activity.certificate
    path = Path(settings.PRIVATE_MEDIA_ROOT) / certificate.name
    path.parent.mkdir(parents=True)
    path.write_bytes(CERTIFICATE_PDF)
    return world


def only(allowed):
    return {actor: ALLOWED if actor in allowed else NOT_FOUND for actor in ACTORS} | {
        "anonymous": LOGIN
    }


def staff_url(name, w, who="member", *extra):
    return reverse(f"organizations:{name}", args=["riverside", w.memberships[who].pk, *extra])


CASES = {
    "list": ("get", lambda w: reverse("organizations:list"), only(set(ACTORS))),
    "create": ("get", lambda w: reverse("organizations:create"), only(set(ACTORS))),
    "dashboard": (
        "get",
        lambda w: reverse("organizations:dashboard", args=["riverside"]),
        only(VIEWERS),
    ),
    "export": ("get", lambda w: reverse("organizations:export", args=["riverside"]), only(VIEWERS)),
    "member_detail": ("get", lambda w: staff_url("member_detail", w), only(VIEWERS)),
    "withdrawn_detail": ("get", lambda w: staff_url("member_detail", w, "withdrawn"), only(set())),
    "manager_as_staff": ("get", lambda w: staff_url("member_detail", w, "manager"), only(set())),
    "certificate": (
        "get",
        lambda w: staff_url("member_certificate", w, "member", w.activity.pk),
        only(VIEWERS),
    ),
    "nudge": ("post", lambda w: staff_url("member_nudge", w), only(VIEWERS)),
    "member_changes": ("get", lambda w: staff_url("member_changes", w), only(VIEWERS)),
    "withdrawn_changes": (
        "get",
        lambda w: staff_url("member_changes", w, "withdrawn"),
        only(set()),
    ),
    "manager_changes_as_staff": (
        "get",
        lambda w: staff_url("member_changes", w, "manager"),
        only(set()),
    ),
    "people": (
        "get",
        lambda w: reverse("organizations:people", args=["riverside"]),
        only(MANAGERS),
    ),
    "member_team": ("post", lambda w: staff_url("member_team", w), only(MANAGERS)),
    "member_remove": ("post", lambda w: staff_url("member_remove", w), only(MANAGERS)),
    "invitations": (
        "get",
        lambda w: reverse("organizations:invitations", args=["riverside"]),
        only(MANAGERS),
    ),
    "invitation_resend": (
        "post",
        lambda w: reverse("organizations:invitation_resend", args=["riverside", w.invitation.pk]),
        only(MANAGERS),
    ),
    "invitation_revoke": (
        "post",
        lambda w: reverse("organizations:invitation_revoke", args=["riverside", w.invitation.pk]),
        only(MANAGERS),
    ),
    # The link is the credential: anyone holding it may read the invitation.
    "invitation_accept": (
        "get",
        lambda w: reverse("organizations:invitation_accept", args=[w.invitation.token]),
        dict.fromkeys(ACTORS, ALLOWED),
    ),
    "withdraw": (
        "post",
        lambda w: reverse("organizations:withdraw", args=[w.memberships["member"].pk]),
        only({"member"}),
    ),
    "consent": (
        "post",
        lambda w: reverse("organizations:consent", args=[w.memberships["withdrawn"].pk]),
        only({"withdrawn"}),
    ),
    "leave": (
        "post",
        lambda w: reverse("organizations:leave", args=[w.memberships["member"].pk]),
        only({"member"}),
    ),
}


def outcome(response):
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    assert response.status_code in (200, 302), response.status_code
    return ALLOWED


@pytest.mark.parametrize("case", list(CASES))
def test_each_url_allows_only_the_right_people(client, world, case):
    """One world per URL, every visitor in turn; each visit is rolled back (savepoint, cache)
    so that one visitor's successful POST never changes what the next one meets."""
    method, build_url, expected = CASES[case]
    seen = {}
    for actor in ACTORS:
        cache.clear()
        client.logout()
        with transaction.atomic():
            user = world.user(actor)
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(
                build_url(world), {"consent": "on"} if method == "post" else None
            )
            seen[actor] = outcome(response)
            transaction.set_rollback(True)
    assert seen == expected


def test_every_organization_url_is_in_the_matrix():
    from ceutrack.organizations.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    covered = {
        "list",
        "create",
        "dashboard",
        "export",
        "member_detail",
        "member_certificate",
        "member_nudge",
        "member_changes",
        "people",
        "member_team",
        "member_remove",
        "invitations",
        "invitation_resend",
        "invitation_revoke",
        "invitation_accept",
        "withdraw",
        "consent",
        "leave",
    }
    assert names == covered


def test_a_manager_who_left_loses_access(client, world):
    manager = world.memberships["manager"]
    manager.left_at = manager.joined_at
    manager.save()
    client.force_login(manager.user)
    assert client.get(reverse("organizations:dashboard", args=["riverside"])).status_code == 404


def test_a_member_who_left_disappears_from_the_drill_down(client, world):
    member = world.memberships["member"]
    member.left_at = member.joined_at
    member.save()
    client.force_login(world.user("owner"))
    assert client.get(staff_url("member_detail", world)).status_code == 404


def test_another_organizations_staff_id_gives_404(client, world):
    stranger = MembershipFactory()
    client.force_login(world.user("owner"))
    url = reverse("organizations:member_detail", args=["riverside", stranger.pk])
    assert client.get(url).status_code == 404
    mismatched = reverse(
        "organizations:member_certificate",
        args=["riverside", world.memberships["member"].pk, ActivityFactory(user=stranger.user).pk],
    )
    assert client.get(mismatched).status_code == 404


def test_only_the_organizations_viewers_may_see_a_consented_member(world):
    from ceutrack.organizations.access import (
        managers_of,
        managers_of_anyone,
        staff_visible_to,
        visible_staff,
    )

    member = world.user("member")
    viewers = {world.user(a) for a in ("owner", "admin", "manager")}
    assert set(managers_of(member)) == viewers
    assert list(managers_of(world.user("withdrawn"))) == []
    assert [m.user for m in visible_staff(world.org)] == [member]
    assert set(managers_of_anyone()) == viewers  # other_manager's organization shares nothing
    for viewer in viewers:
        assert [m.user for m in staff_visible_to(viewer)] == [member]
    for actor in ("member", "withdrawn", "other_manager"):
        assert list(staff_visible_to(world.user(actor))) == []


# --- the same rules through the REST API (ceutrack.api), with a personal access token:
# 401 without one, 404 for anyone outside the role, never 403.

UNAUTHORIZED = "401"


def api_only(allowed):
    return only(allowed) | {"anonymous": UNAUTHORIZED}


def api_url(name, extra):
    return lambda w: reverse(f"api:{name}", args=["riverside", *extra(w)])


API_CASES = {
    "api_compliance": ("get", api_url("organization_compliance", lambda w: []), api_only(VIEWERS)),
    "api_member_evaluation": (
        "get",
        api_url("member_evaluation", lambda w: [w.memberships["member"].pk]),
        api_only(VIEWERS),
    ),
    "api_withdrawn_evaluation": (
        "get",
        api_url("member_evaluation", lambda w: [w.memberships["withdrawn"].pk]),
        api_only(set()),
    ),
    "api_manager_as_staff": (
        "get",
        api_url("member_evaluation", lambda w: [w.memberships["manager"].pk]),
        api_only(set()),
    ),
    "api_invitations": ("get", api_url("invitation_list", lambda w: []), api_only(MANAGERS)),
    "api_invite": ("post", api_url("invitation_list", lambda w: []), api_only(MANAGERS)),
    "api_invitation": (
        "get",
        api_url("invitation_detail", lambda w: [w.invitation.pk]),
        api_only(MANAGERS),
    ),
    "api_invitation_revoke": (
        "delete",
        api_url("invitation_detail", lambda w: [w.invitation.pk]),
        api_only(MANAGERS),
    ),
}


def api_outcome(response):
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 401:
        return UNAUTHORIZED
    assert response.status_code in (200, 201, 204), response.status_code
    return ALLOWED


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", list(API_CASES))
def test_each_api_url_allows_only_the_right_people(world, case, actor):
    from rest_framework.test import APIClient

    from ceutrack.api.tokens import create_token
    from tests.integration.api.conftest import TokenClient

    method, build_url, expected = API_CASES[case]
    user = world.user(actor)
    client = (
        TokenClient(create_token(user=user, name="m", scope="write")[1]) if user else APIClient()
    )
    data = {"emails": "new.person@example.com"} if method == "post" else None
    response = getattr(client, method)(build_url(world), data, format="json")

    assert api_outcome(response) == expected[actor]


def test_the_api_lists_only_organizations_where_the_caller_sees_compliance(world):
    from ceutrack.api.tokens import create_token
    from tests.integration.api.conftest import TokenClient

    seen = {}
    for actor in ACTORS[:-1]:
        client = TokenClient(create_token(user=world.user(actor), name="m")[1])
        seen[actor] = [o["slug"] for o in client.get(reverse("api:organization_list")).json()]

    sees_riverside = {actor for actor, slugs in seen.items() if "riverside" in slugs}
    assert sees_riverside == VIEWERS
    assert seen["member"] == seen["withdrawn"] == []
    assert seen["other_manager"] == [world.memberships["other_manager"].organization.slug]
