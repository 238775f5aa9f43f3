"""Reading certificates: three differently worded certificates made with fpdf2, a scan
without text, and the mismatch check the audit pack uses."""

from datetime import date
from decimal import Decimal

import pytest

from ceutrack.activities import extract
from ceutrack.activities.prefill import Proposal, mismatches, parse_certificate
from tests.certificate_samples import certificate_pdf, textless_pdf


def pdf_text(data: bytes) -> str:
    """The text as the worker's child process reads it (here in-process)."""
    return extract.extract_safely(
        data, "application/pdf", seconds=10, max_pages=3, max_chars=20_000
    ).text


AAPC_STYLE = certificate_pdf(
    "Certificate of Completion",
    "This certifies that Riley Coder has completed",
    "Course Title: E/M Coding Update 2025",
    "Sponsor: AAPC",
    "Date of completion: 03/15/2025",
    "CEUs: 1.5",
    "Index #: AAPC-123456",
)
CHAPTER_STYLE = certificate_pdf(
    "CERTIFICATE OF ATTENDANCE",
    'Awarded for attending "Risk Adjustment Deep Dive"',
    "Provided by: Springfield Local Chapter",
    "Approved for 2.0 CEUs by AAPC",
    "AAPC Index Number 9912AB",
    "Date: April 3, 2025",
)
AHIMA_STYLE = certificate_pdf(
    "Certificate",
    "Program: ICD-10-CM Documentation Essentials",
    "Presented by Texas Health Information Management Association",
    "Completed on 2025-02-28",
    "Contact hours 3",
)


def test_it_reads_every_field_of_an_aapc_style_certificate():
    proposal = parse_certificate(pdf_text(AAPC_STYLE))
    assert proposal == Proposal(
        title="E/M Coding Update 2025",
        provider="AAPC",
        completed_on=date(2025, 3, 15),
        units=Decimal("1.5"),
        aapc_index="AAPC-123456",
    )


def test_it_reads_a_quoted_title_and_approved_for_wording():
    proposal = parse_certificate(pdf_text(CHAPTER_STYLE))
    assert proposal.title == "Risk Adjustment Deep Dive"
    assert proposal.provider == "Springfield Local Chapter"
    assert proposal.units == Decimal(2)
    assert proposal.aapc_index == "9912AB"
    assert proposal.completed_on == date(2025, 4, 3)


def test_it_reads_contact_hours_and_a_presenter_without_colons():
    proposal = parse_certificate(pdf_text(AHIMA_STYLE))
    assert proposal.title == "ICD-10-CM Documentation Essentials"
    assert proposal.units == Decimal(3)
    assert proposal.completed_on == date(2025, 2, 28)
    assert proposal.aapc_index == ""


def test_a_presented_by_line_gives_the_provider():
    text = "Presented by: Texas HIMA\nCEU 1"
    assert parse_certificate(text).provider == "Texas HIMA"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date of completion 15 March 2025", date(2025, 3, 15)),
        ("Completion date: Mar. 7, 2024", date(2024, 3, 7)),
        ("Date completed\n12/1/24", date(2024, 12, 1)),
        ("Date: 2025-02-30 then 2025-03-01", date(2025, 3, 1)),
        ("Expiration date: 2027-01-01\nDate of completion: 2025-03-15", date(2025, 3, 15)),
        ("Expires 2027-01-01\nDate: 2025-03-15", date(2025, 3, 15)),
        ("Awarded on 2025-04-04", date(2025, 4, 4)),
    ],
)
def test_it_recognises_common_date_wordings(text, expected):
    assert parse_certificate(text).completed_on == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CEUs: 1.5", Decimal("1.5")),
        ("Credits awarded: 2", Decimal(2)),
        ("This activity is worth 0.5 CEU", Decimal("0.5")),
        ("Contact Hours: 1,5", Decimal("1.5")),
    ],
)
def test_it_recognises_common_unit_wordings(text, expected):
    assert parse_certificate(text).units == expected


def test_a_pdf_without_a_text_layer_gives_no_text():
    assert pdf_text(textless_pdf()) == ""


def test_bytes_that_are_not_a_pdf_give_no_text():
    assert pdf_text(b"\x89PNG\r\n\x1a\nnot a pdf") == ""


def test_text_with_nothing_recognisable_proposes_nothing():
    assert parse_certificate("Thank you for your participation").found == []


def test_a_proposal_becomes_initial_form_data_marked_for_aapc_when_it_has_an_index():
    initial = parse_certificate(pdf_text(AAPC_STYLE)).as_initial()
    assert initial["aapc"] is True
    assert initial["units"] == Decimal("1.5")


def test_a_proposal_survives_a_json_round_trip():
    proposal = parse_certificate(pdf_text(AAPC_STYLE))
    assert Proposal.from_json(proposal.to_json()) == proposal


def test_mismatches_name_other_units_and_another_date():
    proposal = Proposal(units=Decimal(2), completed_on=date(2025, 3, 16))
    problems = mismatches(proposal, completed_on=date(2025, 3, 15), units=Decimal("1.5"))
    assert problems == [
        "the certificate shows 2 units, the entry 1.5",
        "the certificate is dated 2025-03-16, the entry 2025-03-15",
    ]


def test_matching_figures_are_no_mismatch():
    proposal = Proposal(units=Decimal("1.5"), completed_on=date(2025, 3, 15))
    assert mismatches(proposal, completed_on=date(2025, 3, 15), units=Decimal("1.50")) == []


def test_a_letterhead_names_the_provider_when_no_sentence_does():
    text = "AAPC\nCertificate of Continuing Education\nWebinar Title: Coding Neoplasms\nCEUs: 1"
    proposal = parse_certificate(text)
    assert (proposal.provider, proposal.title, proposal.kind) == (
        "AAPC",
        "Coding Neoplasms",
        "webinar",
    )


def test_a_multi_day_event_completes_on_its_last_day():
    text = "attended\n2025 Regional Coding Symposium\nheld on May 14-15, 2025 in Dallas, TX"
    proposal = parse_certificate(text)
    assert proposal.completed_on == date(2025, 5, 15)
    assert proposal.title == "2025 Regional Coding Symposium"
    assert proposal.kind == "conference"


def test_a_provider_on_the_line_after_presented_by_is_found():
    text = "Alex completed the course Denials Management presented by\nSpringfield Local Chapter"
    assert parse_certificate(text).provider == "Springfield Local Chapter"
