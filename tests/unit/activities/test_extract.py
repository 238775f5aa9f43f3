"""The reading of a certificate file (ceutrack/activities/extract.py): whatever the bytes do,
the result is text or an unreadable result with a reason, never an exception."""

import resource
import shutil
import struct
import subprocess
import zlib

import pytest

from ceutrack.activities.extract import extract_safely, run_extraction
from tests.certificate_samples import certificate_pdf, crafted_pdf, textless_pdf

LIMITS = {"seconds": 10, "max_pages": 3, "max_chars": 20_000}


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture (a decompression bomb) with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_text_layer_is_read_and_capped_at_the_character_limit():
    pdf = certificate_pdf("Course Title: " + "x" * 80, "CEUs: 1")
    extraction = extract_safely(pdf, "application/pdf", **{**LIMITS, "max_chars": 20})
    assert extraction.method == "text"
    assert extraction.text == "Course Title: xxxxxx"


def test_an_image_claiming_a_huge_size_is_refused_before_it_is_decoded():
    extraction = extract_safely(_png_claiming(30_000, 30_000), "image/png", **LIMITS)
    assert not extraction.readable
    assert extraction.problem.startswith("DecompressionBombError")


def test_a_pdf_with_neither_text_nor_a_scanned_page_is_unreadable():
    extraction = extract_safely(textless_pdf(), "application/pdf", **LIMITS)
    assert (extraction.readable, extraction.problem) == (False, "no text layer and no scanned page")


def test_a_type_that_is_no_certificate_is_not_read():
    extraction = extract_safely(b"<svg/>", "image/svg+xml", **LIMITS)
    assert extraction.problem == "not a certificate type: image/svg+xml"


def test_a_child_process_over_its_memory_limit_is_stopped_and_reported():
    extraction = run_extraction(
        certificate_pdf("CEUs: 1"),
        "application/pdf",
        seconds=10,
        memory_bytes=16 * 2**20,
        max_pages=3,
        max_chars=1000,
    )
    assert not extraction.readable
    assert extraction.problem


def test_a_child_process_is_stopped_at_a_fraction_of_a_cpu_second():
    """RLIMIT_CPU counts whole seconds: a limit of 0.3 s would let the child run a full
    second without the CPU-time timer."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)

    extraction = run_extraction(
        crafted_pdf(), "application/pdf", **{**LIMITS, "seconds": 0.3}, memory_bytes=2**30
    )

    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert extraction.problem.startswith(("ran out of CPU time", "took longer than 1.6 s"))
    assert used < 0.8


def test_the_child_reads_compiled_bytecode_from_where_this_process_keeps_it(monkeypatch):
    started = []

    def no_process(command, **kwargs):
        started.append(kwargs["env"])
        raise OSError("not started by this test")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", "/srv/pycache")

    run_extraction(certificate_pdf("CEUs: 1"), "application/pdf", **LIMITS, memory_bytes=2**31)

    [env] = started
    assert env["PYTHONPYCACHEPREFIX"] == "/srv/pycache"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"  # reads it, never writes there


def _scanned_pdf(line: str) -> bytes:
    """A PDF holding only a picture of a line of text, like a scanner makes."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    picture = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(picture).text((20, 30), line, font=ImageFont.load_default(size=48), fill=0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=150)
    return bytes(pdf.output())


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr (make test)")
def test_a_scanned_pdf_without_a_text_layer_is_read_by_ocr():
    extraction = extract_safely(_scanned_pdf("CEUs awarded: 2.5"), "application/pdf", **LIMITS)
    assert extraction.method == "ocr"
    assert "CEUs awarded: 2.5" in extraction.text


def test_without_tesseract_a_photo_is_unreadable_with_a_reason(monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    picture = _scanned_pdf("CEUs: 1")
    extraction = extract_safely(picture, "application/pdf", **LIMITS)
    assert not extraction.readable
    assert extraction.problem.startswith("OCR unavailable")
