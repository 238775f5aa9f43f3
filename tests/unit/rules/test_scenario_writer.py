"""`scenario_to_json` writes a person back as a scenario file: reading it again gives the same
person and the same evaluation (what /api/v1/me/scenario/ relies on)."""

from __future__ import annotations

import json

import pytest

from ceutrack.rules import evaluate
from ceutrack.rules.scenario import load_scenario, parse_scenario, scenario_to_json, to_json
from tests.scenario_files import scenarios_dir

SCENARIOS = sorted(
    p for p in scenarios_dir().glob("*.json") if not p.name.endswith(".expected.json")
)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_writing_then_reading_a_scenario_gives_the_same_person_and_evaluation(path):
    person, today = load_scenario(path)

    written = json.loads(json.dumps(scenario_to_json(person, today=today)))
    again, same_day = parse_scenario(written)

    assert (again, same_day) == (person, today)
    assert to_json(evaluate(again, today=same_day)) == to_json(evaluate(person, today=today))


def test_there_are_scenarios_to_check():
    assert len(SCENARIOS) >= 5
