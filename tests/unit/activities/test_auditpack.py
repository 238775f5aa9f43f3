"""Audit pack pieces that need no database: file names, pre-flight checks, the summary PDF."""

import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from ceutrack.accounts.models import User
from ceutrack.activities.auditpack import (
    PackContents,
    PackedActivity,
    activity_problems,
    certificate_filename,
    summary_pdf,
)
from ceutrack.activities.models import Activity, CertificateReading
from ceutrack.activities.prefill import parse_certificate
from ceutrack.rules import CycleResult, Status, TopicResult


def _activity(**fields):
    defaults = {
        "title": "E/M update",
        "completed_on": date(2025, 3, 15),
        "units": Decimal("1.5"),
        "aapc": True,
        "aapc_index": "A1",
        "certificate": "certificates/abc.pdf",
        "certificate_type": "application/pdf",
    }
    return Activity(**{**defaults, **fields})


def test_certificate_names_carry_date_and_a_safe_title_and_never_collide():
    used: set[str] = set()
    first = _activity(title="../../etc/passwd: Ünïcode “quotes”")
    assert certificate_filename(first, used) == (
        "certificates/2025-03-15 etc-passwd- Unicode quotes.pdf"
    )
    again = _activity(title="Same", certificate="certificates/x.png")
    assert certificate_filename(again, used) == "certificates/2025-03-15 Same.png"
    assert certificate_filename(again, used) == "certificates/2025-03-15 Same (2).png"
    assert certificate_filename(_activity(title="!!!"), used) == (
        "certificates/2025-03-15 certificate.pdf"
    )


def _read(*lines: str) -> CertificateReading:
    """What the worker's reading of a certificate with these lines gives (unsaved)."""
    return CertificateReading(readable=True, proposal=parse_certificate("\n".join(lines)).to_json())


def test_a_certificate_agreeing_with_the_entry_is_no_problem():
    reading = _read("Date of completion: 2025-03-15", "CEUs: 1.5")
    assert activity_problems(_activity(), body="AAPC", reading=reading) == []


def test_every_problem_of_one_activity_is_listed():
    reading = _read("Date of completion: 2025-03-14", "CEUs: 2")
    problems = activity_problems(_activity(aapc_index=" "), body="AAPC", reading=reading)
    assert problems == [
        "AAPC activity without an index number",
        "the certificate shows 2 units, the entry 1.5",
        "the certificate is dated 2025-03-14, the entry 2025-03-15",
    ]


def test_an_index_number_is_only_asked_of_aapc_packs():
    reading = _read("CEUs: 1.5")
    assert activity_problems(_activity(aapc_index=""), body="AHIMA", reading=reading) == []


def test_a_missing_certificate_and_a_missing_file_are_problems():
    assert activity_problems(_activity(certificate=""), body="AAPC", reading=None) == [
        "no certificate attached"
    ]
    assert activity_problems(_activity(), body="AAPC", reading=None) == [
        "the certificate file is missing from storage"
    ]


def test_a_certificate_that_could_not_be_read_is_flagged():
    unreadable = CertificateReading(readable=False, problem="took longer than 20 s")
    assert activity_problems(_activity(), body="AAPC", reading=unreadable) == [
        "the certificate could not be read, check it by hand"
    ]


def test_the_summary_lists_figures_topics_and_activities():
    cycle = CycleResult(
        start=date(2025, 2, 1),
        end=date(2027, 1, 31),
        required=Decimal(52),
        earned=Decimal("1.5"),
        remaining=Decimal("50.5"),
        status=Status.BEHIND,
        days_left=580,
        expected=Decimal(7),
        topics=(TopicResult("auditing", Decimal(16), Decimal("1.5")),),
        official=True,
    )
    contents = PackContents(
        user=User(email="riley@example.com", full_name="Riley “RC” Coder"),
        body="AAPC",
        cycle=cycle,
        credentials=("CPC", "CPMA"),
        activities=[],
        today=date(2025, 6, 30),
    )
    packed = [PackedActivity(1, _activity(), "certificates/x.pdf", [])]
    text = PdfReader(io.BytesIO(summary_pdf(contents, packed))).pages[0].extract_text()
    assert "Person: Riley \u201cRC\u201d Coder <riley@example.com>" in text
    assert "Credentials: CPC, CPMA" in text
    assert "Cycle: 2025-02-01 to 2027-01-31 (official dates)" in text
    assert "Required: 52 units" in text
    assert "Remaining: 50.5 units" in text
    assert "Status: Behind" in text
    assert "Topic Auditing: 1.5 of 16 units" in text
    assert "1 2025-03-15 E/M update" in text
    assert "No problems found." in text


def test_the_summary_prints_names_and_titles_in_any_alphabet_as_typed():
    cycle = CycleResult(
        start=date(2025, 2, 1),
        end=date(2027, 1, 31),
        required=Decimal(36),
        earned=Decimal(3),
        remaining=Decimal(33),
        status=Status.ON_TRACK,
        days_left=580,
        expected=Decimal(2),
    )
    contents = PackContents(
        user=User(email="zoe@example.com", full_name="Zoë Ramírez 🩺"),
        body="AAPC",
        cycle=cycle,
        credentials=("CPC",),
        activities=[],
        today=date(2025, 6, 30),
    )
    packed = [
        PackedActivity(1, _activity(title="Nguyễn Thị Lan: E/M", provider="Łukasz Wójcik"), "", []),
        PackedActivity(2, _activity(title="李医生 心臓病学"), "", []),
    ]
    reader = PdfReader(io.BytesIO(summary_pdf(contents, packed)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Zoë Ramírez" in text
    assert "Nguyễn Thị Lan" in text
    assert "Łukasz Wójcik" in text
    assert "李医生 心臓病学" in text
    # No embedded font draws this emoji: its name is printed instead of a "?" or a blank.
    assert "[stethoscope]" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in name for name in fonts)
