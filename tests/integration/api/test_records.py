"""Credentials, official cycles, activities and certificates through the API: the pages' forms
validate (same messages, as 400 field errors), filters as on the list page, pagination."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Credential, OfficialCycle
from ceutrack.reminders.models import ReminderPreferences
from tests.certificate_files import pdf_bytes, png_bytes
from tests.factories import ActivityFactory, CredentialFactory, OfficialCycleFactory

pytestmark = pytest.mark.django_db

ACTIVITIES = reverse("api:activity_list")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


def activity_json(**overrides):
    return {
        "title": "E/M documentation update",
        "provider": "AAPC",
        "completed_on": "2025-03-15",
        "units": "1.5",
        "kind": "webinar",
        "aapc": True,
        "aapc_index": "A123",
    } | overrides


def test_it_logs_an_activity_and_says_where_it_counts(api, coder):
    CredentialFactory(user=coder, earned_on=date(2023, 1, 10))

    answer = api.post(ACTIVITIES, activity_json(), format="json")

    assert answer.status_code == 201
    body = answer.json()
    activity = Activity.objects.get(user=coder)
    assert body["id"] == activity.pk and body["units"] == "1.5"
    assert activity.ahima_domain is True  # the model's default when not sent
    assert body["counting"] == [
        {"text": "Counts toward the AAPC cycle 1 Feb 2025 \u2013 31 Jan 2027", "counted": True}
    ]
    assert body["warnings"] == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"completed_on": "2025-07-01"}, "completed_on", "The completion date is in the future"),
        ({"units": "1.25"}, "units", "Units come in steps of 0.5"),
        ({"units": "41"}, "units", "at most 40"),
        ({"title": ""}, "title", "This field is required."),
        ({"kind": "party"}, "kind", "is not a valid choice"),
        ({"completed_on": "15/03/2025"}, "completed_on", "Date has wrong format"),
        ({"aapc": "maybe"}, "aapc", "Must be a valid boolean."),
    ],
)
def test_it_refuses_what_the_page_refuses_with_the_fields_message(
    api, coder, overrides, field, message
):
    answer = api.post(ACTIVITIES, activity_json(**overrides), format="json")

    assert answer.status_code == 400
    body = answer.json()
    assert body["detail"] == "The request has invalid fields."
    assert message in " ".join(body["errors"][field])
    assert not Activity.objects.filter(user=coder).exists()


def test_it_warns_about_a_likely_duplicate_but_logs_it(api, coder):
    api.post(ACTIVITIES, activity_json(), format="json")

    again = api.post(ACTIVITIES, activity_json(), format="json")

    assert again.status_code == 201
    assert "already logged" in " ".join(again.json()["warnings"])


def test_patch_changes_only_the_fields_sent(api, coder):
    activity = ActivityFactory(user=coder, title="Old", units=Decimal(2), ahima=True)

    answer = api.patch(
        reverse("api:activity_detail", args=[activity.pk]), {"title": "New"}, format="json"
    )

    assert answer.status_code == 200
    activity.refresh_from_db()
    assert (activity.title, activity.units, activity.ahima) == ("New", Decimal(2), True)


def test_delete_removes_the_activity(api, coder):
    activity = ActivityFactory(user=coder)

    assert api.delete(reverse("api:activity_detail", args=[activity.pk])).status_code == 204
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_the_list_filters_like_the_list_page_and_paginates(api, coder):
    CredentialFactory(user=coder, earned_on=date(2023, 1, 10))
    ActivityFactory(user=coder, title="Audit basics", completed_on=date(2025, 3, 1))
    ActivityFactory(user=coder, title="Coding clinic", completed_on=date(2024, 3, 1))
    ActivityFactory(user=coder, title="AHIMA only", aapc=False, ahima=True)
    for n in range(30):
        ActivityFactory(user=coder, title=f"Webinar {n}", completed_on=date(2023, 6, 1))

    searched = api.get(ACTIVITIES, {"q": "audit"}).json()
    cycle = api.get(ACTIVITIES, {"cycle": "AAPC:2025-02-01:2027-01-31"}).json()
    first = api.get(ACTIVITIES).json()
    second = api.get(ACTIVITIES, {"page": 2}).json()
    oldest = api.get(ACTIVITIES, {"sort": "oldest", "page_size": 1}).json()

    assert [a["title"] for a in searched["results"]] == ["Audit basics"]
    assert [a["title"] for a in cycle["results"]] == ["Audit basics"]
    assert [a["title"] for a in api.get(ACTIVITIES, {"body": "AHIMA"}).json()["results"]] == [
        "AHIMA only"
    ]
    assert first["count"] == 33 and len(first["results"]) == 25 and first["next"]
    assert len(second["results"]) == 8 and second["next"] is None
    assert oldest["results"][0]["completed_on"] == "2023-06-01"


def test_a_bad_filter_is_a_400_and_a_page_past_the_end_a_404(api, coder):
    assert api.get(ACTIVITIES, {"kind": "party"}).status_code == 400
    assert api.get(ACTIVITIES, {"page": 9}).status_code == 404


def test_a_certificate_is_uploaded_checked_downloaded_and_removed(api, coder):
    activity = ActivityFactory(user=coder)
    url = reverse("api:activity_certificate", args=[activity.pk])

    uploaded = api.put(
        url, {"certificate_file": SimpleUploadedFile("cert.pdf", pdf_bytes())}, format="multipart"
    )
    assert uploaded.status_code == 200
    assert uploaded.json()["has_certificate"] is True
    assert uploaded.json()["certificate_url"].endswith(url)
    download = api.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    assert api.delete(url).json()["has_certificate"] is False
    assert api.get(url).status_code == 404


def test_a_certificate_upload_gets_the_pages_checks(api, coder, settings):
    activity = ActivityFactory(user=coder)
    url = reverse("api:activity_certificate", args=[activity.pk])

    mismatch = api.put(
        url, {"certificate_file": SimpleUploadedFile("cert.pdf", png_bytes())}, format="multipart"
    )
    settings.CERTIFICATE_MAX_BYTES = 100
    too_large = api.put(
        url, {"certificate_file": SimpleUploadedFile("c.pdf", pdf_bytes())}, format="multipart"
    )
    missing = api.put(url, {}, format="multipart")

    assert mismatch.status_code == missing.status_code == 400
    assert "PNG image" in mismatch.json()["errors"]["certificate_file"][0]
    assert list(missing.json()["errors"]) == ["certificate_file"]
    # Refused while the stream arrives, before the file is read whole (as on the pages).
    assert too_large.status_code == 413
    assert "larger than" in too_large.json()["detail"]
    activity.refresh_from_db()
    assert not activity.certificate


def test_an_upload_whose_declared_length_is_already_too_large_is_refused_unread(
    api, coder, settings
):
    settings.CERTIFICATE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * (400 * 1024))

    answer = api.post(ACTIVITIES, activity_json() | {"certificate_file": big}, format="multipart")

    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]
    assert not Activity.objects.filter(user=coder).exists()


def test_an_activity_can_be_logged_with_its_certificate_in_one_multipart_request(api, coder):
    data = activity_json(aapc="true") | {
        "certificate_file": SimpleUploadedFile("cert.pdf", pdf_bytes())
    }

    answer = api.post(ACTIVITIES, data, format="multipart")

    assert answer.status_code == 201
    assert Activity.objects.get(user=coder).certificate_name == "cert.pdf"


def test_credentials_are_added_by_code_with_the_forms_rules(api, coder):
    url = reverse("api:credential_list")

    added = api.post(url, {"code": "cpc", "earned_on": "2023-01-10"}, format="json")
    again = api.post(url, {"code": "CPC", "earned_on": "2023-01-10"}, format="json")
    apprentice = api.post(url, {"code": "CPC-A", "earned_on": "2023-01-10"}, format="json")
    future = api.post(url, {"code": "CCS", "earned_on": "2025-07-01"}, format="json")
    unknown = api.post(url, {"code": "XYZ", "earned_on": "2023-01-10"}, format="json")

    assert added.status_code == 201 and added.json()["code"] == "CPC"
    assert again.json()["errors"] == {"code": ["You already hold CPC."]}
    assert "apprentice variant" in again.json()["errors"]["code"][0] or apprentice.status_code
    assert "apprentice variant" in apprentice.json()["errors"]["code"][0]
    assert "in the future" in future.json()["errors"]["earned_on"][0]
    assert unknown.json()["errors"] == {"code": ["XYZ is not in the credential catalog."]}
    assert Credential.objects.filter(user=coder).count() == 1
    assert api.get(url).json()[0]["code"] == "CPC"


def test_a_credential_is_edited_and_removed(api, coder):
    credential = CredentialFactory(user=coder, earned_on=date(2023, 1, 10))
    url = reverse("api:credential_detail", args=[credential.pk])

    edited = api.patch(url, {"earned_on": "2022-05-01"}, format="json")

    assert edited.json()["earned_on"] == "2022-05-01" and edited.json()["code"] == "CPC"
    assert api.delete(url).status_code == 204
    assert not Credential.objects.filter(pk=credential.pk).exists()


def test_official_cycles_get_the_forms_checks(api, coder):
    url = reverse("api:cycle_list")
    cycle = {"body": "AAPC", "start": "2025-02-01", "end": "2027-01-31"}

    added = api.post(url, cycle, format="json")
    overlap = api.post(url, cycle | {"start": "2026-01-01"}, format="json")
    backwards = api.post(url, cycle | {"end": "2024-01-01"}, format="json")
    zero = api.post(url, cycle | {"body": "AHIMA", "required": "0"}, format="json")

    assert added.status_code == 201 and added.json()["required"] is None
    assert "overlap" in overlap.json()["errors"]["non_field_errors"][0]
    assert "ends before it starts" in backwards.json()["errors"]["end"][0]
    assert "more than 0" in zero.json()["errors"]["required"][0]
    assert OfficialCycle.objects.filter(user=coder).count() == 1
    detail = reverse("api:cycle_detail", args=[added.json()["id"]])
    assert api.patch(detail, {"required": "30"}, format="json").json()["required"] == "30.0"


def test_me_shows_and_changes_the_profile_with_the_forms_checks(api, coder):
    url = reverse("api:me")

    changed = api.patch(
        url, {"time_zone": "America/Chicago", "aapc_membership_month": 3}, format="json"
    )
    bad_zone = api.patch(url, {"time_zone": "Mars/Olympus"}, format="json")

    assert changed.status_code == 200
    assert changed.json()["time_zone"] == "America/Chicago"
    assert changed.json()["aapc_membership_month"] == 3
    assert list(bad_zone.json()["errors"]) == ["time_zone"]


def test_reminder_preferences_are_read_and_changed(api, coder):
    url = reverse("api:reminder_preferences")
    assert api.get(url).json()["due_30"] is True

    answer = api.patch(url, {"due_30": False}, format="json")

    assert answer.json()["due_30"] is False and answer.json()["due_7"] is True
    assert ReminderPreferences.for_user(coder).due_30 is False


def test_the_catalog_lists_credential_types(api):
    codes = {t["code"] for t in api.get(reverse("api:credential_types")).json()}

    assert {"CPC", "CCS", "RHIT"} <= codes


def test_another_persons_cycle_is_a_404(api):
    other = OfficialCycleFactory()

    assert api.get(reverse("api:cycle_detail", args=[other.pk])).status_code == 404
