"""Every shared example scenario, evaluated through the CLI and through to_json."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import pytest

from ceutrack.rules import evaluate
from ceutrack.rules.__main__ import main
from ceutrack.rules.scenario import load_scenario, to_json
from tests.scenario_files import scenarios_dir

SCENARIOS = scenarios_dir()


def _scenario_names() -> list[str]:
    if not SCENARIOS.is_dir():
        return ["<scenarios folder missing>"]
    return sorted(
        p.name[: -len(".json")]
        for p in SCENARIOS.glob("*.json")
        if not p.name.endswith(".expected.json")
    )


def _by_value(value: object) -> object:
    """Unit strings compare by decimal value ("36" == "36.0"); other strings as they are."""
    if isinstance(value, dict):
        return {k: _by_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_by_value(v) for v in value]
    if isinstance(value, str):
        try:
            return ("decimal", Decimal(value))
        except InvalidOperation:
            return value
    return value


def _expected(name: str) -> object:
    assert SCENARIOS.is_dir(), f"scenarios folder not found: {SCENARIOS}"
    return json.loads((SCENARIOS / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_it_finds_the_shared_scenarios_folder_with_examples():
    assert SCENARIOS.is_dir(), f"scenarios folder not found: {SCENARIOS}"
    assert len(_scenario_names()) >= 1


@pytest.mark.parametrize("name", _scenario_names())
def test_it_matches_the_expected_output_of_each_scenario(name):
    expected = _expected(name)
    person, today = load_scenario(SCENARIOS / f"{name}.json")

    produced = to_json(evaluate(person, today=today))

    assert _by_value(produced) == _by_value(expected)


@pytest.mark.parametrize("name", _scenario_names())
def test_it_prints_the_expected_output_from_the_cli(name, capsys):
    expected = _expected(name)

    code = main(["evaluate", str(SCENARIOS / f"{name}.json")])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert _by_value(json.loads(out)) == _by_value(expected)
