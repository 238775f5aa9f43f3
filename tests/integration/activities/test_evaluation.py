"""The Django adapter: rows in, the engine's evaluation out, in a constant number of queries."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import (
    activity_allocations,
    evaluate_people,
    evaluate_person,
    load_person_input,
)
from ceutrack.activities.models import Activity, Kind
from ceutrack.credentials.catalog import thresholds_from_settings
from ceutrack.credentials.models import (
    ApprenticeEvidence,
    BodyRule,
    Credential,
    CredentialType,
    OfficialCycle,
)
from ceutrack.rules import (
    AAPC,
    DEFAULT_CATALOG,
    HeldCredential,
    PersonInput,
    Thresholds,
    evaluate,
)
from ceutrack.rules.scenario import load_scenario, to_json
from tests.factories import (
    ActivityFactory,
    ApprenticeEvidenceFactory,
    CredentialFactory,
    OfficialCycleFactory,
    UserFactory,
    credential_type,
)
from tests.scenario_files import as_in_example, scenarios_dir

pytestmark = pytest.mark.django_db

SCENARIOS = scenarios_dir()
ON_TRACK_DAY = date(2025, 6, 30)


def _user(**fields: object) -> User:
    # No password: hashing one costs more than evaluating a person, and these tests make many.
    return UserFactory(password=None, **fields)


def _on_track_coder(**user_fields: object) -> User:
    """shared/scenarios/aapc_single_on_track.json as database rows."""
    user = _user(**user_fields)
    CredentialFactory(
        user=user, credential_type=credential_type("CPC"), earned_on=date(2023, 1, 10)
    )
    for title, provider, completed_on, units, kind, index in [
        ("AAPC regional conference", "AAPC", date(2023, 6, 1), 18, Kind.CONFERENCE, "C2301"),
        ("Coding boot camp", "AAPC", date(2024, 9, 12), 18, Kind.WORKSHOP, "W2409"),
        ("E/M update", "AAPC", date(2025, 3, 15), 6, Kind.WEBINAR, "A123"),
        (
            "Local chapter meeting May",
            "Local chapter",
            date(2025, 5, 20),
            2,
            Kind.CHAPTER_MEETING,
            "L0520",
        ),
    ]:
        ActivityFactory(
            user=user,
            title=title,
            provider=provider,
            completed_on=completed_on,
            units=Decimal(units),
            kind=kind,
            aapc_index=index,
        )
    return user


def _aapc_current(evaluation):
    body = evaluation.body(AAPC)
    assert body is not None
    assert body.current is not None
    return body.current


# ------------------------------------------------------------------ same result as the engine


def test_it_gives_the_current_cycle_figures_of_the_on_track_scenario():
    current = _aapc_current(evaluate_person(_on_track_coder(), today=ON_TRACK_DAY))

    assert (current.start, current.end) == (date(2025, 2, 1), date(2027, 1, 31))
    assert (current.required, current.earned, current.remaining) == (36, 8, 28)
    assert (current.status, current.days_left) == ("on_track", 580)


def _scenario_names() -> list[str]:
    if not SCENARIOS.is_dir():
        return []
    # A scenario with rejected entries holds rows the forms refuse, so it is never stored.
    return sorted(
        p.name.removesuffix(".json")
        for p in SCENARIOS.glob("*.json")
        if not p.name.endswith(".expected.json")
        and not json.loads(p.with_suffix(".expected.json").read_text())["rejected"]
    )


def _store_scenario(name: str) -> tuple[User, PersonInput, date, dict[str, str]]:
    """A shared scenario as database rows: the user, the scenario's input, its today and
    each stored activity's engine id (str(pk)) mapped to the scenario's id."""
    person, today = load_scenario(SCENARIOS / f"{name}.json")
    user = _user(aapc_membership_month=person.aapc_membership_month)
    for held in person.credentials:
        CredentialFactory(
            user=user, credential_type=credential_type(held.code), earned_on=held.earned_on
        )
    for cycle in person.official_cycles:
        OfficialCycleFactory(
            user=user, body=cycle.body, start=cycle.start, end=cycle.end, required=cycle.required
        )
    if person.apprentice_evidence is not None:
        evidence = person.apprentice_evidence
        ApprenticeEvidenceFactory(
            user=user,
            experience_months=evidence.experience_months,
            course_contact_hours=evidence.course_contact_hours,
            practicode=evidence.practicode,
        )
    names = {}
    for activity in person.activities:
        row = ActivityFactory(
            user=user,
            title=activity.title,
            provider=activity.provider,
            completed_on=activity.completed_on,
            units=activity.units,
            kind=activity.kind,
            aapc=activity.aapc,
            aapc_index=activity.aapc_index,
            topic=activity.topic or "",
            ahima=activity.ahima,
            ahima_domain=activity.ahima_domain,
            ahima_sourced=activity.ahima_sourced,
        )
        names[str(row.pk)] = activity.id
    return user, person, today, names


@pytest.mark.parametrize("name", _scenario_names())
def test_stored_rows_give_each_shared_scenarios_expected_output(name):
    expected = json.loads((SCENARIOS / f"{name}.expected.json").read_text())
    user, _, today, names = _store_scenario(name)

    result = to_json(evaluate_person(user, today=today))
    for row in result["excluded"]:
        row["id"] = names[row["id"]]

    assert as_in_example(result, expected) == expected


@pytest.mark.parametrize("name", _scenario_names())
def test_stored_rows_give_the_same_evaluation_as_the_engine_called_directly(name):
    user, person, today, names = _store_scenario(name)
    engine_ids = {scenario_id: pk for pk, scenario_id in names.items()}
    renamed = replace(
        person,
        activities=tuple(replace(a, id=engine_ids[a.id]) for a in person.activities),
    )

    assert evaluate_person(user, today=today) == evaluate(
        renamed, today=today, catalog=DEFAULT_CATALOG
    )


# ------------------------------------------------------------------ the catalog is data


def test_editing_a_credential_types_units_changes_the_required_units():
    user = _on_track_coder()
    assert _aapc_current(evaluate_person(user, today=ON_TRACK_DAY)).required == 36

    CredentialType.objects.filter(code="CPC").update(base_units=40)

    # 36 units no longer complete the first cycle, so it stays current, lapsed.
    current = _aapc_current(evaluate_person(user, today=ON_TRACK_DAY))
    assert (current.end, current.required, current.earned) == (date(2025, 1, 31), 40, 36)
    assert (current.remaining, current.status) == (4, "lapsed")


def test_editing_a_body_rule_changes_the_pooled_requirement():
    user = _on_track_coder()
    CredentialFactory(
        user=user, credential_type=credential_type("CRC"), earned_on=date(2023, 1, 10)
    )
    assert _aapc_current(evaluate_person(user, today=ON_TRACK_DAY)).required == 40

    BodyRule.objects.filter(body=AAPC).update(extra_units=10)

    assert _aapc_current(evaluate_person(user, today=ON_TRACK_DAY)).required == 46


def test_a_credential_type_added_in_the_admin_is_known_to_the_engine():
    CredentialType.objects.create(code="CXYZ", name="Example", body=AAPC, base_units=30)
    user = _user()
    CredentialFactory(
        user=user, credential_type=credential_type("CXYZ"), earned_on=date(2023, 1, 10)
    )

    evaluation = evaluate_person(user, today=ON_TRACK_DAY)

    assert evaluation.rejected == ()
    assert _aapc_current(evaluation).required == 30


def test_a_catalog_passed_in_is_used_instead_of_the_rows(django_assert_num_queries):
    user = _on_track_coder()
    CredentialType.objects.filter(code="CPC").update(base_units=40)

    with django_assert_num_queries(4):
        evaluation = evaluate_person(user, today=ON_TRACK_DAY, catalog=DEFAULT_CATALOG)

    assert _aapc_current(evaluation).required == 36


# ------------------------------------------------------------------ settings


def test_thresholds_come_from_settings(settings):
    settings.CEU_BEHIND_ELAPSED_SHARE = "0.3"
    settings.CEU_BEHIND_PACE_SHARE = "0.6"
    settings.CEU_AT_RISK_MARGIN_SHARE = "0.15"
    settings.CEU_AT_RISK_DAYS = 60

    assert thresholds_from_settings() == Thresholds(
        behind_elapsed_share=Decimal("0.3"),
        behind_pace_share=Decimal("0.6"),
        at_risk_margin_share=Decimal("0.15"),
        at_risk_days=60,
    )


def test_a_longer_at_risk_window_in_settings_changes_the_status(settings):
    user = _on_track_coder()
    settings.CEU_AT_RISK_DAYS = 600

    assert _aapc_current(evaluate_person(user, today=ON_TRACK_DAY)).status == "at_risk"


# ------------------------------------------------------------------ rows to engine input


def test_the_engine_input_has_rows_in_entry_order_with_engine_ids():
    user = _user(aapc_membership_month=3)
    CredentialFactory(user=user, credential_type=credential_type("CCC"), earned_on=date(2024, 5, 1))
    CredentialFactory(
        user=user, credential_type=credential_type("CPC"), earned_on=date(2023, 1, 10)
    )
    older_entry = ActivityFactory(user=user, completed_on=date(2025, 1, 5), topic="")
    newer_entry = ActivityFactory(
        user=user, completed_on=date(2024, 1, 5), topic="cardiology", units=Decimal("2.0")
    )

    person = load_person_input(user)

    assert person.credentials == (
        HeldCredential(code="CPC", earned_on=date(2023, 1, 10)),
        HeldCredential(code="CCC", earned_on=date(2024, 5, 1)),
    )
    assert [a.id for a in person.activities] == [str(older_entry.pk), str(newer_entry.pk)]
    assert [a.topic for a in person.activities] == [None, "cardiology"]
    assert str(person.activities[1].units) == "2"
    assert person.aapc_membership_month == 3
    assert person.apprentice_evidence is None


def test_the_engine_input_copies_official_cycles_and_apprentice_evidence():
    user = _user()
    OfficialCycleFactory(user=user, body=AAPC, start=date(2024, 2, 1), end=date(2026, 1, 31))
    ApprenticeEvidenceFactory(
        user=user, experience_months=12, course_contact_hours=Decimal("80.0"), practicode=True
    )

    person = load_person_input(user)

    official = person.official_cycles[0]
    assert (official.body, official.start, official.end, official.required) == (
        AAPC,
        date(2024, 2, 1),
        date(2026, 1, 31),
        None,
    )
    assert person.apprentice_evidence is not None
    assert person.apprentice_evidence.experience_months == 12
    assert person.apprentice_evidence.course_contact_hours == 80
    assert person.apprentice_evidence.practicode is True


def test_an_official_cycle_row_moves_the_current_cycle():
    user = _on_track_coder()
    OfficialCycleFactory(
        user=user, body=AAPC, start=date(2025, 4, 1), end=date(2027, 3, 31), required=Decimal(40)
    )

    current = _aapc_current(evaluate_person(user, today=ON_TRACK_DAY))

    assert (current.start, current.end, current.required) == (
        date(2025, 4, 1),
        date(2027, 3, 31),
        40,
    )


def test_the_later_of_two_identical_entries_is_the_duplicate():
    user = _on_track_coder()
    first = ActivityFactory(user=user, title="Same course", aapc_index="X1")
    second = ActivityFactory(user=user, title="Same  COURSE", aapc_index="X2")

    evaluation = evaluate_person(user, today=ON_TRACK_DAY)

    assert [(e.id, e.reason) for e in evaluation.excluded] == [(str(second.pk), "duplicate")]
    counted = [c.id for c in _aapc_current(evaluation).counted]
    assert str(first.pk) in counted
    assert str(second.pk) not in counted


def test_it_ignores_other_peoples_rows():
    user = _on_track_coder()
    other = _user()
    ActivityFactory(user=other, completed_on=date(2025, 4, 1), units=Decimal(10))
    OfficialCycleFactory(user=other, body=AAPC, start=date(2025, 4, 1), end=date(2027, 3, 31))

    current = _aapc_current(evaluate_person(user, today=ON_TRACK_DAY))

    assert (current.start, current.earned) == (date(2025, 2, 1), 8)


def test_a_person_without_credentials_has_no_bodies():
    user = _user()
    ActivityFactory(user=user)

    assert evaluate_person(user, today=ON_TRACK_DAY).bodies == ()


def test_activity_allocations_tell_where_each_activity_went():
    user = _on_track_coder()
    activities = list(Activity.objects.filter(user=user).order_by("id"))

    allocations = activity_allocations(evaluate_person(user, today=ON_TRACK_DAY))

    assert set(allocations) == {str(a.pk) for a in activities}
    conference, *_, chapter = activities
    assert [(a.body, a.cycle_end) for a in allocations[str(conference.pk)]] == [
        (AAPC, date(2025, 1, 31))
    ]
    assert [(a.body, a.cycle_end) for a in allocations[str(chapter.pk)]] == [
        (AAPC, date(2027, 1, 31))
    ]


# ------------------------------------------------------------------ time zones


@time_machine.travel(datetime(2025, 6, 30, 23, 30, tzinfo=UTC), tick=False)
def test_today_defaults_to_the_persons_local_date():
    auckland = _on_track_coder(time_zone="Pacific/Auckland")
    london = _on_track_coder(time_zone="Europe/London")
    honolulu = _on_track_coder(time_zone="Pacific/Honolulu")

    assert evaluate_person(auckland).today == date(2025, 7, 1)
    assert evaluate_person(london).today == date(2025, 7, 1)
    assert evaluate_person(honolulu).today == date(2025, 6, 30)


@time_machine.travel(datetime(2025, 6, 30, 23, 30, tzinfo=UTC), tick=False)
def test_evaluate_people_uses_each_persons_local_date_unless_given_one():
    auckland = _on_track_coder(time_zone="Pacific/Auckland")
    honolulu = _on_track_coder(time_zone="Pacific/Honolulu")

    local = evaluate_people([auckland.pk, honolulu.pk])
    fixed = evaluate_people([auckland.pk, honolulu.pk], today=date(2025, 5, 1))

    assert (local[auckland.pk].today, local[honolulu.pk].today) == (
        date(2025, 7, 1),
        date(2025, 6, 30),
    )
    assert {e.today for e in fixed.values()} == {date(2025, 5, 1)}


# ------------------------------------------------------------------ many people


def test_evaluate_people_gives_each_person_their_own_evaluation():
    on_track = _on_track_coder()
    apprentice = _user(aapc_membership_month=9)
    CredentialFactory(
        user=apprentice, credential_type=credential_type("CPC-A"), earned_on=date(2024, 9, 3)
    )
    ApprenticeEvidenceFactory(user=apprentice, experience_months=24)
    nobody = _user()

    evaluations = evaluate_people([on_track.pk, apprentice.pk, nobody.pk], today=ON_TRACK_DAY)

    assert set(evaluations) == {on_track.pk, apprentice.pk, nobody.pk}
    for user in (on_track, apprentice, nobody):
        assert evaluations[user.pk] == evaluate_person(user, today=ON_TRACK_DAY)
    assert evaluations[apprentice.pk].body(AAPC).apprentice.met_by == "experience"


def test_evaluate_people_accepts_a_queryset_and_leaves_out_unknown_ids():
    user = _on_track_coder()

    by_queryset = evaluate_people(User.objects.filter(pk=user.pk), today=ON_TRACK_DAY)
    unknown = evaluate_people([user.pk + 1000], today=ON_TRACK_DAY)

    assert list(by_queryset) == [user.pk]
    assert unknown == {}
    assert evaluate_people([], today=ON_TRACK_DAY) == {}


# ------------------------------------------------------------------ query counts


def _coders(people: int, *, activities_each: int) -> list[User]:
    """People holding CPC and CCS with an official cycle, evidence and activities, inserted
    in one statement per table."""
    users = User.objects.bulk_create(UserFactory.build_batch(people, password=None))
    cpc, ccs = credential_type("CPC"), credential_type("CCS")
    Credential.objects.bulk_create(
        Credential(user=user, credential_type=kind, earned_on=date(2023, 1, 10))
        for user in users
        for kind in (cpc, ccs)
    )
    OfficialCycle.objects.bulk_create(
        OfficialCycle(user=user, body=AAPC, start=date(2023, 2, 1), end=date(2025, 1, 31))
        for user in users
    )
    ApprenticeEvidence.objects.bulk_create(ApprenticeEvidence(user=user) for user in users)
    Activity.objects.bulk_create(
        activity
        for user in users
        for activity in ActivityFactory.build_batch(
            activities_each,
            user=user,
            completed_on=date(2024, 6, 1),
            units=Decimal("0.5"),
            ahima=True,
        )
    )
    return users


def _queries(function, *args, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(*args, **kwargs)
    return len(captured.captured_queries)


def test_evaluate_person_issues_the_same_queries_for_10_and_500_activities():
    [few] = _coders(1, activities_each=10)
    [many] = _coders(1, activities_each=500)

    assert _queries(evaluate_person, few, today=ON_TRACK_DAY) == 6
    assert _queries(evaluate_person, many, today=ON_TRACK_DAY) == 6


def test_evaluate_people_issues_the_same_queries_for_5_and_50_people():
    fifty = [user.pk for user in _coders(50, activities_each=3)]
    five = fifty[:5]

    assert _queries(evaluate_people, five, today=ON_TRACK_DAY) == 7
    assert _queries(evaluate_people, fifty, today=ON_TRACK_DAY) == 7
    assert len(evaluate_people(fifty, today=ON_TRACK_DAY)) == 50
