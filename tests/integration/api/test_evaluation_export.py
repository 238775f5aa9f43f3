"""The evaluation endpoint answers exactly what the rules CLI prints, and the scenario export
is a CLI input that gives that same answer: on the demo data and on random people."""

import contextlib
import io
import json
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from ceutrack.activities.demo import seed_coder_records
from ceutrack.activities.models import Kind
from ceutrack.credentials.models import CredentialType
from ceutrack.rules.__main__ import main as rules_cli
from ceutrack.rules.scenario import parse_scenario, scenario_to_json
from tests.factories import (
    ActivityFactory,
    ApprenticeEvidenceFactory,
    CredentialFactory,
    OfficialCycleFactory,
    UserFactory,
)
from tests.integration.api.conftest import api_as

pytestmark = pytest.mark.django_db


def cli_evaluate(scenario: dict, tmp_path) -> dict:
    """`python -m ceutrack.rules evaluate FILE` in-process: its stdout, parsed."""
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert rules_cli(["evaluate", str(path)]) == 0
    return json.loads(out.getvalue())


def exported_and_evaluated(api, day: str | None = None) -> tuple[dict, dict]:
    query = {"date": day} if day else {}
    scenario = api.get(reverse("api:scenario"), query)
    evaluation = api.get(reverse("api:evaluation"), query)
    assert scenario.status_code == evaluation.status_code == 200
    return scenario.json(), evaluation.json()


@pytest.mark.parametrize("day", [None, "2025-06-30", "2027-02-01", "2029-12-31"])
def test_the_demo_coders_export_evaluates_with_the_cli_to_the_endpoints_answer(tmp_path, day):
    with time_machine.travel("2026-11-25 18:00Z"):
        coder = UserFactory(time_zone="America/Chicago")
        seed_coder_records(coder)
        scenario, evaluation = exported_and_evaluated(api_as(coder, "read"), day)

    if day is None:
        assert [b["body"] for b in evaluation["bodies"]] == ["AAPC", "AHIMA"]
    assert scenario["today"] == evaluation["today"] == (day or "2026-11-25")
    assert cli_evaluate(scenario, tmp_path) == evaluation


def random_person(rng: random.Random, codes: list[str]):
    user = UserFactory(aapc_membership_month=rng.choice([None, rng.randint(1, 12)]))
    start = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1500))
    for code in rng.sample(codes, rng.randint(1, 3)):
        held = {c.credential_type.code for c in user.credentials.all()}
        if (code.endswith("-A") and code[:-2] in held) or f"{code}-A" in held:
            continue
        CredentialFactory(
            user=user,
            credential_type=CredentialType.objects.get(code=code),
            earned_on=start + timedelta(days=rng.randint(0, 400)),
        )
    for _ in range(rng.randint(0, 40)):
        ActivityFactory(
            user=user,
            title=rng.choice(["E/M update", "Audit basics", "ICD-10 refresh", ""]) or "x",
            provider=rng.choice(["AAPC", "AHIMA", "Chapter 12"]),
            completed_on=start + timedelta(days=rng.randint(-100, 2600)),
            units=Decimal(rng.randint(1, 16)) / 2,
            kind=rng.choice(Kind.values),
            aapc=rng.random() < 0.7,
            aapc_index=rng.choice(["", "IDX1", "IDX2", f"IDX{rng.randint(3, 99)}"]),
            ahima=rng.random() < 0.5,
            ahima_domain=rng.random() < 0.8,
            ahima_sourced=rng.random() < 0.3,
        )
    if rng.random() < 0.3:
        OfficialCycleFactory(
            user=user,
            body=rng.choice(["AAPC", "AHIMA"]),
            start=start + timedelta(days=30),
            end=start + timedelta(days=760),
            required=rng.choice([None, Decimal("30"), Decimal("36")]),
        )
    if rng.random() < 0.3:
        ApprenticeEvidenceFactory(
            user=user,
            experience_months=rng.randint(0, 30),
            course_contact_hours=Decimal(rng.randint(0, 100)),
            practicode=rng.random() < 0.5,
        )
    return user


@pytest.mark.parametrize("seed", range(8))
def test_a_random_persons_export_evaluates_with_the_cli_to_the_endpoints_answer(tmp_path, seed):
    rng = random.Random(seed)
    codes = list(CredentialType.objects.values_list("code", flat=True))
    user = random_person(rng, codes)
    day = (date(2021, 1, 1) + timedelta(days=rng.randint(0, 2500))).isoformat()

    scenario, evaluation = exported_and_evaluated(api_as(user, "read"), day)

    assert len(scenario["activities"]) == user.activities.count()
    assert cli_evaluate(scenario, tmp_path) == evaluation


def test_the_scenario_writer_reads_back_to_the_same_person(coder):
    from ceutrack.api.views import export_scenario

    CredentialFactory(user=coder, earned_on=date(2023, 1, 10))
    ActivityFactory(user=coder, topic="auditing", ahima=True, ahima_sourced=True)
    OfficialCycleFactory(user=coder, required=Decimal("36.0"))
    ApprenticeEvidenceFactory(user=coder, course_contact_hours=Decimal("80.0"))
    scenario = export_scenario(coder, today=date(2025, 6, 30))

    person, today = parse_scenario(json.loads(json.dumps(scenario)))

    assert today == date(2025, 6, 30)
    assert scenario_to_json(person, today=today) == scenario


def test_a_bad_date_is_a_400_naming_the_field(api):
    answer = api.get(reverse("api:evaluation"), {"date": "2025-02-30"})

    assert answer.status_code == 400
    assert answer.json()["errors"] == {"date": ["Give the date as YYYY-MM-DD."]}


def test_the_cycle_history_is_the_bodys_part_of_the_evaluation(api, coder):
    CredentialFactory(user=coder, earned_on=date(2021, 1, 10))
    evaluation = api.get(reverse("api:evaluation"), {"date": "2025-06-30"}).json()

    history = api.get(reverse("api:cycle_history", args=["aapc"]), {"date": "2025-06-30"})

    aapc = evaluation["bodies"][0]
    assert history.json() == {
        "today": "2025-06-30",
        "body": "AAPC",
        "current": aapc["current"],
        "history": aapc["history"],
    }
    assert len(history.json()["history"]) >= 1
    assert api.get(reverse("api:cycle_history", args=["nope"])).status_code == 404
