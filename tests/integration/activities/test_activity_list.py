import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceutrack.activities.models import Kind
from ceutrack.credentials.models import OfficialCycle
from tests.factories import ActivityFactory, CredentialFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def coder(user):
    """A CPC certified 10 Jan 2023: cycles end 31 Jan 2025 and 31 Jan 2027."""
    CredentialFactory(
        user=user, credential_type=credential_type("CPC"), earned_on=date(2023, 1, 10)
    )
    return user


def _page(client, **params):
    response = client.get(reverse("activities:list"), params)
    assert response.status_code == 200
    return response


def _titles(response):
    return [row.activity.title for row in response.context["rows"]]


def _notes(response, title):
    row = next(r for r in response.context["rows"] if r.activity.title == title)
    return [note.text for note in row.notes]


def test_it_tells_a_new_user_to_log_a_first_activity(client, user):
    page = _page(client).content.decode()
    assert "No activities yet" in page
    assert "Log your first activity" in page


def test_it_lists_only_the_users_own_activities_newest_first(client, coder):
    ActivityFactory(user=coder, title="Older", completed_on=date(2025, 2, 1))
    ActivityFactory(user=coder, title="Newer", completed_on=date(2025, 5, 1))
    ActivityFactory(title="Someone else's")
    assert _titles(_page(client)) == ["Newer", "Older"]


def test_it_sorts_oldest_first_on_request(client, coder):
    ActivityFactory(user=coder, title="Older", completed_on=date(2025, 2, 1))
    ActivityFactory(user=coder, title="Newer", completed_on=date(2025, 5, 1))
    assert _titles(_page(client, sort="oldest")) == ["Older", "Newer"]


def test_it_says_which_cycle_an_activity_counts_toward(client, coder):
    ActivityFactory(user=coder, title="E/M update", completed_on=date(2025, 3, 15))
    response = _page(client)
    assert _notes(response, "E/M update") == ["Counts toward AAPC cycle ending 31 Jan 2027"]
    assert "Counts toward AAPC cycle ending 31 Jan 2027" in response.content.decode()


def test_it_says_a_repeated_entry_is_a_duplicate(client, coder):
    ActivityFactory(user=coder, title="Coding clinic", provider="AAPC", aapc_index="")
    ActivityFactory(user=coder, title="coding  CLINIC", provider="aapc", aapc_index="")
    response = _page(client, sort="oldest")
    notes = [[n.text for n in row.notes] for row in response.context["rows"]]
    assert notes == [
        ["Counts toward AAPC cycle ending 31 Jan 2027"],
        ["Duplicate of an earlier entry (not counted for AAPC)"],
    ]


def test_it_says_an_activity_before_certification_does_not_count(client, coder):
    ActivityFactory(user=coder, title="Exam prep", completed_on=date(2022, 11, 1))
    assert _notes(_page(client), "Exam prep") == ["Before your first AAPC certification"]


def test_it_says_an_activity_outside_every_cycle_does_not_count(client, coder):
    OfficialCycle.objects.create(
        user=coder, body="AAPC", start=date(2025, 2, 1), end=date(2027, 1, 31)
    )
    ActivityFactory(user=coder, title="Old course", completed_on=date(2024, 6, 1))
    assert _notes(_page(client), "Old course") == ["Outside every cycle (not counted for AAPC)"]


def test_it_says_an_activity_reported_to_no_body_does_not_count(client, coder):
    ActivityFactory(user=coder, title="Reading", aapc=False, ahima=False)
    assert _notes(_page(client), "Reading") == ["Not reported to any body"]


def test_it_says_when_the_user_holds_no_credential_of_the_body(client, coder):
    ActivityFactory(user=coder, title="AHIMA webinar", aapc=False, ahima=True)
    assert _notes(_page(client), "AHIMA webinar") == [
        "You hold no AHIMA credential to count it toward"
    ]


def test_it_lists_one_verdict_per_body(client, coder):
    CredentialFactory(
        user=coder, credential_type=credential_type("CCS"), earned_on=date(2024, 5, 2)
    )
    ActivityFactory(user=coder, title="Both", ahima=True, completed_on=date(2025, 3, 15))
    assert _notes(_page(client), "Both") == [
        "Counts toward AAPC cycle ending 31 Jan 2027",
        "Counts toward AHIMA cycle ending 1 May 2026",
    ]


def test_it_filters_by_body(client, coder):
    ActivityFactory(user=coder, title="AAPC only", aapc=True, ahima=False)
    ActivityFactory(user=coder, title="AHIMA only", aapc=False, ahima=True)
    assert _titles(_page(client, body="AHIMA")) == ["AHIMA only"]
    assert _titles(_page(client, body="AAPC")) == ["AAPC only"]


def test_it_filters_by_kind(client, coder):
    ActivityFactory(user=coder, title="A webinar", kind=Kind.WEBINAR)
    ActivityFactory(user=coder, title="A seminar", kind=Kind.SEMINAR)
    assert _titles(_page(client, kind="seminar")) == ["A seminar"]


@pytest.mark.parametrize("text", ["modifier", "Coastal", "IDX-77", "chapter 9"])
def test_it_searches_title_provider_index_and_notes(client, coder, text):
    ActivityFactory(
        user=coder,
        title="Modifier 25 deep dive",
        provider="Coastal chapter",
        aapc_index="idx-77",
        notes="Covers chapter 9",
    )
    ActivityFactory(user=coder, title="Unrelated", provider="AAPC", aapc_index="Z1", notes="")
    assert _titles(_page(client, q=text)) == ["Modifier 25 deep dive"]


def test_it_filters_by_an_evaluated_cycle(client, coder):
    ActivityFactory(user=coder, title="First cycle", completed_on=date(2024, 4, 1))
    ActivityFactory(user=coder, title="Second cycle", completed_on=date(2025, 4, 1))
    response = _page(client)
    choices = dict(response.context["form"].fields["cycle"].choices)
    assert choices == {
        "": "Any cycle",
        "AAPC:2025-02-01:2027-01-31": "AAPC 1 Feb 2025 to 31 Jan 2027 (in progress)",
        "AAPC:2023-01-10:2025-01-31": "AAPC 10 Jan 2023 to 31 Jan 2025 (current)",
    }
    filtered = _page(client, cycle="AAPC:2023-01-10:2025-01-31")
    assert _titles(filtered) == ["First cycle"]
    assert "1.5 of 36 units counted" in filtered.content.decode()


def test_it_ignores_a_cycle_the_engine_did_not_produce_but_keeps_other_filters(client, coder):
    ActivityFactory(user=coder, title="Kept", kind=Kind.SEMINAR)
    ActivityFactory(user=coder, title="Other kind", kind=Kind.WEBINAR)
    response = _page(client, cycle="AAPC:2000-01-01:2030-01-01", kind="seminar")
    assert _titles(response) == ["Kept"]
    assert "cycle" in response.context["form"].errors


def test_it_paginates_25_per_page_and_keeps_filters_in_page_links(client, coder):
    first = date(2025, 1, 1)
    for day in range(30):
        ActivityFactory(user=coder, kind=Kind.SEMINAR, completed_on=first + timedelta(days=day))
    ActivityFactory(user=coder, kind=Kind.WEBINAR)
    response = _page(client, kind="seminar")
    assert len(response.context["rows"]) == 25
    page = response.content.decode()
    assert "Page 1 of 2" in page
    assert re.search(r'href="\?kind=seminar&amp;page=2"', page)
    second = _page(client, kind="seminar", page="2")
    assert len(second.context["rows"]) == 5
    assert "30 activities match your filters" in second.content.decode()


def test_it_says_when_no_activity_matches_the_filters(client, coder):
    ActivityFactory(user=coder, title="Something")
    page = _page(client, q="nothing like this").content.decode()
    assert "No activities match these filters" in page
    assert "Log your first activity" not in page


def test_it_shows_units_as_stored(client, coder):
    ActivityFactory(user=coder, title="Half", units=Decimal("0.5"))
    assert ">0.5<" in _page(client).content.decode()


def test_it_runs_the_same_number_of_queries_for_10_and_100_activities(client, coder):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(client)
        return len(captured)

    ActivityFactory.create_batch(10, user=coder)
    with_ten = queries_for_list()
    ActivityFactory.create_batch(90, user=coder)
    assert queries_for_list() == with_ten
