"""CSV export and import of activities.

Import runs every row through `ActivityForm`, the same form (and engine checks) as typing the
entry by hand, so a spreadsheet can never store what the form would refuse. Reading copes with
what spreadsheet programs write: a byte-order mark, `;` or tab separators, m/d/yyyy dates,
decimal commas and blank trailing rows. A malformed row is reported and never stops the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from ceutrack.accounts.models import User
from ceutrack.activities.forms import ActivityForm, topic_choices
from ceutrack.activities.models import Activity, Kind
from ceutrack.credentials.presentation import units as format_units
from ceutrack.rules import DEFAULT_CATALOG
from ceutrack.rules.counting import normalise_text

# (column, what it holds): the documented header, in export order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "Course or activity title (required)"),
    ("provider", "Who offered it, e.g. AAPC"),
    ("completed_on", "Completion date: 2025-03-15 or 3/15/2025 (required)"),
    ("units", f"CEUs in steps of {format_units(DEFAULT_CATALOG.unit_step)}, e.g. 1.5 (required)"),
    ("kind", "webinar, seminar, workshop, conference, chapter_meeting, ... (blank: other)"),
    ("aapc", "yes if reported to AAPC (AAPC-approved)"),
    ("aapc_index", "AAPC index number from the certificate"),
    ("topic", "Topic minimum it counts toward, e.g. auditing (optional)"),
    ("ahima", "yes if reported to AHIMA"),
    ("ahima_domain", "yes if in an AHIMA health information domain (blank: yes)"),
    ("ahima_sourced", "yes if offered by AHIMA or a state association"),
    ("notes", "Anything else (optional)"),
)
HEADER = tuple(name for name, _ in COLUMNS)
REQUIRED = ("title", "completed_on", "units")
BOOLEAN_COLUMNS = ("aapc", "ahima", "ahima_domain", "ahima_sourced")
# Headers people type for the same column.
ALIASES = {
    "date": "completed_on",
    "completion_date": "completed_on",
    "completed": "completed_on",
    "ceus": "units",
    "ceu": "units",
    "index": "aapc_index",
    "aapc_index_number": "aapc_index",
    "sponsor": "provider",
}
MAX_IMPORT_BYTES = 2 * 2**20
MAX_IMPORT_ROWS = 500

_TRUE = {"yes", "y", "true", "1", "x", "on"}
_FALSE = {"no", "n", "false", "0", "off", ""}
# A cell starting with one of these is a formula to a spreadsheet program (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvError(ValueError):
    """The whole file cannot be read (as opposed to one bad row)."""


# ------------------------------------------------------------------ export


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def export_row(activity: Activity) -> list[str]:
    return [
        _cell(activity.title),
        _cell(activity.provider),
        activity.completed_on.isoformat(),
        format_units(activity.units),
        activity.kind,
        _yes(activity.aapc),
        _cell(activity.aapc_index),
        activity.topic,
        _yes(activity.ahima),
        _yes(activity.ahima_domain),
        _yes(activity.ahima_sourced),
        _cell(activity.notes),
    ]


def write_csv(activities: Iterable[Activity], out: io.TextIOBase | Any) -> None:
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for activity in activities:
        writer.writerow(export_row(activity))


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerow(
        [
            "E/M coding update",
            "AAPC",
            "2025-03-15",
            "1.5",
            "webinar",
            "yes",
            "A123456",
            "",
            "no",
            "yes",
            "no",
            "",
        ]
    )
    return out.getvalue()


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict[str, str]


def _decode(data: bytes) -> str:
    # utf-8-sig drops the byte-order mark Excel writes; cp1252 is Excel's other favourite.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _column(name: str | None) -> str:
    key = "_".join((name or "").strip().lstrip("\ufeff").lower().split())
    return ALIASES.get(key, key)


def read_rows(data: bytes) -> list[RawRow]:
    """The non-blank rows of an uploaded CSV, keyed by documented column name."""
    if len(data) > MAX_IMPORT_BYTES:
        raise CsvError(f"The file is larger than {MAX_IMPORT_BYTES // 2**20} MB.")
    text = _decode(data)
    if not text.strip():
        raise CsvError("The file is empty.")
    # The header names the separator: column names never contain one. (csv.Sniffer guesses
    # from whole rows and is misled by decimal commas in `;`-separated files.)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_column(name) for name in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise CsvError(
                f"The header row lacks {', '.join(missing)}. Start from the template: its "
                f"first row is {','.join(HEADER)}."
            )
        rows = []
        # Numbered as a spreadsheet numbers its rows (the header is row 1), blank ones included.
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                name: cell.strip()
                for name, cell in zip(header, cells, strict=False)
                if name in HEADER
            }
            rows.append(RawRow(line=number, values=values))
            if len(rows) > MAX_IMPORT_ROWS:
                raise CsvError(f"The file has more than {MAX_IMPORT_ROWS} rows; split it.")
    except csv.Error as error:
        raise CsvError(f"The file can't be read as CSV (row {reader.line_num}: {error}).") from None
    if not rows:
        raise CsvError("The file has a header but no rows.")
    return rows


# ------------------------------------------------------------------ checking


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


def _date(value: str) -> str:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    return value


_KINDS = {v.casefold(): v for v in Kind.values} | {
    label.casefold(): value for value, label in Kind.choices
}


def form_data(values: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The activity form's POST data for one row, and the cell errors the form can't see
    (a yes/no column holding something else)."""
    data = {name: _uncell(values.get(name, "")) for name in HEADER if name not in BOOLEAN_COLUMNS}
    errors = []
    data["completed_on"] = _date(data["completed_on"])
    if "," in data["units"] and "." not in data["units"]:
        data["units"] = data["units"].replace(",", ".")
    kind = data["kind"].casefold().replace(" ", "_")
    data["kind"] = _KINDS.get(data["kind"].casefold(), _KINDS.get(kind, data["kind"])) or "other"
    data["topic"] = "_".join(data["topic"].lower().split())
    for name in BOOLEAN_COLUMNS:
        raw = values.get(name, "").strip().casefold()
        if name == "ahima_domain" and raw == "":
            raw = "yes"
        if raw in _TRUE:
            data[name] = "on"
        elif raw not in _FALSE:
            errors.append(f"{name}: “{values[name]}” is not yes or no.")
    return data, errors


DuplicateKey = tuple[str, str, date, Decimal]


def duplicate_key(*, title: str, provider: str, completed_on: date, units: Decimal) -> DuplicateKey:
    return (normalise_text(title), normalise_text(provider), completed_on, units.normalize())


class RowStatus(models.TextChoices):
    READY = "ready", "Ready to import"
    INVALID = "invalid", "Invalid"
    ALREADY_LOGGED = "already_logged", "Already logged"
    REPEATED = "repeated", "Repeated in this file"


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    status: RowStatus = RowStatus.READY
    problems: list[str] = field(default_factory=list)
    form: ActivityForm | None = field(default=None, repr=False)

    @property
    def ready(self) -> bool:
        return self.status == RowStatus.READY


def _form_problems(form: ActivityForm) -> list[str]:
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        problems += [f"{label}: {error}" if label else str(error) for error in errors]
    return problems


def check_rows(rows: Iterable[RawRow], *, user: User) -> list[RowResult]:
    """Each row with its verdict: ready, invalid (with the form's messages), already logged
    in the account, or repeating an earlier row of the same file."""
    logged = {
        duplicate_key(title=t, provider=p, completed_on=d, units=u)
        for t, p, d, u in Activity.objects.filter(user=user).values_list(
            "title", "provider", "completed_on", "units"
        )
    }
    seen: set[DuplicateKey] = set()
    topics = topic_choices()
    results = []
    for row in rows:
        data, cell_errors = form_data(row.values)
        form = ActivityForm(data=data, user=user, topics=topics)
        result = RowResult(line=row.line, values=row.values, form=form)
        if not form.is_valid() or cell_errors:
            result.status = RowStatus.INVALID
            result.problems = cell_errors + _form_problems(form)
        else:
            key = duplicate_key(
                title=form.cleaned_data["title"],
                provider=form.cleaned_data.get("provider", ""),
                completed_on=form.cleaned_data["completed_on"],
                units=form.cleaned_data["units"],
            )
            if key in logged:
                result.status = RowStatus.ALREADY_LOGGED
                result.problems = ["Already logged: same title, provider, date and units."]
            elif key in seen:
                result.status = RowStatus.REPEATED
                result.problems = ["Repeats an earlier row of this file."]
            seen.add(key)
        results.append(result)
    return results


@dataclass(frozen=True)
class ImportResult:
    created: list[Activity]
    skipped: list[RowResult]


def import_rows(rows: Iterable[RawRow], *, user: User) -> ImportResult:
    """Check the rows again (the account may have changed since the preview) and save the
    ready ones together."""
    results = check_rows(rows, user=user)
    created = []
    with transaction.atomic():
        for result in results:
            if result.ready and result.form is not None:
                created.append(result.form.save())
    return ImportResult(created=created, skipped=[r for r in results if not r.ready])
