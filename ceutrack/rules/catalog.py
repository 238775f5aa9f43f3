"""Requirement data: credential types and per-body rules (docs/rules.md §1).

Everything here is plain data so that a Django adapter can build a `Catalog` from database
rows; the engine receives the catalog as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

AAPC = "AAPC"
AHIMA = "AHIMA"


@dataclass(frozen=True)
class CredentialType:
    code: str
    name: str
    body: str
    base_units: Decimal
    topic: str | None = None
    topic_minimum: Decimal | None = None
    apprentice_of: str | None = None
    supersedes: str | None = None
    self_review: bool = False
    # How people write the topic (ENT, OB/GYN, E/M); pages, emails and the PDF show this.
    topic_label: str | None = None


@dataclass(frozen=True)
class BodyRules:
    """How one certifying body turns credentials and dates into cycles and requirements.

    required = min(max(base_units) + extra_units * (n - 1), max_units).
    `cycle_kind` selects the cycle-date functions in `cycles.py` ("aapc": ends on the last day
    of the membership month, first cycle pro-rated; "ahima": ends the day before an anniversary).
    """

    body: str
    name: str
    extra_units: Decimal
    max_units: Decimal
    cycle_kind: str
    cycle_months: int = 24
    prorate_first_cycle: bool = False
    renewal_month_carry: bool = False
    index_dedupe: bool = False
    domain_share: Decimal | None = None
    sourced_share: Decimal | None = None
    sourced_from: date | None = None
    self_review_count: int = 0
    self_review_until: date | None = None

    @property
    def non_domain_share(self) -> Decimal | None:
        """Share of the requirement non-domain units may fill (1 - domain_share: 0.20)."""
        return None if self.domain_share is None else Decimal(1) - self.domain_share


@dataclass(frozen=True)
class ApprenticeRules:
    experience_months: int = 24
    experience_with_course_months: int = 12
    course_contact_hours: Decimal = Decimal(80)


@dataclass(frozen=True)
class Catalog:
    credentials: tuple[CredentialType, ...]
    bodies: tuple[BodyRules, ...]
    apprentice: ApprenticeRules = ApprenticeRules()
    unit_step: Decimal = Decimal("0.5")
    max_activity_units: Decimal = Decimal(40)

    def credential(self, code: str) -> CredentialType | None:
        wanted = code.strip().upper()
        return next((c for c in self.credentials if c.code.upper() == wanted), None)

    def body_rules(self, body: str) -> BodyRules | None:
        wanted = body.strip().upper()
        return next((b for b in self.bodies if b.body.upper() == wanted), None)

    def topic_label(self, topic: str) -> str | None:
        """The display name the catalog gives a topic key, if any credential names it."""
        wanted = topic.strip().lower()
        return next(
            (c.topic_label for c in self.credentials if c.topic == wanted and c.topic_label),
            None,
        )


def _aapc(
    code: str,
    name: str,
    topic: tuple[str, str] | None = None,
    minimum: int | None = None,
    apprentice_of: str | None = None,
) -> CredentialType:
    return CredentialType(
        code=code,
        name=name,
        body=AAPC,
        base_units=Decimal(36),
        topic=None if topic is None else topic[0],
        topic_minimum=None if minimum is None else Decimal(minimum),
        apprentice_of=apprentice_of,
        topic_label=None if topic is None else topic[1],
    )


def _ahima(
    code: str, name: str, units: int, *, supersedes: str | None = None, self_review: bool = False
) -> CredentialType:
    return CredentialType(
        code=code,
        name=name,
        body=AHIMA,
        base_units=Decimal(units),
        supersedes=supersedes,
        self_review=self_review,
    )


_AAPC_CORE = (
    _aapc("CPC", "Certified Professional Coder"),
    _aapc("COC", "Certified Outpatient Coder"),
    _aapc("CIC", "Certified Inpatient Coder"),
    _aapc("CPC-P", "Certified Professional Coder-Payer"),
    _aapc("CRC", "Certified Risk Adjustment Coder"),
    _aapc("CPB", "Certified Professional Biller"),
    _aapc("CPMA", "Certified Professional Medical Auditor", ("auditing", "Auditing"), 16),
    _aapc("CPCO", "Certified Professional Compliance Officer", ("compliance", "Compliance"), 16),
    _aapc(
        "CPPM",
        "Certified Physician Practice Manager",
        ("practice_management", "Practice management"),
        16,
    ),
    _aapc(
        "CDEO", "Certified Documentation Expert Outpatient", ("documentation", "Documentation"), 16
    ),
    _aapc(
        "CDEI", "Certified Documentation Expert Inpatient", ("documentation", "Documentation"), 16
    ),
    _aapc(
        "CIRCC",
        "Certified Interventional Radiology Cardiovascular Coder",
        ("interventional_radiology_cardiovascular", "Interventional radiology/cardiovascular"),
        16,
    ),
    _aapc("CPC-A", "Certified Professional Coder Apprentice", apprentice_of="CPC"),
    _aapc("COC-A", "Certified Outpatient Coder Apprentice", apprentice_of="COC"),
)

_AAPC_SPECIALTY = tuple(
    _aapc(code, name, (topic, label), 8)
    for code, name, topic, label in (
        (
            "CASCC",
            "Certified Ambulatory Surgery Center Coder",
            "ambulatory_surgery",
            "Ambulatory surgery center",
        ),
        (
            "CANPC",
            "Certified Anesthesia and Pain Management Coder",
            "anesthesia_pain",
            "Anesthesia/Pain management",
        ),
        ("CCC", "Certified Cardiology Coder", "cardiology", "Cardiology"),
        (
            "CCVTC",
            "Certified Cardiovascular and Thoracic Surgery Coder",
            "cardiovascular_thoracic_surgery",
            "Cardiovascular and thoracic surgery",
        ),
        (
            "CEDC",
            "Certified Emergency Department Coder",
            "emergency_department",
            "Emergency department",
        ),
        ("CEMC", "Certified Evaluation and Management Coder", "evaluation_management", "E/M"),
        ("CENTC", "Certified Otolaryngology Coder", "ent", "ENT"),
        ("CFPC", "Certified Family Practice Coder", "family_practice", "Family practice"),
        ("CGIC", "Certified Gastroenterology Coder", "gastroenterology", "Gastroenterology"),
        ("CGSC", "Certified General Surgery Coder", "general_surgery", "General surgery"),
        (
            "CHONC",
            "Certified Hematology and Oncology Coder",
            "hematology_oncology",
            "Hematology/Oncology",
        ),
        ("CIMC", "Certified Internal Medicine Coder", "internal_medicine", "Internal medicine"),
        ("COBGC", "Certified Obstetrics Gynecology Coder", "obgyn", "OB/GYN"),
        ("COSC", "Certified Orthopaedic Surgery Coder", "orthopedic_surgery", "Orthopedic surgery"),
        ("CPEDC", "Certified Pediatrics Coder", "pediatrics", "Pediatrics"),
        (
            "CPRC",
            "Certified Plastics and Reconstructive Surgery Coder",
            "plastics_reconstructive_surgery",
            "Plastic and reconstructive surgery",
        ),
        ("CUC", "Certified Urology Coder", "urology", "Urology"),
    )
)

_AHIMA_CREDENTIALS = (
    _ahima("RHIT", "Registered Health Information Technician", 20),
    _ahima("CCA", "Certified Coding Associate", 20, self_review=True),
    _ahima("CCS", "Certified Coding Specialist", 20, self_review=True),
    _ahima("CCS-P", "Certified Coding Specialist-Physician-based", 20, self_review=True),
    _ahima("RHIA", "Registered Health Information Administrator", 30, supersedes="RHIT"),
    _ahima("CDIP", "Certified Documentation Integrity Practitioner", 30),
    _ahima("CHDA", "Certified Health Data Analyst", 30),
    _ahima("CHPS", "Certified in Healthcare Privacy and Security", 30),
    _ahima("CPHI", "Certified Professional in Health Informatics", 30),
)

AAPC_RULES = BodyRules(
    body=AAPC,
    name="AAPC",
    extra_units=Decimal(4),
    max_units=Decimal(52),
    cycle_kind="aapc",
    prorate_first_cycle=True,
    renewal_month_carry=True,
    index_dedupe=True,
)

AHIMA_RULES = BodyRules(
    body=AHIMA,
    name="American Health Information Management Association",
    extra_units=Decimal(10),
    max_units=Decimal(50),
    cycle_kind="ahima",
    domain_share=Decimal("0.80"),
    sourced_share=Decimal("0.40"),
    sourced_from=date(2025, 1, 1),
    self_review_count=2,
    self_review_until=date(2020, 12, 31),
)

DEFAULT_CATALOG = Catalog(
    credentials=_AAPC_CORE + _AAPC_SPECIALTY + _AHIMA_CREDENTIALS,
    bodies=(AAPC_RULES, AHIMA_RULES),
)
