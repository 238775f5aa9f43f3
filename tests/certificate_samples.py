"""Certificates worded the way real ones are, built with fpdf2 (one text line per entry)."""

import io
import zlib

from fpdf import FPDF


def certificate_pdf(*lines: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def textless_pdf() -> bytes:
    """A PDF with drawing only, like a scan: no text layer to read."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 50)
    return bytes(pdf.output())


def _one_page_pdf(content: bytes, *, level: int = 9) -> bytes:
    """A minimal one-page PDF whose page content is `content`, Flate-compressed."""
    stream = zlib.compress(content, level)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def crafted_pdf(operators: int = 100_000) -> bytes:
    """A few kilobytes of PDF whose compressed content stream expands to megabytes of `Tj`
    text operators (100,000 by default: 6.7 KB on disk, 2.5 MB of operators) that keep a
    text extractor busy for many seconds."""
    return _one_page_pdf(
        b"BT /F1 12 Tf 72 720 Td " + b"(CEUs 1.5 AAPC index) Tj " * operators + b"ET"
    )


def limit_pdf() -> bytes:
    """A slightly larger crafted PDF whose content stream inflates past pypdf's decompression
    limit (pypdf raises LimitReachedError). Compressed at level 1: a 350 KB file in a third of
    level 9's time on these 80 MB."""
    return _one_page_pdf(b"BT (x) Tj ET " + b" " * 80_000_000, level=1)
