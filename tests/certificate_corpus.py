"""A corpus of certificates the tests generate: varied wordings and layouts, each with the
fields a reader should find, rendered as PDFs (fpdf2, text layer) and as photos (Pillow: noisy,
slightly rotated, blurred, JPEG or PNG).

Each certificate combines one wording of each field (title, provider, date, units, index number,
kind, AHIMA approval) drawn with a fixed seed, plus distractors real certificates carry (the
person's name and member number, an issue or expiry date, a signature line).
`tests/unit/activities/test_prefill_corpus.py` and `benchmarks/prefill_accuracy.py` use it.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FIELDS = ("title", "provider", "completed_on", "units", "aapc_index", "kind", "ahima")

TITLES = (
    "Evaluation and Management Coding Update 2026",
    "Risk Adjustment Deep Dive",
    "ICD-10-CM Documentation Essentials",
    "Outpatient CDI Fundamentals",
    "Modifier 25 and 59 Masterclass",
    "Inpatient Coding for Sepsis",
    "HCC Coding Best Practices",
    "Auditing Anesthesia Claims",
    "Compliance in Telehealth Billing",
    "Cardiology Interventional Coding",
    "Coding Clinic Third Quarter Review",
    "Pediatric Vaccine Administration Coding",
    "Denials Management for Coders",
    "Orthopedic Surgery Coding Essentials",
)
PROVIDERS = (
    "AAPC",
    "AHIMA",
    "Springfield Local Chapter",
    "Texas Health Information Management Association",
    "Coding Academy Inc",
    "HCPro",
    "Ohio HIMA",
    "Medical Coding Partners LLC",
)
# (word printed on the certificate, expected Kind value)
KINDS = (
    ("webinar", "webinar"),
    ("workshop", "workshop"),
    ("seminar", "seminar"),
    ("conference", "conference"),
    ("chapter meeting", "chapter_meeting"),
    ("on-demand course", "on_demand"),
    ("", ""),
)
UNITS = ("0.5", "1", "1.0", "1.5", "2", "2.0", "3", "4.5", "6", "1.25")
INDEXES = ("AAPC-123456", "WEB-2026-1007", "9912AB", "RA2025X7", "CPC-77812", "A1B2C3D4")
NAMES = ("Jordan Lee", "Riley Coder", "Sam Patel", "Morgan Diaz", "Alex Nguyen")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Certificate:
    name: str
    lines: tuple[str, ...]
    layout: str
    expected: dict[str, object] = field(default_factory=dict)


def _long(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _date_text(day: date, style: int) -> str:
    return (
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        _long(day),
        day.isoformat(),
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{MONTHS[day.month - 1][:3]}. {day.day}, {day.year}",
        f"{day.month}/{day.day}/{day.year}",
    )[style]


def _certificate(number: int, rng: random.Random) -> Certificate:
    title = TITLES[number % len(TITLES)]
    provider = PROVIDERS[(number * 3) % len(PROVIDERS)]
    kind_word, kind = KINDS[number % len(KINDS)]
    units = UNITS[(number * 7) % len(UNITS)]
    index = INDEXES[number % len(INDEXES)] if number % 5 != 4 else ""
    ahima = number % 3 == 1
    day = date(2025 + number % 2, 1 + (number * 5) % 12, 1 + (number * 11) % 28)
    person = NAMES[number % len(NAMES)]
    date_style = number % 6
    dated = _date_text(day, date_style)
    kind_noun = kind_word or rng.choice(("course", "program", "activity"))

    heading = rng.choice(
        ("Certificate of Completion", "CERTIFICATE OF ATTENDANCE", "Certificate", "Certificate")
    )
    lines = [heading]
    provider_done = date_done = False
    # Title wording.
    wording = number % 7
    if wording == 0:
        lines += [f"This certifies that {person}", f"has successfully completed the {kind_noun}"]
        lines += [title, f"offered by {provider} on {_long(day)}"]
        provider_done = date_done = True
    elif wording == 1:
        lines += [f"Presented to {person}", f'for attending the {kind_noun} "{title}"']
    elif wording == 2:
        lines += [f"Participant: {person}", f"Course Title: {title}"]
        if kind_word:
            lines.append(f"Format: {kind_word.capitalize()}")
    elif wording == 3:
        lines += [f"{person}", "in recognition of completing", title]
        if kind_word:
            lines.append(f"a live {kind_word}")
    elif wording == 4:
        label = {"chapter meeting": "Meeting", "on-demand course": "Course", "": "Program"}.get(
            kind_word, kind_word.capitalize()
        )
        lines += [f"Awarded to {person}", f"{label}: {title}"]
        if kind_word and label.lower() != kind_word:
            lines.append(f"({kind_word})")
    elif wording == 5:
        lines += [f"{person} completed the {kind_noun} {title} presented by {provider}"]
        provider_done = True
    else:
        lines += [f"Attendee: {person}", "Program Title", title]
        if kind_word:
            lines.append(f"Delivered as a {kind_word}")
    # Provider wording.
    if not provider_done:
        lines.append(
            (
                f"Sponsor: {provider}",
                f"Provided by: {provider}",
                f"Presented by {provider}",
                f"Hosted by {provider}",
                "Provider",
                f"Offered by: {provider}",
            )[number % 6]
        )
        if lines[-1] == "Provider":
            lines.append(provider)
    # Date wording.
    if not date_done:
        lines += (
            [f"Date of completion: {dated}"],
            [f"Completed on {dated}"],
            [f"Date: {dated}"],
            ["Completion date", dated],
            [f"Event date: {dated}"],
            [f"Date completed: {dated}"],
        )[(number // 2) % 6]
    # Units wording.
    lines += (
        [f"CEUs: {units}"],
        [f"Approved for {units} CEUs"],
        [f"Contact hours: {units}"],
        [f"This activity has been approved for {units} continuing education units"],
        ["CEUs awarded", units],
        [f"{units} CEU(s)"],
    )[(number // 3) % 6]
    if index:
        lines += (
            [f"Index #: {index}"],
            [f"AAPC Index Number {index}"],
            [f"Index No. {index}"],
            ["Index number", index],
        )[number % 4]
    if ahima:
        lines.append(
            (
                "This program has been approved for continuing education unit(s) for use in "
                "fulfilling the continuing education requirements of the American Health "
                "Information Management Association (AHIMA)."
            )
            if number % 2
            else f"Approved by AHIMA for {units} CEUs"
        )
    # Distractors.
    lines.append(f"AAPC Member ID {rng.randint(10**7, 10**8 - 1)}")
    issued = date(day.year + 1, day.month, min(day.day, 28))
    lines.append(f"Certificate expires {_long(issued)}")
    lines.append("Signature ______________  Education Director")
    expected: dict[str, object] = {
        "title": title,
        "provider": provider,
        "completed_on": day,
        "units": Decimal(units),
        "aapc_index": index,
        "kind": kind,
        "ahima": ahima,
    }
    layout = ("left", "centered", "two_column")[number % 3]
    return Certificate(f"certificate-{number:02d}", tuple(lines), layout, expected)


def corpus(count: int = 24, *, seed: int = 20261202) -> list[Certificate]:
    rng = random.Random(seed)
    return [_certificate(number, rng) for number in range(count)]


# ------------------------------------------------------------------ rendering


def _wrap(line: str, width: int) -> list[str]:
    words, out, current = line.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*out, current] if current else out


def as_pdf(certificate: Certificate) -> bytes:
    pdf = FPDF(orientation="landscape", format="Letter")
    pdf.add_page()
    pdf.set_margins(20, 20)
    pdf.set_y(25)
    first, *rest = certificate.lines
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 14, first, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=13)
    for line in rest:
        for part in _wrap(line, 90):
            if certificate.layout == "two_column" and ": " in part:
                label, value = part.split(": ", 1)
                pdf.cell(70, 9, label + ":")
                pdf.cell(0, 9, value, new_x="LMARGIN", new_y="NEXT")
            else:
                align = "C" if certificate.layout == "centered" else "L"
                pdf.cell(0, 9, part, align=align, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def as_image(
    certificate: Certificate,
    *,
    seed: int = 7,
    kind: str = "png",
    size: tuple[int, int] = (1500, 1100),
) -> bytes:
    """A photo-like picture of the certificate: grey paper, noise, a slight rotation and blur."""
    rng = random.Random(f"{seed}-{certificate.name}")
    width, height = size
    image = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(image)
    heading = ImageFont.load_default(size=44)
    body = ImageFont.load_default(size=28)
    y = 60
    first, *rest = certificate.lines
    draw.text((width // 2, y), first, font=heading, fill=20, anchor="mt")
    y += 80
    for line in rest:
        for part in _wrap(line, 80):
            if certificate.layout == "centered":
                draw.text((width // 2, y), part, font=body, fill=25, anchor="mt")
            else:
                draw.text((90, y), part, font=body, fill=25)
            y += 40
    pixels = image.load()
    for _ in range(width * height // 40):
        x, yy = rng.randrange(width), rng.randrange(height)
        pixels[x, yy] = rng.choice((90, 160, 255))
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    angle = rng.uniform(-1.8, 1.8)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=200)
    out = io.BytesIO()
    if kind == "jpeg":
        image.convert("RGB").save(out, format="JPEG", quality=80)
    else:
        image.save(out, format="PNG")
    return out.getvalue()
