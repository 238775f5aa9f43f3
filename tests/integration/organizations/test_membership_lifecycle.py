"""The membership lifecycle as a state machine:

    invited --join--> joined --withdraw_consent--> withdrawn --give_consent--> joined
    joined / withdrawn --leave--> left;  --remove--> removed
    left / removed --(new invitation)--> re-invited --join--> joined

Every transition is tried from every state by every kind of person; only the rows of ALLOWED
succeed. Ending a membership clears role, team and consent, so rejoining takes the role from
the new invitation alone and staff consent again."""

import copy
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from ceutrack.organizations import services
from ceutrack.organizations.models import (
    Membership,
    MembershipState,
    NotPermitted,
    Role,
    TransitionRefused,
)
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
)
from tests.integration.accounts.helpers import verified_user
from tests.shared_rows import rows_for_the_module

pytestmark = pytest.mark.django_db

JOINED, WITHDRAWN = MembershipState.JOINED, MembershipState.WITHDRAWN
LEFT, REMOVED = MembershipState.LEFT, MembershipState.REMOVED

# Start states of the person the transition is about: (role, state). "invited" has no
# membership yet, only an open invitation.
STARTS = {
    "invited": None,
    "staff joined": (Role.MEMBER, JOINED),
    "staff withdrawn": (Role.MEMBER, WITHDRAWN),
    "manager": (Role.MANAGER, JOINED),
    "admin": (Role.ADMIN, JOINED),
    "owner": (Role.OWNER, JOINED),
    "left": (Role.MEMBER, LEFT),
    "removed": (Role.MEMBER, REMOVED),
}
ACTORS = ("self", "owner", "admin", "manager", "staff", "outsider")
TRANSITIONS = ("join", "withdraw_consent", "give_consent", "leave", "remove")

# (transition, start, actor) -> the state it ends in. Everything else is refused.
ALLOWED = {
    ("join", "invited", "self"): JOINED,
    ("join", "left", "self"): JOINED,
    ("join", "removed", "self"): JOINED,
    ("withdraw_consent", "staff joined", "self"): WITHDRAWN,
    ("give_consent", "staff withdrawn", "self"): JOINED,
    **{
        ("leave", start, "self"): LEFT
        for start in ("staff joined", "staff withdrawn", "manager", "admin", "owner")
    },
    **{
        ("remove", start, actor): REMOVED
        for start in ("staff joined", "staff withdrawn", "manager", "admin")
        for actor in ("owner", "admin")
    },
    ("remove", "owner", "owner"): REMOVED,  # only an owner removes an owner
}


def build_world(start: str):
    """An organization with one of each role (besides the subject), and an outsider who owns
    another organization."""
    organization = OrganizationFactory()
    world = {
        "organization": organization,
        "owner": MembershipFactory(organization=organization, role=Role.OWNER),
        "admin": MembershipFactory(organization=organization, role=Role.ADMIN),
        "manager": MembershipFactory(organization=organization, role=Role.MANAGER),
        "staff": MembershipFactory(organization=organization),
        "outsider": MembershipFactory(role=Role.OWNER),
        "person": verified_user(),
        "subject": None,
    }
    if STARTS[start] is not None:
        role, state = STARTS[start]
        subject = MembershipFactory(
            organization=organization,
            user=world["person"],
            role=role,
            team=TeamFactory(organization=organization),
        )
        now = timezone.now()
        if state == WITHDRAWN:
            subject.consent_withdrawn_at = now
        if state in (LEFT, REMOVED):
            subject.left_at, subject.removed = now, state == REMOVED
            subject.consent_given_at = None
        subject.save()
        world["subject"] = subject
    return world


def perform(world, transition: str, actor: str) -> Membership:
    subject = world["subject"] or Membership(
        user=world["person"], organization=world["organization"]
    )
    actor_user = world["person"] if actor == "self" else world[actor].user
    if transition == "join":
        invitation = InvitationFactory(
            organization=world["organization"], email=world["person"].email
        )
        services.accept_invitation(invitation, user=actor_user, consent=True)
        return Membership.objects.get(user=world["person"], organization=world["organization"])
    if subject.pk is None:
        raise NotPermitted("no membership")
    if transition == "remove":
        by = subject if actor == "self" else world[actor]
        services.remove(subject, by=by)
    else:
        getattr(services, transition)(subject, by=actor_user)
    subject.refresh_from_db()
    return subject


def snapshot(membership):
    if membership is None or membership.pk is None:
        return None
    membership.refresh_from_db()
    return (
        membership.role,
        membership.team_id,
        membership.left_at,
        membership.removed,
        membership.consent_given_at,
        membership.consent_withdrawn_at,
    )


CASES = [
    (transition, start, actor)
    for transition, start, actor in itertools.product(TRANSITIONS, STARTS, ACTORS)
    if transition == "join" or start != "invited"
]


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per start state, built once for the table's cases; each case's changes are
    rolled back after it."""
    with rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("lifecycle")):
        yield {start: build_world(start) for start in STARTS}


@pytest.mark.parametrize(("transition", "start", "actor"), CASES)
def test_each_transition_is_allowed_only_from_its_states_and_to_its_people(
    worlds, transition, start, actor
):
    world = copy.deepcopy(worlds[start])
    before = snapshot(world["subject"])
    expected = ALLOWED.get((transition, start, actor))

    if expected is None:
        with pytest.raises(TransitionRefused):
            perform(world, transition, actor)
        assert snapshot(world["subject"]) == before
        if world["subject"] is None:
            assert not Membership.objects.filter(user=world["person"]).exists()
    else:
        assert perform(world, transition, actor).state == expected


def test_every_allowed_row_is_a_case_the_table_test_tries():
    assert set(ALLOWED) <= set(CASES)


@pytest.mark.parametrize(("start", "end"), [("staff joined", "leave"), ("owner", "remove")])
def test_ending_a_membership_clears_role_team_and_consent(start, end):
    world = build_world(start)
    subject = world["subject"]

    if end == "leave":
        services.leave(subject, by=subject.user)
    else:
        services.remove(subject, by=world["owner"])

    subject.refresh_from_db()
    assert (subject.role, subject.team, subject.consent_given_at) == (Role.MEMBER, None, None)
    assert not subject.is_current and not subject.can_view and not subject.shares_records


def test_an_owner_who_left_and_is_reinvited_as_staff_comes_back_as_staff_with_consent_now(
    client,
):
    world = build_world("owner")
    owner = world["subject"]
    services.leave(owner, by=owner.user)
    invitation = InvitationFactory(
        organization=world["organization"], email=owner.user.email, role=Role.MEMBER
    )
    client.force_login(owner.user)

    accept = reverse("organizations:invitation_accept", args=[invitation.token])
    without_consent = client.post(accept)
    joined = client.post(accept, {"consent": "on"})
    owner.refresh_from_db()
    remove_other_owner = client.post(
        reverse("organizations:member_remove", args=[world["organization"].slug, world["owner"].pk])
    )

    assert without_consent.status_code == 200  # the consent box is required
    assert joined.status_code == 302
    assert owner.role == Role.MEMBER and owner.state == JOINED
    assert owner.consent_given_at is not None and owner.consent_withdrawn_at is None
    assert owner.team is None
    assert remove_other_owner.status_code == 404
    assert Membership.objects.get(pk=world["owner"].pk).is_current


def test_a_rejoining_person_gets_the_new_invitations_role_and_team_only():
    world = build_world("admin")
    subject = world["subject"]
    services.remove(subject, by=world["owner"])
    team = TeamFactory(organization=world["organization"])
    invitation = InvitationFactory(
        organization=world["organization"], email=subject.user.email, role=Role.MANAGER, team=team
    )

    services.accept_invitation(invitation, user=subject.user, consent=False)

    subject.refresh_from_db()
    assert (subject.role, subject.team, subject.state) == (Role.MANAGER, team, JOINED)
    assert subject.consent_given_at is None  # managers do not share records


def test_staff_cannot_join_without_consenting():
    world = build_world("left")
    invitation = InvitationFactory(organization=world["organization"], email=world["person"].email)

    with pytest.raises(TransitionRefused, match="share your CEU records"):
        services.accept_invitation(invitation, user=world["person"], consent=False)

    assert not world["subject"].__class__.objects.get(pk=world["subject"].pk).is_current


def test_an_invitation_sent_to_another_address_cannot_be_accepted():
    world = build_world("invited")
    invitation = InvitationFactory(organization=world["organization"], email="else@example.com")

    with pytest.raises(NotPermitted):
        services.accept_invitation(invitation, user=world["person"], consent=True)


def test_the_last_owner_can_neither_leave_nor_be_removed():
    owner = MembershipFactory(role=Role.OWNER, consent_given_at=None)
    admin = MembershipFactory(organization=owner.organization, role=Role.ADMIN)

    with pytest.raises(TransitionRefused, match="only owner"):
        services.leave(owner, by=owner.user)
    with pytest.raises(NotPermitted):
        services.remove(owner, by=admin)

    owner.refresh_from_db()
    assert owner.is_current and owner.role == Role.OWNER


def test_a_second_owner_may_leave_and_the_first_stays():
    first = MembershipFactory(role=Role.OWNER, consent_given_at=None)
    second = MembershipFactory(organization=first.organization, role=Role.OWNER, user=UserFactory())

    services.leave(second, by=second.user)

    with pytest.raises(TransitionRefused):
        services.leave(first, by=first.user)


@pytest.mark.parametrize(
    ("start", "invited"), [("left", True), ("removed", True), ("staff joined", False)]
)
def test_people_who_left_or_were_removed_can_be_reinvited_and_members_cannot(start, invited):
    world = build_world(start)

    result = services.invite_people(
        organization=world["organization"],
        emails_to_invite=[world["person"].email],
        role=Role.MEMBER,
        team=None,
        invited_by=world["owner"].user,
    )

    assert bool(result.sent) is invited
    assert bool(result.already_members) is not invited
