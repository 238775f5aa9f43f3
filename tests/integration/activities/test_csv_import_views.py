from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from ceutrack.activities.models import Activity
from ceutrack.activities.records_views import IMPORT_SESSION_KEY
from tests.certificate_files import upload
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "title,provider,completed_on,units,kind,aapc,aapc_index,topic,ahima,ahima_domain,"
    "ahima_sourced,notes"
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _upload(client, text: str | bytes, name="activities.csv"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(reverse("activities:csv_import"), {"file": upload(name, content)})


def _preview(client, text):
    response = _upload(client, text)
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == reverse("activities:csv_preview")
    return client.get(response.url)


def _confirm(client):
    return client.post(reverse("activities:csv_preview"))


def _titles(user):
    return sorted(Activity.objects.filter(user=user).values_list("title", flat=True))


MIXED = "\n".join(
    [
        HEADER,
        "Good webinar,AAPC,2025-03-15,1.5,webinar,yes,A100,,no,yes,no,",
        "Too precise,AAPC,2025-03-16,1.25,webinar,yes,A101,,no,yes,no,",
        "From the future,AAPC,2025-12-01,1,webinar,yes,A102,,no,yes,no,",
        ",AAPC,2025-03-17,1,webinar,yes,A103,,no,yes,no,",
        "Bad date,AAPC,31/31/2025,1,webinar,yes,A104,,no,yes,no,",
        "Odd flag,AAPC,2025-03-18,1,webinar,maybe,A105,,no,yes,no,",
        "Too few cells,AAPC",
        "Unknown kind,AAPC,2025-03-19,1,lecture,yes,A106,,no,yes,no,",
        "Good seminar,Local chapter,2025-04-02,2,seminar,no,,,yes,yes,yes,Spring meeting",
    ]
)


def test_the_preview_shows_each_row_with_the_forms_verdict_and_saves_nothing(client, user):
    page = _preview(client, MIXED).content.decode()
    assert "<strong>2</strong> rows ready to import" in page
    assert "<strong>7</strong> will be skipped" in page
    assert "Units come in steps of 0.5 (60 minutes = 1 unit); 1.25 is not one." in page
    assert "The completion date is in the future." in page
    assert "Title: This field is required." in page
    assert "Enter a valid date." in page
    assert "aapc: “maybe” is not yes or no." in page
    assert "Select a valid choice. lecture is not one of the available choices." in page
    assert Activity.objects.count() == 0


def test_confirming_imports_only_the_valid_rows_and_says_what_was_skipped(client, user):
    _preview(client, MIXED)
    page = _confirm(client).content.decode()
    assert _titles(user) == ["Good seminar", "Good webinar"]
    assert "2 activities imported" in page
    assert "7 rows skipped" in page
    assert "Row 3 (Too precise): Invalid: Units (CEUs): Units come in steps of 0.5" in page
    assert "Row 8 (Too few cells): Invalid" in page
    seminar = Activity.objects.get(title="Good seminar")
    assert (seminar.aapc, seminar.ahima, seminar.ahima_sourced) == (False, True, True)
    assert seminar.notes == "Spring meeting"
    assert IMPORT_SESSION_KEY not in client.session


def test_importing_the_same_file_again_creates_no_duplicates(client, user):
    _preview(client, MIXED)
    _confirm(client)
    page = _preview(client, MIXED).content.decode()
    assert "Already logged: same title, provider, date and units." in page
    _confirm(client)
    assert _titles(user) == ["Good seminar", "Good webinar"]


def test_a_row_already_logged_by_hand_is_skipped(client, user):
    ActivityFactory(
        user=user,
        title="good  WEBINAR",
        provider="aapc",
        completed_on=date(2025, 3, 15),
        units=Decimal("1.5"),
    )
    page = _preview(client, MIXED).content.decode()
    assert page.count("Already logged:") == 1


def test_a_row_repeated_within_the_file_is_imported_once(client, user):
    row = "Good webinar,AAPC,2025-03-15,1.5,webinar,yes,A100,,no,yes,no,"
    _preview(client, "\n".join([HEADER, row, row]))
    page = _confirm(client).content.decode()
    assert "Repeated in this file" in page
    assert _titles(user) == ["Good webinar"]


def test_it_copes_with_what_spreadsheet_programs_write(client, user):
    excel = (
        "\ufefftitle;provider;completed_on;units;aapc;aapc_index\r\n"
        "Risk adjustment;AAPC;3/5/2025;1,5;yes;R-1\r\n"
        "E/M basics;AAPC;12/31/2024;2;TRUE;R-2\r\n"
        ";;;;;\r\n"
        "\r\n"
    ).encode()
    _preview(client, excel)
    _confirm(client)
    imported = {a.title: a for a in Activity.objects.filter(user=user)}
    assert imported["Risk adjustment"].completed_on == date(2025, 3, 5)
    assert imported["Risk adjustment"].units == Decimal("1.5")
    assert imported["E/M basics"].completed_on == date(2024, 12, 31)
    assert imported["E/M basics"].aapc is True
    assert imported["E/M basics"].kind == "other"
    assert imported["E/M basics"].ahima_domain is True


def test_a_file_without_the_required_columns_is_refused_with_the_header_to_use(client, user):
    response = _upload(client, "name,date\nWebinar,2025-03-01\n")
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert "The header row lacks title, units." in errors[0]
    assert IMPORT_SESSION_KEY not in client.session


def test_an_empty_file_is_refused(client, user):
    response = _upload(client, HEADER + "\n\n")
    assert response.context["form"].errors["file"] == ["The file has a header but no rows."]


def test_the_preview_without_an_upload_sends_the_person_to_upload(client, user):
    response = client.post(reverse("activities:csv_preview"), {"title": "Injected", "units": "40"})
    assert response.url == reverse("activities:csv_import")
    assert Activity.objects.count() == 0


def test_cancelling_forgets_the_upload(client, user):
    _preview(client, MIXED)
    client.post(reverse("activities:csv_cancel"))
    assert IMPORT_SESSION_KEY not in client.session
    assert Activity.objects.count() == 0


def test_the_uploaded_rows_belong_to_the_uploaders_session(client, user):
    _preview(client, MIXED)
    other = UserFactory()
    client.force_login(other)  # a new session: the rows stay with the first one
    response = _confirm(client)
    assert response.url == reverse("activities:csv_import")
    assert Activity.objects.count() == 0


def test_the_template_is_a_valid_import(client, user):
    template = client.get(reverse("activities:csv_template"))
    assert template["Content-Disposition"].startswith("attachment;")
    assert template.content.decode().splitlines()[0] == HEADER
    _preview(client, template.content)
    _confirm(client)
    assert _titles(user) == ["E/M coding update"]


def test_the_import_page_documents_every_column(client, user):
    page = client.get(reverse("activities:csv_import")).content.decode()
    for column in HEADER.split(","):
        assert f"<code>{column}</code>" in page


def test_importing_needs_a_login(client):
    response = client.get(reverse("activities:csv_import"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    "bad_row",
    [
        "NaN units,AAPC,2025-03-01,NaN",
        "Huge units,AAPC,2025-03-01,1e400",
        "Zero units,AAPC,2025-03-01,0",
        "Year one,AAPC,0/0/0,1",
        "x" * 300 + ",AAPC,2025-03-01,1",
        "Long index,AAPC,2025-03-01,1,webinar,yes," + "9" * 40,
        "Unknown topic,AAPC,2025-03-01,1,webinar,yes,A1,underwater_basket_weaving",
    ],
)
def test_a_malformed_row_never_stops_the_others(client, user, bad_row):
    good = "Good webinar,AAPC,2025-03-15,1.5,webinar,yes,A100,,no,yes,no,"
    _preview(client, "\n".join([HEADER, bad_row, good]))
    _confirm(client)
    assert _titles(user) == ["Good webinar"]


def test_a_file_the_csv_reader_chokes_on_is_refused_not_crashed(client, user):
    giant = "title,completed_on,units\n" + '"' + "x" * 200_000 + '",2025-03-01,1\n'
    response = _upload(client, giant)
    assert response.status_code == 200
    assert "can't be read as CSV" in response.context["form"].errors["file"][0]
