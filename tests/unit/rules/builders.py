"""Small constructors that keep the rule tables readable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ceutrack.rules import (
    Activity,
    ApprenticeEvidence,
    BodyResult,
    Evaluation,
    HeldCredential,
    OfficialCycle,
    PersonInput,
    evaluate,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def cred(code: str, earned_on: str) -> HeldCredential:
    return HeldCredential(code=code, earned_on=d(earned_on))


def aapc(id: str, on: str, units: str | int, **fields: Any) -> Activity:
    """An AAPC-approved activity, with an index number unique to its id unless given."""
    fields.setdefault("aapc_index", f"IDX-{id}")
    return Activity(id=id, completed_on=d(on), units=Decimal(units), aapc=True, **fields)


def ahima(id: str, on: str, units: str | int, **fields: Any) -> Activity:
    return Activity(id=id, completed_on=d(on), units=Decimal(units), ahima=True, **fields)


def official(body: str, start: str, end: str, required: str | None = None) -> OfficialCycle:
    return OfficialCycle(
        body=body,
        start=d(start),
        end=d(end),
        required=None if required is None else Decimal(required),
    )


def person(
    *credentials: HeldCredential,
    activities: tuple[Activity, ...] = (),
    official_cycles: tuple[OfficialCycle, ...] = (),
    month: int | None = None,
    evidence: ApprenticeEvidence | None = None,
) -> PersonInput:
    return PersonInput(
        credentials=credentials,
        activities=activities,
        official_cycles=official_cycles,
        aapc_membership_month=month,
        apprentice_evidence=evidence,
    )


def run(p: PersonInput, today: str, **kwargs: Any) -> Evaluation:
    return evaluate(p, today=d(today), **kwargs)


def body(evaluation: Evaluation, code: str) -> BodyResult:
    result = evaluation.body(code)
    assert result is not None, f"{code} missing from {[b.body for b in evaluation.bodies]}"
    return result


def spans(result: BodyResult) -> list[tuple[str, str]]:
    return [(c.start.isoformat(), c.end.isoformat()) for c in result.cycles]
