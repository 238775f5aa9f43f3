import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ceutrack.activities.models import Activity, Kind
from tests.certificate_files import upload
from tests.factories import ActivityFactory, CredentialFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db

FIELDS = (
    "title",
    "provider",
    "completed_on",
    "units",
    "kind",
    "aapc",
    "aapc_index",
    "topic",
    "ahima",
    "ahima_domain",
    "ahima_sourced",
    "notes",
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _varied_record(user):
    CredentialFactory(user=user)
    CredentialFactory(user=user, credential_type=credential_type("CCS"), earned_on=date(2023, 5, 1))
    ActivityFactory(user=user, title="E/M update", completed_on=date(2025, 3, 15))
    ActivityFactory(
        user=user,
        title="Audit basics, part 1",
        provider='The "Audit" Institute',
        completed_on=date(2024, 11, 2),
        units=Decimal("2.5"),
        kind=Kind.SEMINAR,
        topic="auditing",
        notes="Line one\nline two",
    )
    ActivityFactory(
        user=user,
        title="=HYPERLINK(evil)",
        provider="AHIMA",
        completed_on=date(2025, 1, 20),
        units=Decimal(3),
        kind=Kind.AHIMA_MEETING,
        aapc=False,
        aapc_index="",
        ahima=True,
        ahima_domain=False,
        ahima_sourced=True,
    )


def test_it_exports_every_activity_with_the_documented_header(client, user):
    _varied_record(user)
    ActivityFactory(title="Someone else's")
    rows = _rows(client.get(reverse("activities:csv_export")))
    assert tuple(rows[0]) == FIELDS
    assert [r["title"] for r in rows] == [
        "E/M update",
        "'=HYPERLINK(evil)",
        "Audit basics, part 1",
    ]
    ahima = rows[1]
    assert (ahima["aapc"], ahima["ahima"], ahima["ahima_domain"], ahima["ahima_sourced"]) == (
        "no",
        "yes",
        "no",
        "yes",
    )
    assert rows[2]["units"] == "2.5"
    assert rows[2]["completed_on"] == "2024-11-02"


def test_it_exports_only_the_filtered_list(client, user):
    _varied_record(user)
    response = client.get(reverse("activities:csv_export"), {"body": "AHIMA"})
    assert "filtered" in response["Content-Disposition"]
    assert [r["title"] for r in _rows(response)] == ["'=HYPERLINK(evil)"]
    searched = _rows(client.get(reverse("activities:csv_export"), {"q": "audit", "sort": "oldest"}))
    assert [r["title"] for r in searched] == ["Audit basics, part 1"]


def test_the_list_links_to_an_export_of_what_it_shows(client, user):
    _varied_record(user)
    page = client.get(reverse("activities:list"), {"body": "AHIMA"}).content.decode()
    assert f"{reverse('activities:csv_export')}?body=AHIMA" in page
    assert "Export these as CSV" in page


def test_an_export_imported_into_a_fresh_account_gives_the_same_activities(client, user):
    _varied_record(user)
    exported = client.get(reverse("activities:csv_export")).content

    newcomer = UserFactory()
    other = Client()
    other.force_login(newcomer)
    response = other.post(
        reverse("activities:csv_import"), {"file": upload("export.csv", exported)}
    )
    assert response.status_code == 302
    preview = other.get(reverse("activities:csv_preview"))
    assert preview.context["skipped"] == 0
    other.post(reverse("activities:csv_preview"))

    def record(owner):
        return sorted(Activity.objects.filter(user=owner).values_list(*FIELDS))

    assert record(newcomer) == record(user)
    assert len(record(newcomer)) == 3


def test_exporting_needs_a_login(client):
    response = client.get(reverse("activities:csv_export"))
    assert response.status_code == 302
