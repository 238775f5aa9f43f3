import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from itertools import cycle

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.credentials.models import Credential
from ceutrack.credentials.presentation import units as format_units
from ceutrack.organizations import summaries
from ceutrack.organizations.demo import apply_recipe
from ceutrack.organizations.models import (
    STATUS_RANK,
    ComplianceSummary,
    Membership,
    Role,
    SummaryStatus,
)
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    MembershipFactory,
    TeamFactory,
    UserFactory,
    credential_type,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen")]

TODAY = "2025-06-30"


@pytest.fixture
def _frozen(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(f"{TODAY} 15:00Z", tick=False):
        yield


@pytest.fixture
def owner():
    return MembershipFactory(role=Role.OWNER, consent_given_at=None)


def staff(owner, recipe, name, *, team=None):
    membership = MembershipFactory(
        organization=owner.organization,
        user=UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.com"),
        team=team,
    )
    apply_recipe(membership.user, recipe, today=membership.user.local_today())
    return membership


@pytest.fixture
def team_of_five(owner):
    audit = TeamFactory(organization=owner.organization, name="Audit")
    people = {
        "complete": staff(owner, "complete", "Cara Complete", team=audit),
        "on_track": staff(owner, "on_track", "Otto Ontrack"),
        "at_risk": staff(owner, "at_risk", "Rita Risk", team=audit),
        "behind": staff(owner, "behind", "Ben Behind"),
        "lapsed": staff(owner, "lapsed", "Lara Lapsed"),
        "none": staff(owner, "none", "Nico None"),
        "ahima": staff(owner, "ahima_on_track", "Ada Ahima"),
    }
    return people


def dashboard(client, owner, **params):
    client.force_login(owner.user)
    url = reverse("organizations:dashboard", args=[owner.organization.slug])
    return client.get(url, params)


def emails_in_table(response):
    return [row.email for row in response.context["rows"]]


def test_it_counts_staff_per_status_from_the_engine(client, owner, team_of_five):
    response = dashboard(client, owner)
    counts = {c["status"]: c["count"] for c in response.context["counts"]}
    assert counts == {
        "lapsed": 1, "behind": 1, "at_risk": 1, "on_track": 2, "complete": 1, "none": 1
    }  # fmt: skip
    page = response.content.decode()
    assert 'data-testid="count-on_track">2<' in page


def test_it_sorts_by_status_worst_first_by_default(client, owner, team_of_five):
    emails = emails_in_table(dashboard(client, owner))
    assert emails[:4] == ["lara@example.com", "ben@example.com", "rita@example.com", emails[3]]
    assert emails[-2:] == ["cara@example.com", "nico@example.com"]


def test_it_filters_by_status_body_credential_team_and_name(client, owner, team_of_five):
    assert emails_in_table(dashboard(client, owner, status="behind")) == ["ben@example.com"]
    assert emails_in_table(dashboard(client, owner, status="none")) == ["nico@example.com"]
    assert emails_in_table(dashboard(client, owner, body="AHIMA")) == ["ada@example.com"]
    assert emails_in_table(dashboard(client, owner, credential="CCS")) == ["ada@example.com"]
    audit = team_of_five["complete"].team
    assert sorted(emails_in_table(dashboard(client, owner, team=audit.pk))) == [
        "cara@example.com",
        "rita@example.com",
    ]
    assert emails_in_table(dashboard(client, owner, q="OTTO")) == ["otto@example.com"]
    assert emails_in_table(dashboard(client, owner, q="lara@")) == ["lara@example.com"]
    empty = dashboard(client, owner, q="nobody")
    assert "No staff member matches these filters" in empty.content.decode()


def test_it_sorts_by_remaining_days_left_and_name(client, owner, team_of_five):
    by_remaining = dashboard(client, owner, sort="remaining").context["rows"]
    remaining = [Decimal(r.remaining) if r.remaining else None for r in by_remaining]
    known = [r for r in remaining if r is not None]
    assert known == sorted(known, reverse=True)
    assert remaining[-1] is None  # no credentials: last
    by_days = dashboard(client, owner, sort="days_left").context["rows"]
    days = [r.days_left for r in by_days if r.email != "nico@example.com"]
    assert days == sorted(days)
    by_name = emails_in_table(dashboard(client, owner, sort="name"))
    assert by_name[0] == "ada@example.com"


def test_it_shows_the_row_as_the_person_stands(client, owner, team_of_five):
    page = dashboard(client, owner, q="rita").content.decode()
    assert "Rita Risk" in page
    assert 'data-testid="row-status">At risk<' in page
    assert "1 / 36" in page  # earned / required
    assert "Audit" in page


def test_it_hides_staff_who_withdrew_or_left_and_pending_consent(client, owner, team_of_five):
    withdrawn = team_of_five["behind"]
    withdrawn.consent_withdrawn_at = withdrawn.consent_given_at
    withdrawn.save()
    left = team_of_five["lapsed"]
    left.left_at = left.joined_at
    left.save()
    MembershipFactory(organization=owner.organization, role=Role.MANAGER, consent_given_at=None)
    emails = emails_in_table(dashboard(client, owner))
    assert "ben@example.com" not in emails
    assert "lara@example.com" not in emails
    assert len(emails) == 5


def test_it_paginates_fifty_per_page(client, owner):
    users = User.objects.bulk_create(
        User(email=f"staff{i:03d}@example.com", full_name=f"Staff {i:03d}") for i in range(55)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=owner.organization, consent_given_at=owner.joined_at)
        for u in users
    )
    first = dashboard(client, owner, sort="name")
    assert len(first.context["rows"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = dashboard(client, owner, sort="name", page=2)
    assert emails_in_table(second)[-1] == "staff054@example.com"
    assert "sort=name&amp;page=1" in second.content.decode()


def test_the_csv_export_streams_the_filtered_table(client, owner, team_of_five):
    client.force_login(owner.user)
    url = reverse("organizations:export", args=[owner.organization.slug])
    response = client.get(url, {"body": "AAPC", "sort": "name"})
    assert response["Content-Type"] == "text/csv"
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["Name", "Email", "Team", "Body", "Status"]
    assert [r[1] for r in rows[1:]] == [
        "ben@example.com", "cara@example.com", "lara@example.com", "otto@example.com",
        "rita@example.com",
    ]  # fmt: skip
    rita = next(r for r in rows if r[1] == "rita@example.com")
    assert rita[2:6] == ["Audit", "AAPC", "At risk", "CPC"]
    assert rita[9:12] == ["1", "36", "35"]


def test_the_csv_export_has_one_row_per_person_and_body_equal_to_the_page(client, owner):
    both = MembershipFactory(
        organization=owner.organization, user=UserFactory(email="both@example.com")
    )
    CredentialFactory(
        user=both.user, credential_type=credential_type("CPC"), earned_on=date(2024, 1, 10)
    )
    CredentialFactory(
        user=both.user, credential_type=credential_type("CRC"), earned_on=date(2024, 1, 10)
    )
    CredentialFactory(
        user=both.user, credential_type=credential_type("CCS"), earned_on=date(2024, 3, 2)
    )
    ActivityFactory(user=both.user, units=Decimal(40), completed_on=date(2025, 3, 1))
    ActivityFactory(
        user=both.user, units=Decimal(2), completed_on=date(2025, 3, 2), aapc=False, ahima=True
    )
    client.force_login(owner.user)

    page = dashboard(client, owner, q="both@")
    [row] = page.context["rows"]
    response = client.get(reverse("organizations:export", args=[owner.organization.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    header = rows[0]
    mine = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[1] == "both@example.com"]
    assert [(r["Body"], r["Credentials"]) for r in mine] == [("AAPC", "CPC, CRC"), ("AHIMA", "CCS")]
    assert [f"{r['Body']} {r['Earned']} / {r['Required']}" for r in mine] == row.units
    evaluation = evaluate_person(both.user)
    assert [r["Remaining"] for r in mine] == [
        format_units(evaluation.body(code).current.remaining) for code in ("AAPC", "AHIMA")
    ]
    assert mine[1]["Remaining"] == "18"


def test_the_csv_export_defuses_spreadsheet_formulas(client, owner):
    MembershipFactory(
        organization=owner.organization,
        user=UserFactory(full_name="=HYPERLINK(evil)", email="eve@example.com"),
    )
    client.force_login(owner.user)
    response = client.get(reverse("organizations:export", args=[owner.organization.slug]))
    content = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(evil)" in content


def test_the_dashboard_recomputes_rows_from_an_earlier_day(client, owner, team_of_five):
    rita = team_of_five["at_risk"].user
    dashboard(client, owner)
    assert ComplianceSummary.objects.get(user=rita).as_of.isoformat() == TODAY
    with time_machine.travel(f"{TODAY} 15:00Z", tick=False) as traveller:
        traveller.shift(timedelta(days=200))
        response = dashboard(client, owner, q="rita")
    assert response.context["rows"][0].status == "behind"
    assert ComplianceSummary.objects.get(user=rita).as_of.isoformat() == "2026-01-16"


def test_a_change_by_the_coder_shows_on_the_next_load(
    client, owner, team_of_five, django_capture_on_commit_callbacks
):
    nico = team_of_five["none"].user
    with django_capture_on_commit_callbacks(execute=True):
        Credential.objects.create(
            user=nico, credential_type=credential_type("CPC"), earned_on=nico.local_today()
        )
    row = dashboard(client, owner, q="nico").context["rows"][0]
    assert row.status == "on_track"
    assert row.credentials == "CPC"


def add_staff(owner, count, start):
    """Staff with fresh stored summaries (as the beat task leaves them), so the page reads
    rows and recomputes nobody: what is measured is the page's own queries."""
    users = User.objects.bulk_create(
        User(email=f"bulk{start + i}@example.com", full_name=f"Bulk {start + i}")
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=owner.organization, consent_given_at=owner.joined_at)
        for u in users
    )
    today = owner.user.local_today()
    ComplianceSummary.objects.bulk_create(
        ComplianceSummary(
            user=u,
            as_of=today,
            valid_until=summaries.next_local_midnight(today, u.time_zone),
            status=status,
            status_rank=STATUS_RANK[status],
            bodies=[],
        )
        for u, status in zip(users, cycle(SummaryStatus.values), strict=False)
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_the_number_of_staff(client, owner):
    client.force_login(owner.user)
    url = reverse("organizations:dashboard", args=[owner.organization.slug])
    export = reverse("organizations:export", args=[owner.organization.slug])
    add_staff(owner, 50, 0)
    with_50 = count_queries(client, url)
    csv_50 = count_queries(client, export)
    add_staff(owner, 450, 50)
    assert count_queries(client, url) == with_50
    assert count_queries(client, export) == csv_50
    assert with_50 <= 10
