"""The dashboard reads stored verdicts that hold until the engine says they change: a new day
recomputes nobody, and stale or missing rows go to a task while the page shows the last
verdict marked "updating"."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceutrack import rules
from ceutrack.activities import evaluation
from ceutrack.organizations import staff_list as dashboard_module
from ceutrack.organizations import summaries, tasks
from ceutrack.organizations.demo import apply_recipe
from ceutrack.organizations.models import ComplianceSummary, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = "2025-06-30"


@pytest.fixture
def frozen(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(f"{TODAY} 15:00Z", tick=False) as traveller:
        yield traveller


@pytest.fixture
def owner(frozen):
    return MembershipFactory(role=Role.OWNER, consent_given_at=None)


def add_staff(owner, recipe, name, time_zone="America/New_York"):
    membership = MembershipFactory(
        organization=owner.organization,
        user=UserFactory(full_name=name, email=f"{name.lower()}@example.com", time_zone=time_zone),
    )
    apply_recipe(membership.user, recipe, today=membership.user.local_today())
    summaries.refresh_summaries([membership.user_id])
    return membership.user


@pytest.fixture
def team(owner):
    return {
        recipe: add_staff(owner, recipe, recipe.replace("_", ""))
        for recipe in ("complete", "on_track", "at_risk", "behind", "lapsed")
    }


@pytest.fixture
def evaluations(monkeypatch):
    """Counts every call into the engine (directly or through the adapter)."""
    calls = []
    real_evaluate, real_people = rules.evaluate, evaluation.evaluate_people

    def counting_evaluate(*args, **kwargs):
        calls.append("evaluate")
        return real_evaluate(*args, **kwargs)

    def counting_people(*args, **kwargs):
        calls.append("evaluate_people")
        return real_people(*args, **kwargs)

    monkeypatch.setattr(rules, "evaluate", counting_evaluate)
    monkeypatch.setattr(evaluation, "evaluate_people", counting_people)
    return calls


@pytest.fixture
def queued(monkeypatch):
    """Records the refresh tasks queued instead of running them (the worker is elsewhere)."""
    sent = []
    monkeypatch.setattr(tasks.refresh_organization_summaries, "delay", sent.append)
    return sent


def page(client, owner, **params):
    client.force_login(owner.user)
    return client.get(reverse("organizations:dashboard", args=[owner.organization.slug]), params)


def test_a_summary_is_valid_until_local_midnight_of_the_engines_holds_until(owner):
    user = add_staff(owner, "on_track", "Otto", time_zone="Asia/Tokyo")

    row = ComplianceSummary.objects.get(user=user)
    current = evaluation.evaluate_person(user).bodies[0].current

    assert current.holds_until > date(2025, 7, 1)
    assert row.valid_until == datetime.combine(
        current.holds_until, datetime.min.time(), tzinfo=ZoneInfo("Asia/Tokyo")
    )


def test_the_dashboard_after_the_day_moves_on_reads_without_recomputing(
    client, owner, team, frozen, evaluations, queued
):
    first = page(client, owner)
    days_before = {r.email: r.days_left for r in first.context["rows"]}
    with CaptureQueriesContext(connection) as before:
        page(client, owner)

    frozen.shift(timedelta(days=1))
    evaluations.clear()
    with CaptureQueriesContext(connection) as after:
        response = page(client, owner)

    assert evaluations == [] and queued == []
    assert len(after.captured_queries) == len(before.captured_queries)
    rows = response.context["rows"]
    assert not any(r.updating for r in rows) and response.context["updating"] == 0
    # Days left are derived from the cycle end at read time.
    assert {r.email: r.days_left for r in rows} == {
        email: None if days is None else days - 1 for email, days in days_before.items()
    }


def test_a_verdict_past_its_holds_until_shows_as_updating_while_a_task_recomputes_it(
    client, owner, team, frozen, evaluations, queued
):
    otto = team["on_track"]
    row = ComplianceSummary.objects.get(user=otto)
    frozen.move_to(row.valid_until + timedelta(hours=1))
    evaluations.clear()

    response = page(client, owner)

    assert evaluations == []
    assert queued == [owner.organization.pk]
    shown = {r.email: r for r in response.context["rows"]}
    assert shown[otto.email].updating and shown[otto.email].status == row.status
    assert response.context["updating"] >= 1
    assert b'data-testid="row-updating"' in response.content
    tasks.refresh_organization_summaries(owner.organization.pk)  # what the worker runs
    assert ComplianceSummary.objects.get(user=otto).valid_until > row.valid_until
    assert page(client, owner).context["updating"] == 0


def test_a_catalog_change_marks_every_row_updating_without_recomputing_in_the_page(
    client, owner, team, evaluations, queued
):
    summaries.mark_all_stale()
    evaluations.clear()

    response = page(client, owner)
    page(client, owner)  # a second load within the minute queues no second task

    assert evaluations == []
    assert queued == [owner.organization.pk]
    assert response.context["updating"] == len(team)
    assert all(r.updating for r in response.context["rows"] if r.email != owner.user.email)


def test_only_a_bounded_few_people_without_a_row_are_computed_in_the_page(
    client, owner, evaluations, queued
):
    few = [add_staff(owner, "on_track", f"few{i}") for i in range(3)]
    ComplianceSummary.objects.filter(user__in=few).delete()
    evaluations.clear()

    page(client, owner)

    assert ComplianceSummary.objects.filter(user__in=few).count() == 3
    assert queued == []

    many = [add_staff(owner, "on_track", f"many{i}") for i in range(dashboard_module.INLINE_LIMIT)]
    ComplianceSummary.objects.filter(user__in=[*few, *many]).delete()
    evaluations.clear()

    response = page(client, owner)

    assert evaluations == []
    assert queued == [owner.organization.pk]
    assert response.context["updating"] == len(few) + len(many)
