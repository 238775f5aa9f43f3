"""Apprentice (-A) removal (section 1 AAPC, fine print 7.12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ceutrack.rules import ApprenticeEvidence, Outstanding
from ceutrack.rules.apprentice import apprentice_status

from .builders import aapc, body, cred, person, run


@pytest.mark.parametrize(
    ("months", "hours", "practicode", "met_by"),
    [
        (24, "0", False, "experience"),
        (23, "0", False, None),
        (12, "80", False, "experience_and_course"),
        (11, "80", False, None),
        (12, "79.5", False, None),
        (0, "80", True, "course_and_practicode"),
        (0, "79.5", True, None),
        (0, "0", True, None),
        (30, "80", True, "experience"),  # several met: the first in AAPC's order
        (23, "80", True, "experience_and_course"),
    ],
)
def test_it_meets_a_removal_option_at_its_inclusive_thresholds(months, hours, practicode, met_by):
    evidence = ApprenticeEvidence(months, Decimal(hours), practicode)

    status = apprentice_status("CPC-A", evidence)

    assert (status.met_by, status.removal_ready) == (met_by, met_by is not None)


def test_it_points_at_the_option_closest_to_being_met():
    status = apprentice_status("CPC-A", ApprenticeEvidence(10, Decimal(80), False))

    shares = {o.key: o.share for o in status.options}
    assert shares["experience"] == Decimal(10) / 24
    assert shares["experience_and_course"] == (Decimal(10) / 12 + 1) / 2
    assert shares["course_and_practicode"] == Decimal("0.5")
    assert status.closest == "experience_and_course"
    course = status.options[1].requirements[1]
    assert (course.name, course.have, course.need, course.met) == (
        "course_contact_hours",
        80,
        80,
        True,
    )


def test_it_treats_missing_evidence_as_nothing_done():
    status = apprentice_status("COC-A", None)

    assert (status.credential, status.met_by, status.closest) == ("COC-A", None, "experience")
    assert all(o.share == 0 for o in status.options)


def test_it_lists_apprentice_removal_as_outstanding_without_changing_the_status():
    def current(evidence):
        p = person(
            cred("CPC-A", "2024-09-03"),
            activities=(aapc("a1", "2024-11-12", 6),),
            evidence=evidence,
        )
        return body(run(p, "2025-02-01"), "AAPC")

    pending = current(ApprenticeEvidence(10, Decimal(80)))
    ready = current(ApprenticeEvidence(24))

    assert pending.current is not None and ready.current is not None
    assert pending.current.outstanding == (Outstanding("apprentice_removal"),)
    assert ready.current.outstanding == ()
    assert pending.current.status == ready.current.status == "on_track"
    assert ready.apprentice is not None and ready.apprentice.met_by == "experience"


def test_it_describes_the_first_apprentice_credential_entered():
    p = person(cred("CCC", "2024-01-01"), cred("COC-A", "2024-03-01"), cred("CPC-A", "2024-01-01"))

    result = body(run(p, "2024-06-01"), "AAPC")

    assert result.apprentice is not None and result.apprentice.credential == "COC-A"


def test_it_shows_no_apprentice_block_without_an_apprentice_credential():
    result = body(run(person(cred("CPC", "2024-01-01")), "2024-06-01"), "AAPC")

    assert result.apprentice is None
