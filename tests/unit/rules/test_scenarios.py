"""Every shared example scenario, evaluated through the CLI and through to_json."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import pytest

from ceutrack.rules import evaluate
from ceutrack.rules.__main__ import main
from ceutrack.rules.scenario import load_scenario, to_json
from tests.scenario_files import as_in_example, scenarios_dir

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

    assert _by_value(as_in_example(produced, expected)) == _by_value(expected)


@pytest.mark.parametrize("name", _scenario_names())
def test_it_prints_the_expected_output_from_the_cli(name, capsys):
    expected = _expected(name)

    code = main(["evaluate", str(SCENARIOS / f"{name}.json")])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert _by_value(as_in_example(json.loads(out), expected)) == _by_value(expected)


# The first day each example's verdict changes, found by evaluating every following day.
HOLDS_UNTIL = {
    "aapc_first_cycle_prorated": {"AAPC": "2025-01-01"},
    "aapc_multi_credential_topics": {"AAPC": "2026-01-29"},
    "aapc_single_on_track": {"AAPC": "2025-09-25"},
    "ahima_domain_cap": {"AHIMA": "2025-04-14"},
    "ahima_multi_supersede": {"AHIMA": "2025-10-10"},
    "apprentice_progress": {"AAPC": "2025-02-21"},
    "both_bodies_shared_activity": {"AAPC": "2025-11-14", "AHIMA": "2026-01-13"},
    "lapsed_cycle": {"AAPC": "2026-07-01"},
    "rejected_inputs": {"AAPC": "2025-07-15"},
    "renewal_month_overlap": {"AAPC": "2025-08-13"},
}


@pytest.mark.parametrize("name", _scenario_names())
def test_it_adds_holds_until_to_every_current_cycle_of_each_scenario(name):
    person, today = load_scenario(SCENARIOS / f"{name}.json")

    produced = to_json(evaluate(person, today=today))

    currents = {b["body"]: b["current"] for b in produced["bodies"] if b["current"]}
    assert all("holds_until" in c for c in currents.values())
    if name in HOLDS_UNTIL:
        assert {body: c["holds_until"] for body, c in currents.items()} == HOLDS_UNTIL[name]
