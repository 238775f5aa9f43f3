"""Proposing an activity entry from a certificate's text (its text layer or OCR of a photo).

Certificates are worded in many ways ("CEUs: 1.5", "Approved for 2.0 CEUs", "Contact hours 3",
"Index #", "Date of completion", "offered by AAPC on October 7, 2026", a title on the line after
"has successfully completed the webinar"). The parser only proposes; the person confirms every
field in the activity form, and the form (with the engine behind it) decides. The same reading
lets the audit pack flag a certificate whose units or date differ from the entry.

Reading the file is not done here: `ceutrack.activities.extract` does it in a limited child
process. This module only turns text into a `Proposal`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER = r"(\d{1,2}(?:[.,]\d{1,2})?)"
_UNIT_WORDS = (
    r"(?:CEUs?|CEU\s+credits?|continuing\s+education\s+units?|contact\s+hours?|"
    r"CE\s+hours?|credit\s+hours?|credits?|units?)"
)
_UNITS_PATTERNS = (
    # "CEUs: 1.5", "Contact hours 3", "Credits awarded: 2", "CEUs awarded\n1.5"
    re.compile(
        rf"\b{_UNIT_WORDS}(?:\(s\))?(?:\s+(?:awarded|earned|approved|granted))?\s*[:#=-]?\s*"
        rf"{_NUMBER}(?![\d/.-]\d)\b",
        re.I,
    ),
    # "Approved for 2.0 CEUs", "awarded 1.5 contact hours", "1 AAPC CEU", "1.0 CEU(s)"
    re.compile(rf"\b{_NUMBER}\s*(?:(?:AAPC|AHIMA)\s+)?{_UNIT_WORDS}\b", re.I),
)
# The value needs a digit: "the index number on this page" proposes nothing.
_INDEX_PATTERN = re.compile(
    r"\b(?:AAPC\s+)?index\s*(?:#|no\.?|number|code)?\s*[:#]?\s*"
    r"(?=[A-Z-]*\d)([A-Z0-9][A-Z0-9-]{3,31})\b",
    re.I,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE_PATTERNS = (
    # "May 14-15, 2025": a multi-day event completes on its last day.
    (
        re.compile(r"\b([A-Z][a-zA-Z]{2,8})\.?\s+\d{1,2}\s*[-\u2013]\s*(\d{1,2}),?\s+(\d{4})\b"),
        "Mdy",
    ),
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})\b"), "mdy"),
    (re.compile(r"\b([A-Z][a-zA-Z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"), "Mdy"),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Z][a-zA-Z]{2,8})\.?,?\s+(\d{4})\b"), "dMy"),
)
_COMPLETION_LABEL = re.compile(
    r"(?:date\s+of\s+completion|completion\s+date|date\s+completed|completed\s+on|"
    r"completed|date\s+of\s+(?:event|program|course|attendance|activity|webinar|session)|"
    r"(?:event|session|webinar|program|course|activity)\s+date|"
    r"\b(?:held|offered|presented|attended|given|hosted|provided)\b.*?\bon\b)"
    r"\s*[:#-]?\s*(.*)",
    re.I,
)
# A bare "Date:" label only counts when it starts the line ("Expiration date" does not).
_DATE_LABEL = re.compile(r"^\s*date\s*[:#-]?\s*(.*)", re.I)
# Lines whose dates are never the completion date.
_OTHER_DATES = re.compile(
    r"expir|valid\s+(?:until|through)|issued|printed|member\s+since|renew|birth", re.I
)
_PROVIDER_WORDS = (
    r"(?:sponsor(?:ed\s+by)?|provided\s+by|provider|presented\s+by|offered\s+by|"
    r"hosted\s+by|issued\s+by|organi[sz]ed\s+by|approved\s+provider|accredited\s+provider)"
)
_PROVIDER_LABEL = re.compile(rf"^\s*{_PROVIDER_WORDS}\s*[:#-]?\s*(.*)$", re.I)
_PROVIDER_INLINE = re.compile(
    r"\b(?:offered|presented|provided|hosted|sponsored|organi[sz]ed)\s+by\s*[:-]?\s*(.*)$", re.I
)
# Where a provider's name stops inside a sentence: "AAPC on October 7, 2026", "AAPC, for".
_PROVIDER_END = re.compile(
    r"\s+(?:on|at|in|for|and|from|with|via|dated)\b.*$|\s*[,;(].*$|\s+-\s.*$|\.\s.*$", re.I
)
# A line naming only the format ("a live conference", "(chapter meeting)").
_KIND_LINE = re.compile(
    r"^\W*(?:(?:a|an|the)\s+)?(?:live\s+|virtual\s+|online\s+)?(?:[\w-]+\s+)?"
    r"(?:webinar|workshop|seminar|conference|meeting|course|session)\W*$",
    re.I,
)
_KIND_WORDS = r"(?:course|program(?:me)?|webinar|workshop|seminar|session|activity|conference|" + (
    r"training|event|meeting|class|lecture|module|quiz|self-review)"
)
_TITLE_LABEL = re.compile(
    r"^\s*(?:(?:course|program|activity|session|event|webinar|workshop|seminar|conference|"
    r"presentation|module)\s+(?:title|name)|title\s+of\s+(?:the\s+)?(?:course|program|"
    r"activity|session|event|webinar|workshop|seminar)|title|course|program|activity|session|"
    r"webinar|workshop|seminar|conference|event|topic|module|meeting|on-demand)\s*[:#-]\s*(.*)$"
    r"|^\s*(?:course|program|activity|session|event)\s+title\s*()$",
    re.I,
)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,200}?)[\"“”]")
# "has successfully completed the webinar", "for attending", "in recognition of completing":
# the title follows on the same line or the next.
_TITLE_PHRASE = re.compile(
    r"(?:(?:successfully\s+)?complet(?:ed|ing|ion\s+of)|attend(?:ed|ing|ance\s+at)|"
    r"participat(?:ed|ing|ion)\s+in)(?:\s+|$)(?:(?:the|this|an?)\s+)?"
    r"(?:(?:on-?\s?demand|live|virtual|online|in-person)[.,]?\s+)?"
    rf"(?:{_KIND_WORDS}\s*)?(?:(?:entitled|titled|called|named)\s+)?[:-]?\s*(.*)$",
    re.I,
)
_TITLE_END = re.compile(
    r"\s+(?:(?:offered|presented|provided|hosted|sponsored|organi[sz]ed|held)\s+by|held\s+on|"
    r"on\s+(?=[A-Z][a-z]{2,8}\.?\s+\d|\d)|at\s+the\b).*$",
    re.I,
)
# Lines that are never a title: headings, names, labelled fields.
_NOT_TITLE = re.compile(
    r"certificate|certif(?:y|ies)|this\s+is\s+to|presented\s+to|awarded\s+to|"
    r"^\s*(?:name|participant|attendee|member)\b|\b(?:ceus?|contact\s+hours?|index|"
    r"approved|date|signature|director|expir)",
    re.I,
)
_KINDS = (
    # (pattern, Kind value): the most specific first.
    (re.compile(r"chapter\s+meeting|local\s+chapter\s+meeting", re.I), "chapter_meeting"),
    (re.compile(r"\bAHIMA\b.{0,40}\bmeeting\b|\bHIMA\b.{0,20}\bmeeting\b", re.I), "ahima_meeting"),
    (re.compile(r"on-?\s?demand", re.I), "on_demand"),
    (re.compile(r"\bwebinar\b|\bweb\s+event\b|\bvirtual\s+session\b", re.I), "webinar"),
    (re.compile(r"\bworkshop\b", re.I), "workshop"),
    (re.compile(r"\bboot\s*camp\b|\btraining\s+course\b", re.I), "training_course"),
    (re.compile(r"\bhands-on\b", re.I), "hands_on"),
    (re.compile(r"\bseminar\b", re.I), "seminar"),
    (re.compile(r"\bconference\b|\bsymposium\b|\bsummit\b", re.I), "conference"),
    (re.compile(r"\bquiz\b", re.I), "quiz"),
    (re.compile(r"\bself-?review\b", re.I), "self_review"),
)
_AHIMA = r"(?:AHIMA|American\s+Health\s+Information\s+Management\s+Association)"
_AHIMA_APPROVAL = re.compile(
    rf"{_AHIMA}[\s-]+approved|approved\s+by\s+(?:the\s+)?{_AHIMA}|"
    rf"requirements\s+of\s+(?:the\s+)?{_AHIMA}|approved\s+for\s+.{{0,40}}\b{_AHIMA}\s+CEUs?|"
    rf"{_AHIMA}\s+(?:has\s+)?approved",
    re.I | re.S,
)


@dataclass(frozen=True)
class Proposal:
    """What a certificate's text suggests; None, "" or False where nothing was recognised."""

    title: str = ""
    provider: str = ""
    completed_on: date | None = None
    units: Decimal | None = None
    aapc_index: str = ""
    kind: str = ""
    ahima: bool = False

    @property
    def found(self) -> list[str]:
        return [name for name, value in asdict(self).items() if value not in ("", None, False)]

    def as_initial(self) -> dict[str, Any]:
        """Initial data for the activity form (only what was found)."""
        initial: dict[str, Any] = {name: getattr(self, name) for name in self.found}
        if self.aapc_index:
            initial["aapc"] = True
        return initial

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in asdict(self).items()
            if value not in ("", None, False)
        }
        if self.ahima:
            data["ahima"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Proposal:
        return cls(
            title=data.get("title", ""),
            provider=data.get("provider", ""),
            completed_on=date.fromisoformat(data["completed_on"])
            if data.get("completed_on")
            else None,
            units=Decimal(data["units"]) if data.get("units") else None,
            aapc_index=data.get("aapc_index", ""),
            kind=data.get("kind", ""),
            ahima=data.get("ahima") is True,
        )


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
    kept = [line for line in lines if not _OTHER_DATES.search(line)]
    return (
        _labelled_date(kept, _COMPLETION_LABEL)
        or _labelled_date(kept, _DATE_LABEL)
        or find_date("\n".join(kept))
    )


def _value_or_next(lines: list[str], i: int, value: str) -> str:
    """A label's value: on its line or, in two-column layouts, alone on the next one."""
    value = _clean(value)
    if value:
        return value
    if i + 1 < len(lines) and not _NOT_TITLE.search(lines[i + 1]):
        return _clean(lines[i + 1])
    return ""


# A body's or chapter's name alone on a line (a letterhead) names the provider when nothing else
# does.
_LETTERHEAD = re.compile(
    rf"^(?:AAPC|{_AHIMA}|[A-Z][\w.&' -]{{2,60}}\s(?:Chapter|Association|HIMA))$", re.I
)


def _provider(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        if match := _PROVIDER_LABEL.match(line):
            value = _value_or_next(lines, i, match.group(1))
            if value:
                return _clean(_PROVIDER_END.sub("", value))
    for i, line in enumerate(lines):
        if match := _PROVIDER_INLINE.search(line):
            whole = match.group(1)
            value = _PROVIDER_END.sub("", whole)
            if value == whole and i + 1 < len(lines) and _continues(lines[i + 1]):
                # A long sentence wrapped: "presented by Medical / Coding Partners LLC", or
                # "presented by / Springfield Local Chapter".
                value = _PROVIDER_END.sub("", f"{whole} {lines[i + 1]}")
            value = _clean(value)
            if value and find_date(value) is None:
                return value
    return next((_clean(line) for line in lines if _LETTERHEAD.match(line)), "")


def _continues(line: str) -> bool:
    """Whether a line reads as the wrapped end of the sentence above it."""
    return (
        len(line) <= 60
        and ":" not in line
        and find_date(line) is None
        and not _NOT_TITLE.search(line)
        and not _PROVIDER_LABEL.match(line)
        and not _UNITS_PATTERNS[1].search(line)
    )


def _title_from(value: str) -> str:
    if quoted := _QUOTED.search(value):
        return _clean(quoted.group(1))
    return _clean(_TITLE_END.sub("", value))


def _title_with_wrap(lines: list[str], i: int, value: str) -> str:
    """A title running to the end of line `i` may continue on the next line."""
    title = _title_from(value)
    if (
        title == _clean(value)
        and i + 1 < len(lines)
        and _continues(lines[i + 1])
        and not _KIND_LINE.match(lines[i + 1])
    ):
        return _title_from(f"{value} {lines[i + 1]}")
    return title


def _title(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        if match := _TITLE_LABEL.match(line):
            value = _value_or_next(lines, i, match.group(1) or "")
            if value:
                return _title_from(value)
    for line in lines:
        if (quoted := _QUOTED.search(line)) and not _NOT_TITLE.search(quoted.group(1)):
            return _clean(quoted.group(1))
    for i, line in enumerate(lines):
        if match := _TITLE_PHRASE.search(line):
            rest = _title_from(match.group(1))
            if len(rest) >= 4 and not _NOT_TITLE.search(rest):
                return _title_with_wrap(lines, i, match.group(1)) if len(line) > 70 else rest
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if following and not _NOT_TITLE.search(following):
                candidate = _title_from(following)
                if len(candidate) >= 4 and not _PROVIDER_INLINE.match(candidate):
                    return candidate
    return ""


def _kind(text: str) -> str:
    return next((kind for pattern, kind in _KINDS if pattern.search(text)), "")


_OCR_BAR = re.compile(r"\|(?=[A-Z])")
_WRAPPED_BY = re.compile(
    r"\b(offered|presented|provided|hosted|sponsored|organi[sz]ed)\s*\n\s*(by\b)", re.I
)


def _tidy(text: str) -> str:
    """Undo what OCR and line wrapping do to a sentence: "|CD-10" is "ICD-10", and
    "presented" at a line's end followed by "by AAPC" is one phrase."""
    return _WRAPPED_BY.sub(r"\1 \2", _OCR_BAR.sub("I", text))


def parse_certificate(text: str) -> Proposal:
    """Propose an entry from a certificate's text (a text layer or OCR)."""
    text = _tidy(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    index = _INDEX_PATTERN.search(text)
    return Proposal(
        title=_title(lines),
        provider=_provider(lines),
        completed_on=_completion_date(lines),
        units=_units(text),
        aapc_index=index.group(1).upper() if index else "",
        kind=_kind(text),
        ahima=bool(_AHIMA_APPROVAL.search(text)),
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
