"""Reading a certificate's text layer to propose an activity entry.

Certificates are worded in many ways ("CEUs: 1.5", "Approved for 2.0 CEUs", "Contact hours 3",
"Index #", "Date of completion", "Sponsor", "Provided by"). The parser only proposes; the person
confirms every field in the activity form, and the form (with the engine behind it) decides.
The same reading lets the audit pack flag a certificate whose units or date differ from the entry.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

log = logging.getLogger(__name__)

# Certificates are one or two pages; a long PDF is not a certificate worth reading whole.
MAX_PAGES = 3

_NUMBER = r"(\d{1,2}(?:[.,]\d{1,2})?)"
_UNIT_WORDS = (
    r"(?:CEUs?|CEU\s+credits?|continuing\s+education\s+units?|contact\s+hours?|"
    r"CE\s+hours?|credit\s+hours?|credits?|units?)"
)
_UNITS_PATTERNS = (
    # "CEUs: 1.5", "Contact hours 3", "Credits awarded: 2"
    re.compile(
        rf"\b{_UNIT_WORDS}(?:\s+(?:awarded|earned|approved|granted))?\s*[:#=-]?\s*{_NUMBER}\b", re.I
    ),
    # "Approved for 2.0 CEUs", "awarded 1.5 contact hours", "1 CEU"
    re.compile(rf"\b{_NUMBER}\s*{_UNIT_WORDS}\b", re.I),
)
_INDEX_PATTERN = re.compile(
    r"\b(?:AAPC\s+)?index\s*(?:#|no\.?|number|code)?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{3,31})\b", re.I
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE_PATTERNS = (
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), "mdy"),
    (re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"), "Mdy"),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Z][a-z]{2,8})\.?,?\s+(\d{4})\b"), "dMy"),
)
_COMPLETION_LABEL = re.compile(
    r"(?:date\s+of\s+completion|completion\s+date|date\s+completed|completed\s+on|"
    r"completed|date\s+of\s+(?:event|program|course|attendance|activity)|event\s+date)"
    r"\s*[:#-]?\s*(.*)",
    re.I,
)
# A bare "Date:" label only counts when it starts the line ("Expiration date" does not).
_DATE_LABEL = re.compile(r"^\s*date\s*[:#-]?\s*(.*)", re.I)
_PROVIDER_LABEL = re.compile(
    r"^\s*(?:sponsor(?:ed\s+by)?|provided\s+by|provider|presented\s+by|offered\s+by|"
    r"hosted\s+by|approved\s+provider)\s*[:#-]?\s*(.+)$",
    re.I,
)
_TITLE_LABEL = re.compile(
    r"^\s*(?:course\s+title|program\s+title|activity\s+title|session\s+title|event\s+title|"
    r"title|course|program|activity|session|webinar|event)\s*[:#-]\s*(.+)$",
    re.I,
)
_TITLE_PHRASE = re.compile(
    r"(?:complet(?:ed|ing)|attend(?:ed|ing)|participat(?:ed|ing)\s+in|completion\s+of)\s+"
    r"(?:the\s+)?"
    r"(?:course|program|webinar|session|activity)?\s*[\"“']([^\"”']{3,200})[\"”']",
    re.I,
)


@dataclass(frozen=True)
class Proposal:
    """What a certificate's text suggests; None or "" where nothing was recognised."""

    title: str = ""
    provider: str = ""
    completed_on: date | None = None
    units: Decimal | None = None
    aapc_index: str = ""

    @property
    def found(self) -> list[str]:
        return [name for name, value in asdict(self).items() if value not in ("", None)]

    def as_initial(self) -> dict[str, Any]:
        """Initial data for the activity form (only what was found)."""
        initial: dict[str, Any] = {name: getattr(self, name) for name in self.found}
        if self.aapc_index:
            initial["aapc"] = True
        return initial

    def to_json(self) -> dict[str, str]:
        return {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in asdict(self).items()
            if value not in ("", None)
        }

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Proposal:
        return cls(
            title=data.get("title", ""),
            provider=data.get("provider", ""),
            completed_on=date.fromisoformat(data["completed_on"])
            if data.get("completed_on")
            else None,
            units=Decimal(data["units"]) if data.get("units") else None,
            aapc_index=data.get("aapc_index", ""),
        )


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF's first pages; "" for a scan, an image or an unreadable file."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return ""
        pages = reader.pages[:MAX_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages).strip()
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        log.info("Certificate text unreadable: %s", error)
        return ""


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip(" .,;:-\t\"“”'")[:200]


def _to_date(groups: tuple[str, ...], order: str) -> date | None:
    try:
        if order == "ymd":
            year, month, day = (int(g) for g in groups)
        elif order == "mdy":
            month, day, year = (int(g) for g in groups)
            year += 2000 if year < 100 else 0
        else:
            name, day_text, year_text = (
                groups if order == "Mdy" else (groups[1], groups[0], groups[2])
            )
            matches = [i for i, m in enumerate(_MONTHS, 1) if name.lower().startswith(m)]
            if not matches:
                return None
            month, day, year = matches[0], int(day_text), int(year_text)
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first calendar date in `text`, in any of the common certificate formats."""
    found: list[tuple[int, date]] = []
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parsed = _to_date(match.groups(), order)
            if parsed is not None:
                found.append((match.start(), parsed))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def _units(text: str) -> Decimal | None:
    for pattern in _UNITS_PATTERNS:
        for match in pattern.finditer(text):
            try:
                value = Decimal(match.group(1).replace(",", "."))
            except InvalidOperation:
                continue
            if 0 < value <= 100:
                return (
                    value.normalize()
                    if value != value.to_integral_value()
                    else value.quantize(Decimal(1))
                )
    return None


def _labelled_date(lines: list[str], label: re.Pattern[str]) -> date | None:
    for i, line in enumerate(lines):
        match = label.search(line)
        if match is None:
            continue
        # The date may sit on the label's line or, in two-column layouts, on the next one.
        for candidate in (match.group(1), *lines[i + 1 : i + 2]):
            if found := find_date(candidate):
                return found
    return None


def _completion_date(lines: list[str]) -> date | None:
    return (
        _labelled_date(lines, _COMPLETION_LABEL)
        or _labelled_date(lines, _DATE_LABEL)
        or find_date("\n".join(lines))
    )


def _first_label(lines: list[str], pattern: re.Pattern[str]) -> str:
    for line in lines:
        if match := pattern.match(line):
            return _clean(match.group(1))
    return ""


def parse_certificate(text: str) -> Proposal:
    """Propose an entry from a certificate's text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = _first_label(lines, _TITLE_LABEL)
    if not title and (match := _TITLE_PHRASE.search(" ".join(lines))):
        title = _clean(match.group(1))
    index = _INDEX_PATTERN.search(text)
    return Proposal(
        title=title,
        provider=_first_label(lines, _PROVIDER_LABEL),
        completed_on=_completion_date(lines),
        units=_units(text),
        aapc_index=index.group(1).upper() if index else "",
    )


def mismatches(proposal: Proposal, *, completed_on: date, units: Decimal) -> list[str]:
    """How a certificate's own figures differ from the logged entry, in words."""
    problems = []
    if proposal.units is not None and proposal.units != units:
        problems.append(
            f"the certificate shows {proposal.units:f} units, the entry {units.normalize():f}"
        )
    if proposal.completed_on is not None and proposal.completed_on != completed_on:
        problems.append(
            f"the certificate is dated {proposal.completed_on.isoformat()}, "
            f"the entry {completed_on.isoformat()}"
        )
    return problems
