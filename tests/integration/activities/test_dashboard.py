"""The coder dashboard (signed-in home) and the cycle history pages."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.models import Activity, Kind
from ceutrack.credentials.models import ApprenticeEvidence
from tests.factories import ActivityFactory, CredentialFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db

TODAY = "2025-06-30 12:00Z"


def signed_in(client, user=None):
    user = user or UserFactory()
    client.force_login(user)
    return user


def test_it_shows_the_landing_page_to_visitors(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Your continuing education" not in response.content.decode()


@time_machine.travel(TODAY)
def test_it_asks_a_new_coder_to_add_a_first_credential(client):
    signed_in(client)
    page = client.get(reverse("home")).content.decode()
    assert "Add your first credential" in page
    assert f'href="{reverse("credentials:add")}"' in page
    assert "Log your first activity" not in page


@time_machine.travel(TODAY)
def test_it_asks_a_coder_with_credentials_to_log_a_first_activity(client):
    user = signed_in(client)
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    page = client.get(reverse("home")).content.decode()
    assert "Log your first activity" in page
    assert f'href="{reverse("activities:add")}"' in page
    assert "Add your first credential" not in page


@time_machine.travel(TODAY)
def test_it_shows_the_engine_figures_for_an_aapc_cycle(client):
    user = signed_in(client)
    CredentialFactory(user=user, earned_on=date(2025, 1, 10))
    ActivityFactory(user=user, completed_on=date(2025, 3, 15), units=Decimal(6))
    ActivityFactory(user=user, completed_on=date(2025, 5, 2), units=Decimal(2))

    response = client.get(reverse("home"))

    current = evaluate_person(user, today=date(2025, 6, 30)).body("AAPC").current
    assert (current.earned, current.required, current.remaining) == (8, 36, 28)
    page = response.content.decode()
    assert '<dd class="fs-5 mb-0" data-testid="earned">8</dd>' in page
    assert '<dd class="fs-5 mb-0" data-testid="remaining">28</dd>' in page
    assert 'aria-valuenow="8" aria-valuemin="0" aria-valuemax="36"' in page
    assert "Cycle 10 Jan 2025 \u2013 31 Jan 2027" in page
    assert "580 days left" in page
    assert ">On track<" in page
    assert "short of a steady pace, 28 units to go in 580 days" in page
    assert 'role="img"' in page and "units counted per month" in page
    assert "AAPC portal" in page and "is authoritative" in page
    assert reverse("activities:history", args=["aapc"]) in page
    assert f"{reverse('activities:list')}?cycle=AAPC:2025-01-10:2027-01-31" in page


@time_machine.travel(TODAY)
def test_it_shows_a_behind_coder_how_far_behind_a_steady_pace_they_are(client):
    user = signed_in(client)
    CredentialFactory(user=user, earned_on=date(2024, 12, 10))
    ActivityFactory(user=user, completed_on=date(2025, 2, 15), units=Decimal(1))

    page = client.get(reverse("home")).content.decode()

    current = evaluate_person(user, today=date(2025, 6, 30)).body("AAPC").current
    assert current.status == "behind"
    assert ">Behind<" in page
    assert "units behind a steady pace" in page


@time_machine.travel(TODAY)
def test_it_shows_ahima_domain_and_sourced_figures(client):
    user = signed_in(client)
    CredentialFactory(
        user=user, credential_type=credential_type("CCS"), earned_on=date(2025, 1, 10)
    )
    ActivityFactory(
        user=user,
        aapc=False,
        ahima=True,
        ahima_sourced=True,
        units=Decimal(3),
        completed_on=date(2025, 3, 1),
    )

    page = client.get(reverse("home")).content.decode()

    current = evaluate_person(user, today=date(2025, 6, 30)).body("AHIMA").current
    assert current.sourced is not None
    assert "From AHIMA or a state association" in page
    assert f"<strong>3 of {current.sourced.required.normalize():f}</strong>" in page
    assert "Health information domain units" in page
    assert "AHIMA portal" in page


@time_machine.travel(TODAY)
def test_it_lists_activities_the_engine_rejected_by_title(client):
    user = signed_in(client)
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    ActivityFactory(user=user, title="Tomorrow's webinar", completed_on=date(2025, 7, 1))

    page = client.get(reverse("home")).content.decode()

    assert "Some entries cannot be counted" in page
    assert "Tomorrow&#x27;s webinar" in page
    assert "its completion date is after today" in page


@time_machine.travel(TODAY)
def test_it_shows_only_the_signed_in_coders_own_record(client):
    other = UserFactory()
    CredentialFactory(user=other, credential_type=credential_type("CCS"))
    user = signed_in(client)
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))

    page = client.get(reverse("home")).content.decode()

    assert 'data-body="AAPC"' in page
    assert 'data-body="AHIMA"' not in page


def _dashboard_queries(client, user, count):
    Activity.objects.bulk_create(
        ActivityFactory.build(user=user, completed_on=date(2025, 1 + i % 6, 1 + i % 28))
        for i in range(count)
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


@time_machine.travel(TODAY)
def test_it_runs_the_same_number_of_queries_for_10_and_500_activities(client):
    few = UserFactory()
    many = UserFactory()
    for user in (few, many):
        CredentialFactory(user=user, earned_on=date(2023, 1, 10))
        CredentialFactory(user=user, credential_type=credential_type("CCS"))

    client.force_login(few)
    with_10 = _dashboard_queries(client, few, 10)
    client.force_login(many)
    with_500 = _dashboard_queries(client, many, 500)

    assert with_10 == with_500
    assert with_500 <= 12


@time_machine.travel(TODAY)
def test_it_lists_ended_cycles_newest_first_in_the_history(client):
    user = signed_in(client)
    CredentialFactory(user=user, earned_on=date(2021, 1, 10))
    for i in range(3):
        ActivityFactory(
            user=user, completed_on=date(2024, 3 + i, 10), units=Decimal(12), kind=Kind.CONFERENCE
        )

    response = client.get(reverse("activities:history", args=["aapc"]))

    history = evaluate_person(user, today=date(2025, 6, 30)).body("AAPC").history
    assert [c.status for c in history] == ["lapsed", "complete"]
    page = response.content.decode()
    assert page.count('data-testid="history-row"') == 2
    assert page.index("1 Feb 2023 \u2013 31 Jan 2025") < page.index(
        "10 Jan 2021 \u2013 31 Jan 2023"
    )
    assert "36 units short" in page
    assert f'href="{reverse("home")}"' in page


@time_machine.travel(TODAY)
def test_the_history_shows_the_credentials_that_applied_in_each_cycle(client):
    user = signed_in(client)
    CredentialFactory(user=user, earned_on=date(2021, 1, 10))
    CredentialFactory(user=user, credential_type=credential_type("CRC"), earned_on=date(2022, 6, 1))
    ActivityFactory(user=user, completed_on=date(2022, 5, 2), units=Decimal(36))
    ActivityFactory(user=user, completed_on=date(2024, 5, 2), units=Decimal(40))

    page = client.get(reverse("activities:history", args=["aapc"])).content.decode()

    aapc = evaluate_person(user, today=date(2025, 6, 30)).body("AAPC")
    history = aapc.history
    assert [c.credentials for c in reversed(history)] == [("CPC", "CRC"), ("CPC",)]
    cells = re.findall(r'data-testid="history-credentials">([^<]*)<', page)
    assert cells == ["CPC, CRC", "CPC"]


@time_machine.travel(TODAY)
def test_it_says_when_no_cycle_has_ended_yet(client):
    user = signed_in(client)
    CredentialFactory(
        user=user, credential_type=credential_type("CCS"), earned_on=date(2025, 1, 10)
    )
    page = client.get(reverse("activities:history", args=["ahima"])).content.decode()
    assert "No AHIMA cycle has ended yet" in page


def test_it_gives_404_for_an_unknown_body_in_the_history(client):
    signed_in(client)
    assert client.get(reverse("activities:history", args=["nahq"])).status_code == 404


def test_it_sends_visitors_to_sign_in_for_the_history(client):
    response = client.get(reverse("activities:history", args=["aapc"]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@time_machine.travel(TODAY)
def test_it_shows_topic_minimums_and_the_closest_apprentice_removal_option(client):
    user = signed_in(client)
    CredentialFactory(
        user=user, credential_type=credential_type("CPC-A"), earned_on=date(2025, 1, 10)
    )
    CredentialFactory(
        user=user, credential_type=credential_type("CPMA"), earned_on=date(2025, 1, 10)
    )
    ApprenticeEvidence.objects.create(user=user, experience_months=12, course_contact_hours=40)
    ActivityFactory(user=user, completed_on=date(2025, 4, 1), units=Decimal(3), topic="auditing")

    page = client.get(reverse("home")).content.decode()

    current = evaluate_person(user, today=date(2025, 6, 30)).body("AAPC").current
    [topic] = current.topics
    assert (topic.topic, topic.earned) == ("auditing", 3)
    assert 'data-testid="topic-auditing"' in page
    assert f'<td class="text-end">{topic.required.normalize():f}</td>' in page
    assert "Apprentice (-A) designation not yet removed" in page
    # Every option, the closest first, each condition marked met or not.
    options = re.findall(r'data-testid="apprentice-option-([a-z_]+)"', page)
    assert options == ["experience_and_course", "experience", "course_and_practicode"]
    assert "Coding experience plus a coding course" in page and "(closest)" in page
    assert "Met:</span> 12 of 12 months of documented coding experience" in page
    assert "Not met:</span> 40 of 80 contact hours of a coding course" in page
    assert "Not met:</span> 12 of 24 months of documented coding experience" in page
    assert "Not met:</span> Practicode not yet completed" in page
