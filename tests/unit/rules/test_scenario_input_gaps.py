"""Scenario input the CLI must refuse by name: an official cycle requiring no units, and an
activity id that is neither text nor a whole number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ceutrack.rules.__main__ import main
from ceutrack.rules.scenario import ScenarioError, parse_scenario

SCENARIO = {
    "today": "2025-06-30",
    "credentials": [{"code": "CPC", "earned_on": "2023-01-10"}],
    "activities": [{"id": "a1", "completed_on": "2025-03-15", "units": 6, "aapc": True}],
}


def scenario(**changes: object) -> dict[str, object]:
    data = json.loads(json.dumps(SCENARIO))
    data.update(changes)
    return data


def cycle(required: object) -> dict[str, object]:
    return {"body": "AAPC", "start": "2023-01-10", "end": "2025-01-31", "required": required}


@pytest.mark.parametrize("required", [0, "0", -1, "-0.5"])
def test_an_official_cycle_requiring_no_units_or_fewer_is_malformed(required):
    with pytest.raises(ScenarioError, match=r"official_cycles\[0\]\.required: must be more than 0"):
        parse_scenario(scenario(official_cycles=[cycle(required)]))


@pytest.mark.parametrize("required", [None, "0.5", 20])
def test_an_official_cycle_with_a_positive_or_no_requirement_is_read(required):
    person, _ = parse_scenario(scenario(official_cycles=[cycle(required)]))

    assert len(person.official_cycles) == 1


@pytest.mark.parametrize(
    ("raw_id", "shown"), [(1.5, "1.5"), (True, "True"), ([1], "[1]"), ({"a": 1}, "{'a': 1}")]
)
def test_an_activity_id_of_the_wrong_type_is_named_as_such(raw_id, shown):
    activity = {**SCENARIO["activities"][0], "id": raw_id}

    with pytest.raises(ScenarioError) as caught:
        parse_scenario(scenario(activities=[activity]))

    assert caught.value.reason.endswith(f"id must be a string or a whole number, not {shown}")
    assert "missing" not in caught.value.reason


@pytest.mark.parametrize("raw_id", [None, ""])
def test_a_missing_or_empty_activity_id_is_reported_missing(raw_id):
    activity = {**SCENARIO["activities"][0], "id": raw_id}

    with pytest.raises(ScenarioError, match="id is missing"):
        parse_scenario(scenario(activities=[activity]))


def test_the_cli_prints_the_reason_and_exits_with_an_error(tmp_path: Path, capsys):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario(official_cycles=[cycle(-1)])), encoding="utf-8")

    code = main(["evaluate", str(path)])

    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert "required: must be more than 0" in err
