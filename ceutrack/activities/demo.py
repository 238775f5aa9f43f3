"""Demo records for the demo coder: a CPC and a CCS and a realistic year of activities.

Dates are relative to the coder's local today when the seed runs, so the dashboard always
shows a cycle in progress. Called from the seed_demo command; safe to run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from fpdf import FPDF

from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity, Kind
from ceutrack.credentials.models import Credential, CredentialType

CHAPTER = "AAPC Local Chapter (Springfield, IL)"
STATE_HIMA = "Illinois Health Information Management Association"


@dataclass(frozen=True)
class DemoActivity:
    days_ago: int
    title: str
    provider: str
    kind: str
    units: str
    aapc_index: str = ""
    ahima: bool = False
    ahima_domain: bool = True
    ahima_sourced: bool = False
    topic: str = ""
    certificate: bool = False
    notes: str = ""

    @property
    def aapc(self) -> bool:
        return bool(self.aapc_index)


# About 19 AAPC units and 12 AHIMA units (10 AHIMA-sourced) over the last eleven months.
DEMO_ACTIVITIES: tuple[DemoActivity, ...] = (
    DemoActivity(
        320, "ICD-10-CM guideline refresher", CHAPTER, Kind.CHAPTER_MEETING, "1", "LC1104587"
    ),
    DemoActivity(
        295,
        "E/M documentation: medical decision making in practice",
        "AAPC",
        Kind.WEBINAR,
        "1.5",
        "WEB2209314",
        topic="evaluation_management",
    ),
    DemoActivity(
        280,
        "Coding Clinic quarterly review",
        "AHIMA",
        Kind.WEBINAR,
        "1",
        ahima=True,
        ahima_sourced=True,
    ),
    DemoActivity(
        250, "Denials and appeals roundtable", CHAPTER, Kind.CHAPTER_MEETING, "1", "LC1104811"
    ),
    DemoActivity(
        220,
        "AAPC Regional Conference",
        "AAPC",
        Kind.CONFERENCE,
        "8",
        "CONF3310027",
        certificate=True,
        notes="Two days; sessions on risk adjustment, auditing and payer policy.",
    ),
    DemoActivity(
        200,
        "Annual Meeting and Coding Summit",
        STATE_HIMA,
        Kind.AHIMA_MEETING,
        "6",
        ahima=True,
        ahima_sourced=True,
        certificate=True,
    ),
    DemoActivity(
        170, "Risk adjustment: HCC model changes", "AAPC", Kind.WEBINAR, "1", "WEB2211578"
    ),
    DemoActivity(
        150, "Coding for telehealth visits", CHAPTER, Kind.CHAPTER_MEETING, "1", "LC1105020"
    ),
    DemoActivity(
        120,
        "Leadership skills for HIM supervisors",
        "Lincoln Land Community College",
        Kind.WORKSHOP,
        "2",
        ahima=True,
        ahima_domain=False,
    ),
    DemoActivity(
        100,
        "ICD-10-PCS root operations deep dive",
        "AHIMA",
        Kind.ON_DEMAND,
        "2",
        ahima=True,
        ahima_sourced=True,
    ),
    DemoActivity(
        80,
        "Chapter meeting: HCPCS Level II update",
        CHAPTER,
        Kind.CHAPTER_MEETING,
        "1",
        "LC1105243",
    ),
    DemoActivity(
        60, "Modifier 25 and 59: audit pitfalls", "AAPC", Kind.WEBINAR, "1.5", "WEB2213906"
    ),
    DemoActivity(
        40,
        "Annual CPT code changes",
        "AAPC",
        Kind.WEBINAR,
        "2",
        "WEB2214450",
        certificate=True,
    ),
    DemoActivity(
        20, "Chapter meeting: payer policy updates", CHAPTER, Kind.CHAPTER_MEETING, "1", "LC1105498"
    ),
    DemoActivity(
        10,
        "Clinical documentation integrity basics",
        "AHIMA",
        Kind.WEBINAR,
        "1",
        ahima=True,
        ahima_sourced=True,
    ),
)


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 10)


def cpc_certification_date(today: date) -> date:
    """About a year ago, in a month whose parity matches its year's.

    AAPC cycles end in the renewal month of years of the same parity (docs/rules.md §2), so
    such a month starts a full two-year first cycle that is half done today, rather than one
    that has just ended.
    """
    for months in (12, 13, 11):
        candidate = _months_back(today, months)
        if candidate.month % 2 == candidate.year % 2:
            return candidate
    raise AssertionError("one of three consecutive months always matches")  # pragma: no cover


def ccs_certification_date(today: date) -> date:
    return _months_back(today, 15)


def certificate_pdf(*, user: User, item: DemoActivity, completed_on: date) -> bytes:
    """A one-page sample certificate of completion."""
    pdf = FPDF(orientation="landscape", format="letter")
    pdf.set_title(f"Certificate of completion: {item.title}")
    pdf.add_page()
    pdf.set_draw_color(13, 110, 253)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_font("Helvetica", "B", 28)
    pdf.ln(25)
    pdf.cell(0, 14, "Certificate of Completion", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.ln(6)
    pdf.cell(0, 8, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 12, user.display_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 8, "completed", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, item.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.ln(4)
    lines = [
        f"Provider: {item.provider}",
        f"Date: {completed_on:%B} {completed_on.day}, {completed_on.year}",
        f"Continuing education units: {item.units}",
    ]
    if item.aapc_index:
        lines.append(f"AAPC index number: {item.aapc_index}")
    for line in lines:
        pdf.cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    pdf.set_y(-28)
    pdf.cell(0, 6, "Sample certificate generated by ceutrack's demo data.", align="C")
    return bytes(pdf.output())


def _add_activity(user: User, item: DemoActivity, *, today: date) -> Activity:
    completed_on = today - timedelta(days=item.days_ago)
    activity = Activity(
        user=user,
        title=item.title,
        provider=item.provider,
        completed_on=completed_on,
        units=Decimal(item.units),
        kind=item.kind,
        aapc=item.aapc,
        aapc_index=item.aapc_index,
        topic=item.topic,
        ahima=item.ahima,
        ahima_domain=item.ahima_domain,
        ahima_sourced=item.ahima_sourced,
        notes=item.notes,
    )
    if item.certificate:
        content = certificate_pdf(user=user, item=item, completed_on=completed_on)
        activity.certificate.save("certificate.pdf", ContentFile(content), save=False)
        activity.certificate_name = f"certificate-{completed_on:%Y-%m-%d}.pdf"
        activity.certificate_type = "application/pdf"
    activity.save()
    return activity


@transaction.atomic
def seed_coder_records(user: User) -> None:
    """Give `user` a CPC and a CCS and, if they have logged nothing yet, a year of activities.

    Running it again adds nothing: credentials are matched by type, and activities are only
    seeded for someone with none (so a demo someone has edited is left alone).
    """
    today = user.local_today()
    for code, earned_on in (
        ("CPC", cpc_certification_date(today)),
        ("CCS", ccs_certification_date(today)),
    ):
        Credential.objects.get_or_create(
            user=user,
            credential_type=CredentialType.objects.get(code=code),
            defaults={"earned_on": earned_on},
        )
    if Activity.objects.filter(user=user).exists():
        return
    for item in DEMO_ACTIVITIES:
        _add_activity(user, item, today=today)
