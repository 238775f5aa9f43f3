"""Certificates worded the way real ones are, built with fpdf2 (one text line per entry)."""

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
