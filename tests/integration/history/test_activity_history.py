"""The change history of an activity: who changed what and when, and whether the change came
after the cycle the activity counts in had ended."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView
from simple_history.middleware import HistoryRequestMiddleware

from ceutrack.accounts.models import User
from ceutrack.activities.history import (
    Action,
    CycleRef,
    FieldChange,
    activity_history,
)
from ceutrack.activities.models import Activity
from tests.factories import ActivityFactory, CredentialFactory, OfficialCycleFactory, UserFactory

pytestmark = pytest.mark.django_db

CYCLE_END = date(2027, 1, 31)


@pytest.fixture
def coder(client):
    user = UserFactory(full_name="Zoë Ramírez")
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    # Official dates keep the cycle obvious: the activity below counts in it.
    OfficialCycleFactory(user=user, start=date(2025, 2, 1), end=CYCLE_END)
    client.force_login(user)
    return user


def _edit(client, activity, **changes):
    data = {
        "title": activity.title,
        "provider": activity.provider,
        "completed_on": activity.completed_on.isoformat(),
        "units": str(activity.units),
        "kind": activity.kind,
        "aapc": "on",
        "aapc_index": activity.aapc_index,
        "topic": "",
        "ahima_domain": "on",
        "notes": activity.notes,
    }
    data.update(changes)
    client.force_login(activity.user)  # a fresh session on whatever day the test moved to
    response = client.post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("activities:list")


def test_it_records_an_edit_through_the_page_with_who_and_each_field_from_and_to(
    client, coder, time_machine
):
    time_machine.move_to(datetime(2025, 4, 1, 12, tzinfo=UTC), tick=False)
    activity = ActivityFactory(user=coder, title="E/M update", units=Decimal("1.5"))
    time_machine.move_to(datetime(2025, 4, 2, 9, 30, tzinfo=UTC), tick=False)

    _edit(client, activity, title="E/M documentation update", units="2")

    newest, created = activity_history(Activity.objects.get(pk=activity.pk))
    assert newest.action == Action.CHANGED
    assert (newest.by, newest.by_you) == ("you", True)
    assert newest.at == datetime(2025, 4, 2, 9, 30, tzinfo=UTC)
    assert newest.changes == (
        FieldChange("title", "Title", "E/M update", "E/M documentation update"),
        FieldChange("units", "CEUs", "1.5", "2"),
    )
    assert newest.after_cycle_end == ()
    assert created.action == Action.CREATED
    assert created.by == "not recorded"  # a factory, like a script, has no request


class BearerForTests(BaseAuthentication):
    """Stands in for the API's token authentication: the user comes from a header."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Bearer "):
            return None
        return User.objects.get(email=header.removeprefix("Bearer ")), None


class RenameView(APIView):
    authentication_classes = [BearerForTests]
    permission_classes = [IsAuthenticated]

    def patch(self, request, pk):
        activity = Activity.objects.get(pk=pk, user=request.user)
        activity.provider = request.data["provider"]
        activity.save()
        return Response({"ok": True})


def test_it_records_the_user_of_a_save_made_by_a_token_authenticated_api_request(coder):
    activity = ActivityFactory(user=coder, provider="AAPC")
    request = APIRequestFactory().patch(
        "/api/v1/activities/",
        {"provider": "AHIMA"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {coder.email}",
    )
    # No session: the middleware sees an anonymous user until DRF authenticates the token.
    request.user = AnonymousUser()

    view = RenameView.as_view()
    response = HistoryRequestMiddleware(lambda r: view(r, pk=activity.pk))(request)

    assert response.status_code == 200
    newest = activity_history(activity)[0]
    assert (newest.action, newest.by) == (Action.CHANGED, "you")
    assert newest.changes == (FieldChange("provider", "Provider", "AAPC", "AHIMA"),)


def test_it_names_the_person_who_changed_it_when_someone_else_looks(coder):
    manager = UserFactory(full_name="Morgan Lee")
    activity = ActivityFactory(user=coder)
    activity.title = "Renamed"
    activity.save()

    entry = activity_history(activity, viewer=manager)[0]
    assert entry.by == "not recorded"
    activity._history_user = coder
    activity.save()  # a save with no change is still a recorded save
    entry = activity_history(activity, viewer=manager)[0]
    assert (entry.by, entry.by_you, entry.changes) == ("Zoë Ramírez", False, ())


def test_it_flags_an_edit_made_after_the_cycle_the_activity_counts_in_had_ended(
    client, coder, time_machine
):
    time_machine.move_to(datetime(2025, 4, 1, 12, tzinfo=UTC), tick=False)
    activity = ActivityFactory(user=coder, completed_on=date(2025, 3, 15))
    time_machine.move_to(datetime(2027, 1, 31, 23, tzinfo=UTC), tick=False)
    _edit(client, activity, provider="Chapter 12")
    time_machine.move_to(datetime(2027, 2, 1, 8, tzinfo=UTC), tick=False)
    _edit(client, activity, provider="Local chapter 12")

    late, on_last_day, created = activity_history(activity)
    assert late.after_cycle_end == (CycleRef("AAPC", CYCLE_END),)
    assert late.flagged
    assert not on_last_day.flagged
    assert not created.flagged


def test_it_judges_the_end_of_the_cycle_on_the_coders_own_calendar(client, coder, time_machine):
    coder.time_zone = "America/Los_Angeles"
    coder.save()
    activity = ActivityFactory(user=coder, completed_on=date(2025, 3, 15))
    # 03:00 UTC on Feb 1 is still Jan 31 in Los Angeles: inside the cycle.
    time_machine.move_to(datetime(2027, 2, 1, 3, tzinfo=UTC), tick=False)
    _edit(client, activity, provider="Chapter 12")

    assert not activity_history(activity)[0].flagged


def test_it_keeps_the_certificate_as_a_name_not_the_file(coder):
    field = Activity.history.model._meta.get_field("certificate")
    assert field.get_internal_type() in {"TextField", "CharField"}
    activity = ActivityFactory(user=coder)
    activity.certificate.name = "certificates/abc.pdf"
    activity.certificate_name = "my certificate.pdf"
    activity.save()

    change = activity_history(activity)[0].changes
    assert FieldChange("certificate", "Certificate", "none", "attached") in change
    assert FieldChange("certificate_name", "Certificate file name", "—", "my certificate.pdf") in (
        change
    )


def test_it_says_a_certificate_was_replaced_without_naming_the_stored_files(coder):
    activity = ActivityFactory(user=coder)
    activity.certificate.name = "certificates/first.pdf"
    activity.save()
    activity.certificate.name = "certificates/second.pdf"
    activity.save()

    (change,) = activity_history(activity)[0].changes
    assert change == FieldChange("certificate", "Certificate", "attached", "replaced")


def test_it_serialises_an_entry_to_json_ready_values(coder):
    activity = ActivityFactory(user=coder, title="<b>Coding</b>")
    data = activity_history(activity)[0].as_json()

    assert data["action"] == "created"
    assert data["record_kind"] == "activity"
    assert data["record_id"] == activity.pk
    assert {"field": "title", "label": "Title", "old": "", "new": "<b>Coding</b>"} in data[
        "changes"
    ]
    assert isinstance(data["at"], str)
    assert data["after_cycle_end"] == []


def test_it_starts_from_the_history_began_record_of_a_row_that_existed_before(coder):
    activity = ActivityFactory(user=coder, title="Before the upgrade")
    record = activity.history.get()
    record.history_change_reason = "history began"
    record.save()
    activity.title = "After the upgrade"
    activity.save()

    (entry,) = activity_history(activity)
    assert entry.changes == (
        FieldChange("title", "Title", "Before the upgrade", "After the upgrade"),
    )


def test_it_says_when_the_values_before_a_change_were_never_recorded(coder):
    activity = ActivityFactory(user=coder)
    activity.history.all().delete()  # as for rows bulk-created without history
    activity.title = "Changed"
    activity.save()

    (entry,) = activity_history(activity)
    assert (entry.action, entry.changes, entry.earlier_recorded) == (Action.CHANGED, (), False)


def test_a_removed_account_takes_the_history_of_its_records_with_it(coder):
    activity = ActivityFactory(user=coder)
    activity.delete()
    assert Activity.history.filter(user_id=coder.pk).count() == 2

    coder.delete()

    assert Activity.history.filter(user_id=coder.pk).count() == 0
