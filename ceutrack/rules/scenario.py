"""Scenario JSON in and evaluation JSON out (docs/rules.md §6 and §7.1)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ceutrack.rules.catalog import DEFAULT_CATALOG, Catalog
from ceutrack.rules.types import (
    ACTIVITY_KINDS,
    Activity,
    ApprenticeEvidence,
    ApprenticeStatus,
    BodyResult,
    CycleResult,
    Evaluation,
    HeldCredential,
    OfficialCycle,
    PersonInput,
)


class ScenarioError(ValueError):
    """A malformed scenario; `reason` is one line for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


# ------------------------------------------------------------------ reading


def load_scenario(path: str | Path) -> tuple[PersonInput, date]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read {path}: {exc.__class__.__name__}") from exc
    return parse_scenario(loads(text))


def loads(text: str) -> object:
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise ScenarioError(f"not valid JSON: {_one_line(exc)}") from exc


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def parse_scenario(data: object, *, catalog: Catalog = DEFAULT_CATALOG) -> tuple[PersonInput, date]:
    """A person and today's date from decoded scenario JSON; ScenarioError when malformed.
    Unknown fields are ignored; credential codes are checked later, by the engine."""
    if not isinstance(data, dict):
        raise ScenarioError("scenario is not a JSON object")
    today = _date(_required(data, "today", "scenario"), "today")
    credentials = tuple(
        _credential(item, f"credentials[{i}]")
        for i, item in enumerate(_list(data, "credentials", required=True))
    )
    activities = tuple(
        _activity(item, f"activities[{i}]")
        for i, item in enumerate(_list(data, "activities", required=True))
    )
    ids = [a.id for a in activities]
    repeated = next((i for n, i in enumerate(ids) if i in ids[:n]), None)
    if repeated is not None:
        raise ScenarioError(f"activity id {repeated!r} is repeated")
    month = data.get("aapc_membership_month")
    if month is not None and (not _is_int(month) or not 1 <= month <= 12):
        raise ScenarioError("aapc_membership_month must be a whole number from 1 to 12")
    official = tuple(
        _official(item, f"official_cycles[{i}]", catalog)
        for i, item in enumerate(_list(data, "official_cycles"))
    )
    evidence = data.get("apprentice_evidence")
    person = PersonInput(
        credentials=credentials,
        activities=activities,
        official_cycles=official,
        aapc_membership_month=month,
        apprentice_evidence=None if evidence is None else _evidence(evidence),
    )
    return person, today


def _required(obj: dict[str, Any], key: str, where: str) -> object:
    if obj.get(key) is None:
        raise ScenarioError(f"{where}: {key} is missing")
    return obj[key]


def _list(obj: dict[str, Any], key: str, *, required: bool = False) -> list[object]:
    value = obj.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise ScenarioError(f"{key} must be a list" if key in obj else f"{key} is missing")
    return value


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(f"{where} is not an object")
    return value


def _date(value: object, where: str) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ScenarioError(f"{where}: not a YYYY-MM-DD date: {_show(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ScenarioError(f"{where}: not a calendar date: {value}") from exc


def _decimal(value: object, where: str) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            pass
    raise ScenarioError(f"{where}: not a decimal number: {_show(value)}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(obj: dict[str, Any], key: str, where: str, default: str = "") -> str:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: {key} must be a string")
    return value


def _flag(obj: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ScenarioError(f"{where}: {key} must be true or false")
    return value


def _credential(item: object, where: str) -> HeldCredential:
    obj = _object(item, where)
    code = _required(obj, "code", where)
    if not isinstance(code, str) or not code.strip():
        raise ScenarioError(f"{where}: code must be a non-empty string")
    return HeldCredential(
        code=code, earned_on=_date(_required(obj, "earned_on", where), f"{where}.earned_on")
    )


def _activity(item: object, where: str) -> Activity:
    obj = _object(item, where)
    raw_id = obj.get("id")
    if _is_int(raw_id):
        raw_id = str(raw_id)
    if raw_id is None or raw_id == "":
        raise ScenarioError(f"{where}: id is missing")
    if not isinstance(raw_id, str):
        raise ScenarioError(f"{where}: id must be a string or a whole number, not {_show(raw_id)}")
    where = f"activity {raw_id}"
    kind = _text(obj, "kind", where, "other")
    if kind not in ACTIVITY_KINDS:
        raise ScenarioError(f"{where}: unknown kind {kind!r}")
    topic = obj.get("topic")
    if topic is not None and not isinstance(topic, str):
        raise ScenarioError(f"{where}: topic must be a string or null")
    return Activity(
        id=raw_id,
        completed_on=_date(_required(obj, "completed_on", where), f"{where}.completed_on"),
        units=_decimal(_required(obj, "units", where), f"{where}.units"),
        title=_text(obj, "title", where),
        provider=_text(obj, "provider", where),
        kind=kind,
        aapc=_flag(obj, "aapc", where, False),
        aapc_index=_text(obj, "aapc_index", where),
        topic=topic or None,
        ahima=_flag(obj, "ahima", where, False),
        ahima_domain=_flag(obj, "ahima_domain", where, True),
        ahima_sourced=_flag(obj, "ahima_sourced", where, False),
    )


def _official(item: object, where: str, catalog: Catalog) -> OfficialCycle:
    obj = _object(item, where)
    body = _required(obj, "body", where)
    rules = catalog.body_rules(body) if isinstance(body, str) else None
    if rules is None:
        raise ScenarioError(f"{where}: unknown body {_show(body)}")
    start = _date(_required(obj, "start", where), f"{where}.start")
    end = _date(_required(obj, "end", where), f"{where}.end")
    if end < start:
        raise ScenarioError(f"{where}: end {end} is before start {start}")
    raw_required = obj.get("required")
    required = None if raw_required is None else _decimal(raw_required, f"{where}.required")
    if required is not None and required <= 0:
        raise ScenarioError(f"{where}.required: must be more than 0 (or null), not {required}")
    return OfficialCycle(body=rules.body, start=start, end=end, required=required)


def _evidence(item: object) -> ApprenticeEvidence:
    where = "apprentice_evidence"
    obj = _object(item, where)
    months = obj.get("experience_months", 0)
    if months is None:
        months = 0
    if not _is_int(months) or months < 0:
        raise ScenarioError(f"{where}: experience_months must be a whole number")
    hours = obj.get("course_contact_hours")
    return ApprenticeEvidence(
        experience_months=months,
        course_contact_hours=Decimal(0) if hours is None else _decimal(hours, where),
        practicode=_flag(obj, "practicode", where, False),
    )


def _show(value: object) -> str:
    return _one_line(repr(value))[:60]


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


# ------------------------------------------------------------------ writing


def units(value: Decimal) -> str:
    """A unit figure as a plain decimal string: 36, 1.5, 34.5, 0."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def rounded(value: Decimal) -> str:
    """Display value: half-up to two decimals (7.35, 25.00)."""
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def to_json(evaluation: Evaluation) -> dict[str, object]:
    """The evaluation in the exact shape of docs/rules.md §6."""
    return {
        "today": evaluation.today.isoformat(),
        "bodies": [_body_json(b) for b in evaluation.bodies],
        "rejected": [{"id": r.id, "reason": r.reason} for r in evaluation.rejected],
        "excluded": [{"id": e.id, "body": e.body, "reason": e.reason} for e in evaluation.excluded],
    }


def _body_json(body: BodyResult) -> dict[str, object]:
    return {
        "body": body.body,
        "credentials": list(body.credentials),
        "current": None if body.current is None else _current_json(body.current),
        "history": [_history_json(c) for c in body.history],
        "apprentice": None if body.apprentice is None else _apprentice_json(body.apprentice),
    }


def _history_json(cycle: CycleResult) -> dict[str, object]:
    return {
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
        "required": units(cycle.required),
        "earned": units(cycle.earned),
        "remaining": units(cycle.remaining),
        "status": str(cycle.status),
    }


def _current_json(cycle: CycleResult) -> dict[str, object]:
    return {
        **_history_json(cycle),
        "days_left": cycle.days_left,
        "expected": rounded(cycle.expected),
        "topics": [
            {"topic": t.topic, "required": units(t.required), "earned": units(t.earned)}
            for t in cycle.topics
        ],
        "sourced": None
        if cycle.sourced is None
        else {"required": units(cycle.sourced.required), "earned": units(cycle.sourced.earned)},
        "outstanding": [item.code for item in cycle.outstanding],
        "reminder": None if cycle.reminder is None else str(cycle.reminder),
        "holds_until": None if cycle.holds_until is None else cycle.holds_until.isoformat(),
    }


def _apprentice_json(status: ApprenticeStatus) -> dict[str, object]:
    return {
        "credential": status.credential,
        "removal_ready": status.removal_ready,
        "met_by": status.met_by,
    }


def scenario_to_json(person: PersonInput, *, today: date) -> dict[str, object]:
    """A person's inputs as a scenario file (docs/rules.md §6): `parse_scenario` reads it
    back to the same PersonInput, so evaluating the file gives the same answer."""
    evidence = person.apprentice_evidence
    return {
        "today": today.isoformat(),
        "aapc_membership_month": person.aapc_membership_month,
        "credentials": [
            {"code": c.code, "earned_on": c.earned_on.isoformat()} for c in person.credentials
        ],
        "official_cycles": [
            {
                "body": c.body,
                "start": c.start.isoformat(),
                "end": c.end.isoformat(),
                "required": None if c.required is None else units(c.required),
            }
            for c in person.official_cycles
        ],
        "apprentice_evidence": None
        if evidence is None
        else {
            "experience_months": evidence.experience_months,
            "course_contact_hours": units(evidence.course_contact_hours),
            "practicode": evidence.practicode,
        },
        "activities": [
            {
                "id": a.id,
                "title": a.title,
                "provider": a.provider,
                "completed_on": a.completed_on.isoformat(),
                "units": units(a.units),
                "kind": a.kind,
                "aapc": a.aapc,
                "aapc_index": a.aapc_index,
                "topic": a.topic,
                "ahima": a.ahima,
                "ahima_domain": a.ahima_domain,
                "ahima_sourced": a.ahima_sourced,
            }
            for a in person.activities
        ],
    }
