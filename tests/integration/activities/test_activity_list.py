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

CYCLE_2027 = "Counts toward the AAPC cycle 1 Feb 2025 \u2013 31 Jan 2027"


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
    assert _notes(response, "E/M update") == [CYCLE_2027]
    assert CYCLE_2027 in response.content.decode()


def test_it_says_a_repeated_entry_is_a_duplicate_of_which_entry(client, coder):
    ActivityFactory(
        user=coder,
        title="Coding clinic",
        provider="AAPC",
        aapc_index="",
        completed_on=date(2025, 3, 1),
    )
    ActivityFactory(
        user=coder,
        title="coding  CLINIC",
        provider="aapc",
        aapc_index="",
        completed_on=date(2025, 3, 1),
    )
    response = _page(client, sort="oldest")
    notes = [[n.text for n in row.notes] for row in response.context["rows"]]
    assert notes == [
        [CYCLE_2027],
        ["Not counted for AAPC: duplicate of “Coding clinic” of 1 Mar 2025"],
    ]


def test_it_names_the_original_of_a_duplicate_on_another_page(client, coder):
    original = ActivityFactory(user=coder, title="Original", aapc_index="IDX-9")
    for n in range(30):
        ActivityFactory(user=coder, title=f"Filler {n}", completed_on=date(2025, 6, 1))
    ActivityFactory(user=coder, title="Again", aapc_index="IDX-9", completed_on=date(2025, 6, 2))
    [note] = _notes(_page(client), "Again")
    assert note == (
        f"Not counted for AAPC: duplicate of “Original” of "
        f"{original.completed_on.day} {original.completed_on:%b %Y}"
    )


def test_it_says_a_renewal_month_activity_was_carried_to_the_next_cycle(client, coder):
    ActivityFactory(user=coder, title="Base", units=Decimal(36), completed_on=date(2024, 6, 1))
    ActivityFactory(user=coder, title="Late", units=Decimal(2), completed_on=date(2025, 1, 28))
    assert _notes(_page(client), "Late") == [
        f"{CYCLE_2027} — carried from the renewal month of the cycle ending 31 Jan 2025, "
        "which was already complete"
    ]


def test_a_cycle_lists_what_the_engine_counted_in_it_and_what_is_dated_in_it(client, coder):
    ActivityFactory(user=coder, title="Base", units=Decimal(36), completed_on=date(2024, 6, 1))
    ActivityFactory(user=coder, title="Late", units=Decimal(2), completed_on=date(2025, 1, 28))
    ActivityFactory(user=coder, title="This cycle", completed_on=date(2025, 3, 1))
    closing = _page(client, cycle="AAPC:2023-01-10:2025-01-31")
    current = _page(client, cycle="AAPC:2025-02-01:2027-01-31")
    assert _titles(closing) == ["Late", "Base"]  # dated there, carried forward
    assert _titles(current) == ["This cycle", "Late"]  # counted there
    assert "3.5 of 36 units counted" in current.content.decode()


def test_it_says_an_activity_before_certification_does_not_count(client, coder):
    ActivityFactory(user=coder, title="Exam prep", completed_on=date(2022, 11, 1))
    assert _notes(_page(client), "Exam prep") == [
        "Not counted for AAPC: completed before your first AAPC certification"
    ]


def test_it_says_an_activity_outside_every_cycle_does_not_count(client, coder):
    OfficialCycle.objects.create(
        user=coder, body="AAPC", start=date(2025, 2, 1), end=date(2027, 1, 31)
    )
    ActivityFactory(user=coder, title="Old course", completed_on=date(2024, 6, 1))
    assert _notes(_page(client), "Old course") == [
        "Not counted for AAPC: outside every AAPC cycle (before or between your official cycles)"
    ]


def test_it_says_an_activity_not_marked_for_a_body_held_does_not_count_for_it(client, coder):
    ActivityFactory(user=coder, title="Reading", aapc=False, ahima=False)
    assert _notes(_page(client), "Reading") == ["Not counted for AAPC: not marked AAPC-approved"]


def test_it_says_an_activity_reported_to_no_body_by_someone_without_credentials(client, user):
    ActivityFactory(user=user, title="Reading", aapc=False, ahima=False)
    assert _notes(_page(client), "Reading") == ["Not reported to any certifying body"]


def test_it_says_how_many_units_of_an_activity_are_over_the_non_domain_cap(client, user):
    # CCS since 2024-05-02: 20 units required, non-domain units count up to 4.
    CredentialFactory(user=user, credential_type=credential_type("CCS"), earned_on=date(2024, 5, 2))
    for title, units in (("Domain", 10), ("Leadership", 3), ("Excel", "2.5")):
        ActivityFactory(
            user=user,
            title=title,
            aapc=False,
            ahima=True,
            ahima_domain=title == "Domain",
            units=Decimal(units),
            completed_on=date(2025, 2, 1 + len(title)),
        )
    cycle = "the AHIMA cycle 2 May 2024 \u2013 1 May 2026"
    page = _page(client)
    # Counted in date order: Excel (6 Feb) fits under the cap, Leadership (11 Feb) only in part.
    assert _notes(page, "Excel") == [f"Counts toward {cycle}"]
    assert _notes(page, "Leadership") == [
        f"1.5 of 3 units count toward {cycle}; the other 1.5 are over "
        "the 20 % cap on non-domain units"
    ]


def test_it_says_when_the_user_holds_no_credential_of_the_body(client, coder):
    ActivityFactory(user=coder, title="AHIMA webinar", aapc=False, ahima=True)
    assert _notes(_page(client), "AHIMA webinar") == [
        "Not counted for AHIMA: you hold no AHIMA credential",
        "Not counted for AAPC: not marked AAPC-approved",
    ]


def test_it_lists_one_verdict_per_body(client, coder):
    CredentialFactory(
        user=coder, credential_type=credential_type("CCS"), earned_on=date(2024, 5, 2)
    )
    ActivityFactory(user=coder, title="Both", ahima=True, completed_on=date(2025, 3, 15))
    assert _notes(_page(client), "Both") == [
        CYCLE_2027,
        "Counts toward the AHIMA cycle 2 May 2024 \u2013 1 May 2026",
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
