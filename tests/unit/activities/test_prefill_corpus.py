"""The prefill parser on a corpus of certificates generated here (tests/certificate_corpus.py):
24 wordings and layouts as PDFs, and a photo of one read by OCR. The same corpus feeds
benchmarks/prefill_accuracy.py, which also reads every photo."""

import shutil
from datetime import date
from decimal import Decimal

import pytest

from ceutrack.activities.extract import extract_safely
from ceutrack.activities.prefill import parse_certificate
from tests.certificate_corpus import FIELDS, as_image, as_pdf, corpus

CORPUS = corpus(24)
LIMITS = {"seconds": 30, "max_pages": 3, "max_chars": 20_000}


def _read(data: bytes, content_type: str) -> str:
    """The text the worker's child process reads, run here in-process."""
    return extract_safely(data, content_type, **LIMITS).text


def _right(expected: object, got: object) -> bool:
    if isinstance(expected, str):
        return " ".join(expected.casefold().split()) == " ".join(str(got).casefold().split())
    return expected == got


def test_the_corpus_has_twenty_or_more_certificates_in_varied_wordings_and_layouts():
    assert len(CORPUS) >= 20
    assert {c.layout for c in CORPUS} == {"left", "centered", "two_column"}
    assert len({c.lines[1:3] for c in CORPUS}) == len(CORPUS)


def test_every_field_of_the_pdf_corpus_meets_its_accuracy_target():
    wrong: dict[str, list[str]] = {name: [] for name in FIELDS}
    for certificate in CORPUS:
        proposal = parse_certificate(_read(as_pdf(certificate), "application/pdf"))
        for name in FIELDS:
            if not _right(certificate.expected[name], getattr(proposal, name)):
                wrong[name].append(certificate.name)
    accuracy = {name: 1 - len(misses) / len(CORPUS) for name, misses in wrong.items()}
    targets = {"completed_on": 0.9, "units": 0.9, "aapc_index": 0.9, "title": 0.8}
    assert {name: accuracy[name] >= target for name, target in targets.items()} == dict.fromkeys(
        targets, True
    ), wrong
    assert accuracy["provider"] >= 0.8, wrong


def test_a_provider_and_date_in_one_sentence_are_told_apart():
    text = (
        "Certificate of Completion\nThis certifies that Jordan Lee\n"
        "has successfully completed the webinar\nE/M Coding Essentials 2026\n"
        "offered by AAPC on October 7, 2026\n1.0 AAPC CEU"
    )
    proposal = parse_certificate(text)
    assert proposal.provider == "AAPC"
    assert proposal.completed_on == date(2026, 10, 7)
    assert proposal.title == "E/M Coding Essentials 2026"
    assert proposal.units == Decimal(1)
    assert proposal.kind == "webinar"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Springfield chapter meeting, May 2025", "chapter_meeting"),
        ("Attended the on-demand course", "on_demand"),
        ("Regional Coding Conference 2025", "conference"),
        ("Certificate of completion", ""),
    ],
)
def test_the_kind_of_activity_is_proposed_from_its_wording(text, kind):
    assert parse_certificate(text).kind == kind


def test_an_ahima_approval_statement_proposes_reporting_to_ahima():
    approved = parse_certificate(
        "This program has been approved for continuing education unit(s) for use in fulfilling "
        "the continuing education requirements of the American Health Information Management "
        "Association (AHIMA)."
    )
    assert approved.ahima is True
    assert approved.as_initial()["ahima"] is True
    assert parse_certificate("Presented by Ohio HIMA").ahima is False


def test_dates_of_expiry_or_issue_are_never_the_completion_date():
    text = "Certificate expires March 1, 2027\nIssued 2026-02-02\nHeld on January 5, 2026"
    assert parse_certificate(text).completed_on == date(2026, 1, 5)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr (make test)")
def test_a_noisy_slightly_rotated_photo_is_read_by_ocr():
    """A small photo keeps the test quick; the benchmark reads every certificate's photo."""
    certificate = CORPUS[2]
    photo = as_image(certificate, kind="jpeg", size=(1200, 620))
    proposal = parse_certificate(_read(photo, "image/jpeg"))
    expected = certificate.expected
    assert (proposal.completed_on, proposal.units, proposal.aapc_index) == (
        expected["completed_on"],
        expected["units"],
        expected["aapc_index"],
    )
    assert _right(expected["provider"], proposal.provider)
