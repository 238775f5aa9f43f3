"""Apprentice (-A) removal options (docs/rules.md §1.1 and §7.12)."""

from __future__ import annotations

from decimal import Decimal

from ceutrack.rules.catalog import ApprenticeRules
from ceutrack.rules.types import (
    ApprenticeEvidence,
    ApprenticeOption,
    ApprenticeRequirement,
    ApprenticeStatus,
)

EXPERIENCE = "experience"
EXPERIENCE_AND_COURSE = "experience_and_course"
COURSE_AND_PRACTICODE = "course_and_practicode"


def removal_options(
    evidence: ApprenticeEvidence, rules: ApprenticeRules
) -> tuple[ApprenticeOption, ...]:
    """The three options in AAPC's order, each with its conditions and how far along it is."""
    months = Decimal(evidence.experience_months)
    hours = evidence.course_contact_hours
    practicode = Decimal(1 if evidence.practicode else 0)
    course = ApprenticeRequirement("course_contact_hours", hours, rules.course_contact_hours)
    table = (
        (
            EXPERIENCE,
            (ApprenticeRequirement("experience_months", months, Decimal(rules.experience_months)),),
        ),
        (
            EXPERIENCE_AND_COURSE,
            (
                ApprenticeRequirement(
                    "experience_months", months, Decimal(rules.experience_with_course_months)
                ),
                course,
            ),
        ),
        (
            COURSE_AND_PRACTICODE,
            (course, ApprenticeRequirement("practicode", practicode, Decimal(1))),
        ),
    )
    return tuple(
        ApprenticeOption(
            key=key,
            met=all(r.met for r in reqs),
            share=_share(reqs),
            requirements=reqs,
        )
        for key, reqs in table
    )


def _share(requirements: tuple[ApprenticeRequirement, ...]) -> Decimal:
    """Mean completion of the conditions, each capped at 1."""
    parts = [
        min(max(r.have, Decimal(0)) / r.need, Decimal(1)) if r.need > 0 else Decimal(1)
        for r in requirements
    ]
    return sum(parts, Decimal(0)) / len(parts)


def apprentice_status(
    credential: str,
    evidence: ApprenticeEvidence | None,
    rules: ApprenticeRules | None = None,
) -> ApprenticeStatus:
    options = removal_options(evidence or ApprenticeEvidence(), rules or ApprenticeRules())
    met_by = next((o.key for o in options if o.met), None)
    best = max(o.share for o in options)
    closest = next(o.key for o in options if o.share == best)
    return ApprenticeStatus(
        credential=credential,
        removal_ready=met_by is not None,
        met_by=met_by,
        options=options,
        closest=met_by or closest,
    )
