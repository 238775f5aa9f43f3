"""What the change history shows of each model: the fields a change list names, their
labels, how their values read, and how a record is named (ceutrack.activities.history)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from ceutrack.activities.models import Activity, Kind
from ceutrack.activities.presenters import format_units, topic_label
from ceutrack.credentials.models import Credential, CredentialType, OfficialCycle

BLANK = "—"


class RecordKind(models.TextChoices):
    ACTIVITY = "activity", "Activity"
    CREDENTIAL = "credential", "Credential"
    OFFICIAL_CYCLE = "official_cycle", "Official cycle dates"
    MEMBERSHIP = "membership", "Organization membership"


# ------------------------------------------------------------------ how each value reads


def show_text(value: Any) -> str:
    return str(value) if value not in (None, "") else BLANK


def show_date(value: date | None) -> str:
    return f"{value:%b} {value.day}, {value.year}" if value else BLANK


def show_moment(value: datetime | None) -> str:
    """A date and time in the active time zone (the viewer's)."""
    if value is None:
        return BLANK
    local = timezone.localtime(value)
    return f"{show_date(local.date())} {local:%H:%M}"


def show_units(value: Decimal | None) -> str:
    return BLANK if value is None else format_units(value)


def show_yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def show_kind(value: str) -> str:
    return Kind(value).label if value in Kind.values else show_text(value)


def show_topic(value: str) -> str:
    return topic_label(value) if value else BLANK


def show_file(value: str) -> str:
    # The stored name is random and private: say only whether a file is there.
    return "attached" if value else "none"


@dataclass(frozen=True)
class Tracked:
    """A field shown in change lists, with its label and how its values read. `lookup`
    names a Lookups table for foreign keys (credential type codes, team names)."""

    name: str
    label: str
    show: Callable[[Any], str] = show_text
    lookup: str = ""


class Lookups:
    """Names of related rows (credential types, teams), each table read once, on demand."""

    def __init__(self, loaders: Mapping[str, Callable[[set[int]], dict[int, str]]]) -> None:
        self.loaders = loaders
        self.wanted: defaultdict[str, set[int]] = defaultdict(set)
        self.loaded: dict[str, dict[int, str]] = {}

    def want(self, table: str, pk: int | None) -> None:
        if pk is not None:
            self.wanted[table].add(pk)

    def name(self, table: str, pk: int | None) -> str:
        if pk is None:
            return BLANK
        if table not in self.loaded:
            self.loaded[table] = self.loaders[table](self.wanted[table] | {pk})
        return self.loaded[table].get(pk, "a removed entry")


def _credential_codes(ids: set[int]) -> dict[int, str]:
    return dict(CredentialType.objects.filter(pk__in=ids).values_list("pk", "code"))


LOOKUPS: dict[str, Callable[[set[int]], dict[int, str]]] = {"credential_type": _credential_codes}


@dataclass(frozen=True)
class Source:
    """One model with history: which fields a change list shows and how a record is named."""

    kind: RecordKind
    model: type[models.Model]
    fields: tuple[Tracked, ...]
    label: Callable[[Any, Lookups], str]

    @property
    def history_model(self) -> type[models.Model]:
        # HistoricalRecords adds `history` (and the historical model) when the class is built;
        # the stubs cannot see it.
        return self.model.history.model  # type: ignore[attr-defined]

    def history(self) -> QuerySet[Any]:
        return self.history_model._default_manager.all()


ACTIVITY = Source(
    kind=RecordKind.ACTIVITY,
    model=Activity,
    fields=(
        Tracked("title", "Title"),
        Tracked("provider", "Provider"),
        Tracked("completed_on", "Completion date", show_date),
        Tracked("units", "CEUs", show_units),
        Tracked("kind", "Kind", show_kind),
        Tracked("aapc", "Reported to AAPC", show_yes_no),
        Tracked("aapc_index", "AAPC index number"),
        Tracked("topic", "Topic", show_topic),
        Tracked("ahima", "Reported to AHIMA", show_yes_no),
        Tracked("ahima_domain", "In an AHIMA domain", show_yes_no),
        Tracked("ahima_sourced", "Offered by AHIMA or a state association", show_yes_no),
        Tracked("certificate", "Certificate", show_file),
        Tracked("certificate_name", "Certificate file name"),
        Tracked("notes", "Notes"),
    ),
    label=lambda row, lookups: row.title,
)
CREDENTIAL = Source(
    kind=RecordKind.CREDENTIAL,
    model=Credential,
    fields=(
        Tracked("credential_type_id", "Credential", lookup="credential_type"),
        Tracked("earned_on", "Certification date", show_date),
    ),
    label=lambda row, lookups: lookups.name("credential_type", row.credential_type_id),
)
OFFICIAL_CYCLE = Source(
    kind=RecordKind.OFFICIAL_CYCLE,
    model=OfficialCycle,
    fields=(
        Tracked("body", "Body"),
        Tracked("start", "Start", show_date),
        Tracked("end", "End", show_date),
        Tracked("required", "Required units", show_units),
    ),
    label=lambda row, lookups: f"{row.body} cycle {show_date(row.start)} to {show_date(row.end)}",
)
RECORD_SOURCES: tuple[Source, ...] = (ACTIVITY, CREDENTIAL, OFFICIAL_CYCLE)
