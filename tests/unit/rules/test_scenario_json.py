"""Reading scenarios and writing evaluation JSON (section 6, fine print 7.1)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ceutrack.rules import evaluate
from ceutrack.rules.scenario import ScenarioError, loads, parse_scenario, rounded, to_json, units

from .builders import d

MINIMAL = {
    "today": "2025-06-30",
    "credentials": [{"code": "CPC", "earned_on": "2023-01-10"}],
    "activities": [{"id": "a1", "completed_on": "2025-03-15", "units": "6"}],
}


def _with(**changes):
    data = json.loads(json.dumps(MINIMAL))
    data.update(changes)
    return data


def _activity(**changes):
    return _with(activities=[{**MINIMAL["activities"][0], **changes}])


def test_it_fills_documented_defaults_for_optional_activity_fields():
    person, today = parse_scenario(MINIMAL)

    activity = person.activities[0]
    assert today == d("2025-06-30")
    assert (activity.kind, activity.aapc, activity.ahima, activity.topic) == (
        "other",
        False,
        False,
        None,
    )
    assert (activity.ahima_domain, activity.ahima_sourced, activity.title) == (True, False, "")
    assert (person.official_cycles, person.aapc_membership_month) == ((), None)
    assert person.apprentice_evidence is None


def test_it_accepts_json_numbers_as_units_exactly():
    person, _ = parse_scenario(
        loads(
            '{"today": "2025-01-01", "credentials": [], '
            '"activities": [{"id": "a", "completed_on": "2024-01-01",'
            ' "units": 1.1}]}'
        )
    )

    assert person.activities[0].units == Decimal("1.1")


def test_it_ignores_unknown_fields():
    person, _ = parse_scenario(
        _with(colour="blue", activities=[{**MINIMAL["activities"][0], "mood": 3}])
    )

    assert person.activities[0].id == "a1"


def test_it_reads_official_cycles_and_apprentice_evidence():
    person, _ = parse_scenario(
        _with(
            official_cycles=[
                {"body": "aapc", "start": "2023-01-10", "end": "2025-01-31", "required": "20"},
                {"body": "AHIMA", "start": "2023-01-10", "end": "2023-01-10"},
            ],
            apprentice_evidence={"experience_months": 10, "course_contact_hours": "40.5"},
        )
    )

    assert [(c.body, c.required) for c in person.official_cycles] == [
        ("AAPC", Decimal(20)),
        ("AHIMA", None),
    ]
    assert person.apprentice_evidence is not None
    assert person.apprentice_evidence.course_contact_hours == Decimal("40.5")


@pytest.mark.parametrize(
    "data",
    [
        [],
        "text",
        {"credentials": [], "activities": []},
        _with(today=20250630),
        _with(today="2025-6-30"),
        _with(today="2025-02-30"),
        _with(today="20250630"),
        _with(credentials=None),
        _with(credentials={"code": "CPC"}),
        _with(activities="none"),
        {"today": "2025-06-30", "credentials": []},
        _with(credentials=[{"code": "CPC", "earned_on": "2023-13-01"}]),
        _with(credentials=[{"earned_on": "2023-01-01"}]),
        _with(credentials=["CPC"]),
        _activity(units="abc"),
        _activity(units="1,5"),
        _activity(units="NaN"),
        _activity(units=True),
        _activity(units=None),
        _activity(completed_on="2025-03-32"),
        _activity(id=None),
        _activity(kind="lecture"),
        _activity(aapc="yes"),
        _with(activities=[MINIMAL["activities"][0], MINIMAL["activities"][0]]),
        _with(aapc_membership_month=0),
        _with(aapc_membership_month=13),
        _with(aapc_membership_month="1"),
        _with(official_cycles=[{"body": "XYZ", "start": "2023-01-01", "end": "2024-01-01"}]),
        _with(official_cycles=[{"body": "AAPC", "start": "2023-01-02", "end": "2023-01-01"}]),
        _with(apprentice_evidence={"experience_months": "ten"}),
    ],
)
def test_it_rejects_a_malformed_scenario_with_a_one_line_reason(data):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)

    assert caught.value.reason
    assert "\n" not in caught.value.reason


@pytest.mark.parametrize("text", ["{", '{"today": NaN}', "", "[1,]"])
def test_it_rejects_text_that_is_not_json(text):
    with pytest.raises(ScenarioError):
        loads(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("36", "36"),
        ("36.0", "36"),
        ("40", "40"),
        ("1.50", "1.5"),
        ("0.0", "0"),
        ("-0", "0"),
        ("100", "100"),
    ],
)
def test_it_writes_units_as_normalised_decimal_strings(value, text):
    assert units(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("7.3479", "7.35"),
        ("25", "25.00"),
        ("0.125", "0.13"),
        ("0.124999", "0.12"),
        ("2.005", "2.01"),
    ],
)
def test_it_rounds_expected_half_up_to_two_decimals(value, text):
    assert rounded(Decimal(value)) == text


def test_it_writes_exactly_the_documented_fields():
    person, today = parse_scenario(
        _with(
            credentials=[
                {"code": "CPC-A", "earned_on": "2023-01-10"},
                {"code": "CCS", "earned_on": "2023-01-10"},
            ],
            activities=[
                {
                    "id": "a0",
                    "completed_on": "2023-06-01",
                    "units": "36",
                    "aapc": True,
                    "ahima": True,
                },
            ],
        )
    )

    out = to_json(evaluate(person, today=today))

    assert set(out) == {"today", "bodies", "rejected", "excluded"}
    aapc_body = out["bodies"][0]
    assert set(aapc_body) == {"body", "credentials", "current", "history", "apprentice"}
    assert set(aapc_body["current"]) == {
        "start",
        "end",
        "required",
        "earned",
        "remaining",
        "status",
        "days_left",
        "expected",
        "topics",
        "sourced",
        "outstanding",
        "reminder",
        "holds_until",
    }
    assert set(aapc_body["history"][0]) == {
        "start",
        "end",
        "required",
        "earned",
        "remaining",
        "status",
    }
    assert aapc_body["apprentice"] == {
        "credential": "CPC-A",
        "removal_ready": False,
        "met_by": None,
    }
    json.dumps(out)  # plain JSON types only
