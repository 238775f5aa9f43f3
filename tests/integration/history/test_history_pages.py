"""The coder's timeline, an activity's own history page and the manager's drill-down."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from ceutrack.icons import icon
from ceutrack.organizations import services
from ceutrack.organizations.models import Role
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    MembershipFactory,
    OfficialCycleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _now(time_machine, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    time_machine.move_to(datetime(2025, 6, 1, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def coder(client):
    user = UserFactory(full_name="Zoë Ramírez")
    client.force_login(user)
    return user


def later(time_machine, minutes):
    time_machine.shift(timedelta(minutes=minutes))


def entries(response):
    return response.context["entries"]


# ------------------------------------------------------------------ the timeline


def test_the_timeline_lists_every_kind_of_record_newest_first(client, coder, time_machine):
    credential = CredentialFactory(user=coder, earned_on=date(2023, 1, 10))
    later(time_machine, 1)
    activity = ActivityFactory(user=coder, title="E/M update")
    later(time_machine, 1)
    OfficialCycleFactory(user=coder)
    later(time_machine, 1)
    activity.title = "E/M documentation update"
    activity.save()
    later(time_machine, 1)
    credential.delete()

    response = client.get(reverse("timeline"))

    assert response.status_code == 200
    summaries = [(e.summary, e.record_label) for e in entries(response)]
    assert summaries == [
        ("Credential deleted", "CPC"),
        ("Activity changed", "E/M documentation update"),
        ("Official cycle dates created", "AAPC cycle Feb 1, 2025 to Jan 31, 2027"),
        ("Activity created", "E/M update"),
        ("Credential created", "CPC"),
    ]
    page = response.content.decode()
    assert f"E/M update {icon('arrow-right')}" in page.replace("\n", "")
    # The activity still exists: its entries link to its own history.
    assert reverse("activities:changes", args=[activity.pk]) in page


def test_the_timeline_shows_what_changed_with_user_text_escaped(client, coder):
    activity = ActivityFactory(user=coder, title="Plain title", notes="")
    activity.title = HOSTILE
    activity.notes = "<img src=x onerror=alert(1)>"
    activity.save()

    page = client.get(reverse("timeline")).content.decode()

    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_timeline_marks_a_change_made_after_the_cycle_had_ended(client, coder, time_machine):
    OfficialCycleFactory(user=coder, start=date(2025, 2, 1), end=date(2027, 1, 31))
    CredentialFactory(user=coder, earned_on=date(2023, 1, 10))
    activity = ActivityFactory(user=coder, completed_on=date(2025, 3, 15))
    time_machine.move_to(datetime(2027, 2, 2, 12, tzinfo=UTC), tick=False)
    activity.units = 3
    activity.save()
    client.force_login(coder)

    page = client.get(reverse("timeline")).content.decode()

    assert page.count('data-testid="after-cycle-end"') == 1
    assert "Changed after the AAPC cycle ending Jan 31, 2027 had ended" in page


def test_the_timeline_filters_by_kind_of_record(client, coder):
    ActivityFactory(user=coder)
    CredentialFactory(user=coder)

    response = client.get(reverse("timeline"), {"kind": "credential"})

    assert [e.summary for e in entries(response)] == ["Credential created"]
    assert response.context["filtered"]


def test_the_timeline_is_paginated(client, coder, time_machine):
    for n in range(26):
        later(time_machine, 1)
        ActivityFactory(user=coder, title=f"Course {n}")

    first = client.get(reverse("timeline"))
    second = client.get(reverse("timeline"), {"page": 2})

    assert [e.record_label for e in entries(first)][:2] == ["Course 25", "Course 24"]
    assert len(entries(first)) == 25
    assert [e.record_label for e in entries(second)] == ["Course 0"]
    assert "Page 2 of 2" in second.content.decode()


def test_the_timeline_has_an_empty_state(client, coder):
    response = client.get(reverse("timeline"))

    assert entries(response) == []
    assert "No changes recorded yet" in response.content.decode()


def test_the_timeline_shows_only_the_signed_in_persons_changes(client, coder):
    ActivityFactory(title="Someone else's course")
    MembershipFactory(consent_given_at=None)

    assert entries(client.get(reverse("timeline"))) == []


def test_the_timeline_includes_membership_changes(client, coder, time_machine):
    membership = MembershipFactory(user=coder)
    later(time_machine, 5)
    services.withdraw_consent(membership, by=membership.user)

    (withdrawn, joined) = entries(client.get(reverse("timeline")))

    assert withdrawn.summary == "Organization membership changed"
    assert withdrawn.record_label == membership.organization.name
    assert [c.label for c in withdrawn.changes] == ["Stopped sharing records"]
    assert joined.summary == "Organization membership created"


def test_a_deleted_activity_stays_in_the_timeline_without_a_link(client, coder):
    activity = ActivityFactory(user=coder, title="Gone")
    client.post(reverse("activities:delete", args=[activity.pk]))

    response = client.get(reverse("timeline"))

    deleted = entries(response)[0]
    assert (deleted.summary, deleted.record_label) == ("Activity deleted", "Gone")
    assert deleted.by == "you"
    assert reverse("activities:changes", args=[activity.pk]) not in response.content.decode()


def test_the_activity_list_and_the_menu_link_to_the_timeline(client, coder):
    ActivityFactory(user=coder)

    page = client.get(reverse("activities:list")).content.decode()

    assert page.count(f'href="{reverse("timeline")}"') == 2


# ------------------------------------------------------------------ one activity


def test_an_activitys_history_page_lists_its_changes(client, coder, time_machine):
    activity = ActivityFactory(user=coder, title="E/M update")
    later(time_machine, 1)
    client.post(
        reverse("activities:edit", args=[activity.pk]),
        {
            "title": HOSTILE,
            "provider": "AAPC",
            "completed_on": "2025-03-15",
            "units": "2",
            "kind": "webinar",
            "aapc": "on",
            "aapc_index": "A1",
            "ahima_domain": "on",
        },
    )

    response = client.get(reverse("activities:changes", args=[activity.pk]))

    assert response.status_code == 200
    changed, created = response.context["entries"]
    assert (changed.by, created.action) == ("you", "created")
    assert {c.label for c in changed.changes} == {"Title", "CEUs", "AAPC index number"}
    assert HOSTILE not in response.content.decode()
    edit = client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert reverse("activities:changes", args=[activity.pk]) in edit


def test_another_persons_activity_history_is_a_404(client, coder):
    activity = ActivityFactory(title="Not yours")

    response = client.get(reverse("activities:changes", args=[activity.pk]))

    assert response.status_code == 404


# ------------------------------------------------------------------ the manager's drill-down


@pytest.fixture
def manager():
    return MembershipFactory(role=Role.MANAGER, consent_given_at=None)


@pytest.fixture
def member(manager, time_machine):
    """Staff who logged one activity before sharing and began sharing an hour later."""
    user = UserFactory(full_name="Sam Coder")
    ActivityFactory(user=user, title="Private before sharing")
    later(time_machine, 60)
    return MembershipFactory(user=user, organization=manager.organization)


def test_the_drill_down_shows_changes_made_since_the_member_began_sharing(
    client, manager, member, time_machine
):
    later(time_machine, 5)
    activity = ActivityFactory(user=member.user, title="Shared course", notes="my own notes")
    later(time_machine, 5)
    activity.notes = "still private"
    activity.units = 3
    activity.save()
    client.force_login(manager.user)

    detail = client.get(
        reverse("organizations:member_detail", args=[manager.organization.slug, member.pk])
    )
    full = client.get(
        reverse("organizations:member_changes", args=[manager.organization.slug, member.pk])
    )

    for response in (detail, full):
        assert response.status_code == 200
        shown = response.context["changes"].entries
        labels = [e.record_label for e in shown]
        assert "Private before sharing" not in labels
        assert labels[:2] == ["Shared course", "Shared course"]
        assert [c.label for c in shown[0].changes] == ["CEUs"]  # never the notes
        assert shown[0].withheld_changes
        page = response.content.decode()
        assert "my own notes" not in page
        assert "still private" not in page
        assert "Details not shared with you changed too." in page


def test_the_drill_down_shows_a_later_change_to_an_older_entry_from_what_it_was(
    client, manager, member, time_machine
):
    later(time_machine, 5)
    older = member.user.activities.get(title="Private before sharing")
    older.units = 4
    older.save()
    client.force_login(manager.user)

    response = client.get(
        reverse("organizations:member_changes", args=[manager.organization.slug, member.pk])
    )

    changed = response.context["changes"].entries[0]
    assert (changed.summary, changed.record_label) == ("Activity changed", "Private before sharing")
    assert [(c.label, c.old, c.new) for c in changed.changes] == [("CEUs", "1.5", "4")]
    activity_entries = [
        e for e in response.context["changes"].entries if e.record_kind == "activity"
    ]
    assert [e.action for e in activity_entries] == ["changed"]  # its creation came before


def test_the_drill_down_shows_only_this_organizations_membership(client, manager, member):
    other = MembershipFactory(user=member.user)
    services.withdraw_consent(other, by=other.user)
    client.force_login(manager.user)

    response = client.get(
        reverse("organizations:member_changes", args=[manager.organization.slug, member.pk])
    )

    labels = [e.record_label for e in response.context["changes"].entries]
    assert manager.organization.name in labels
    assert other.organization.name not in labels


@pytest.mark.parametrize("role", [Role.MEMBER, None])
def test_people_without_a_view_role_get_no_drill_down_history(client, manager, member, role):
    if role is None:
        outsider = MembershipFactory(role=Role.MANAGER, consent_given_at=None).user
    else:
        outsider = MembershipFactory(organization=manager.organization, role=role).user
    client.force_login(outsider)

    response = client.get(
        reverse("organizations:member_changes", args=[manager.organization.slug, member.pk])
    )

    assert response.status_code == 404


def test_a_member_who_stopped_sharing_has_no_history_for_the_manager(client, manager, member):
    services.withdraw_consent(member, by=member.user)
    client.force_login(manager.user)

    response = client.get(
        reverse("organizations:member_changes", args=[manager.organization.slug, member.pk])
    )

    assert response.status_code == 404


def test_reseeding_a_demo_person_leaves_no_wall_of_deletions_in_their_history():
    from ceutrack.activities.models import Activity
    from ceutrack.organizations.demo import apply_recipe

    person = UserFactory()
    apply_recipe(person, "on_track", today=date(2025, 6, 1))
    assert Activity.objects.filter(user=person).exists()

    apply_recipe(person, "on_track", today=date(2025, 6, 1))  # a reseed replaces the records

    assert not Activity.history.filter(user_id=person.pk, history_type="-").exists()
