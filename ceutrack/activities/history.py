"""Change history of a person's records: who changed what and when.

django-simple-history stores one row per save or delete of an activity, credential, official
cycle (here) and organization membership (ceutrack.organizations.history). This module turns
those rows into `HistoryEntry` dataclasses for pages, the audit pack and the API: what kind of
change, by whom, which fields went from what to what (human labels, plain text that templates
escape), and, for activities, whether the change came after the cycle the activity counts in
had ended (the engine decides: ceutrack.rules.changes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import activity_allocations, evaluate_person
from ceutrack.activities.history_sources import (
    ACTIVITY,
    BLANK,
    CREDENTIAL,
    LOOKUPS,
    OFFICIAL_CYCLE,
    Lookups,
    RecordKind,
    Source,
)
from ceutrack.activities.models import Activity
from ceutrack.rules import Evaluation
from ceutrack.rules.changes import changed_after_cycle

# The change reason of the record each existing row got when history was switched on (see the
# change_history migrations): the start of the record's history, not a change anyone made.
BASELINE_REASON = "history began"
NOT_RECORDED = "not recorded"


class Action(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"


ACTION_TYPES = {"+": Action.CREATED, "~": Action.CHANGED, "-": Action.DELETED}


@dataclass(frozen=True)
class FieldChange:
    """One field's change, as text for people: `old` is empty for a created record."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class CycleRef:
    """A cycle, by its body and last day: one an activity counts in, or an audit pack's."""

    body: str
    end: date


@dataclass(frozen=True)
class HistoryEntry:
    """One change to one record. Every value is plain text or a date: templates escape it,
    `as_json()` gives the API's JSON."""

    id: int  # the history row's id, unique within `record_kind`
    record_kind: RecordKind
    record_id: int
    record_label: str  # the record as it read after the change (before, for a deletion)
    action: Action
    at: datetime
    by: str  # "you", a person's name, or "not recorded" (a job, a script, a removed account)
    by_you: bool
    changes: tuple[FieldChange, ...] = ()
    # The cycles that had ended when the change was made (only activities are judged).
    after_cycle_end: tuple[CycleRef, ...] = ()
    # False when the record's values before this change were not kept (it predates history).
    earlier_recorded: bool = True
    # True when fields this viewer may not see changed too (a manager and a person's notes).
    withheld_changes: bool = False

    @property
    def record_kind_label(self) -> str:
        return RecordKind(self.record_kind).label

    @property
    def flagged(self) -> bool:
        return bool(self.after_cycle_end)

    @property
    def by_text(self) -> str:
        """e.g. "by you"; a change without a signed-in person came from a job or a script."""
        if self.by == NOT_RECORDED:
            return "no person recorded (an automatic job or a script)"
        return f"by {self.by}"

    @property
    def summary(self) -> str:
        """e.g. "Activity changed"."""
        return f"{self.record_kind_label} {self.action.value}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "record_kind": str(self.record_kind),
            "record_id": self.record_id,
            "record_label": self.record_label,
            "action": self.action.value,
            "at": self.at.isoformat(),
            "by": self.by,
            "by_you": self.by_you,
            "changes": [
                {"field": c.field, "label": c.label, "old": c.old, "new": c.new}
                for c in self.changes
            ],
            "after_cycle_end": [
                {"body": c.body, "cycle_end": c.end.isoformat()} for c in self.after_cycle_end
            ],
            "earlier_recorded": self.earlier_recorded,
            "withheld_changes": self.withheld_changes,
        }


# ------------------------------------------------------------------ rows to entries


@dataclass(frozen=True)
class Scope:
    """The history rows of one source a page may show, and the fields it must leave out
    (a manager does not see an activity's notes)."""

    source: Source
    rows: Q
    hidden: frozenset[str] = frozenset()
    # Only changes from this moment on are listed; a change's earlier values still come from
    # the rows before it (the record as it stood then), so the first change shows a diff.
    since: datetime | None = None

    def listed(self) -> QuerySet[Any]:
        rows = self.source.history().filter(self.rows)
        return rows if self.since is None else rows.filter(history_date__gte=self.since)


@dataclass
class Viewing:
    """Who is looking at whose records; how activities' cycles are judged."""

    owner: User
    viewer: User | None  # who reads "you"; None names everyone (a PDF for an auditor)
    # activity id -> the cycles it counts in (from the engine's allocations)
    counts_in: Mapping[int, Sequence[CycleRef]] = field(default_factory=dict)
    lookup_loaders: Mapping[str, Callable[[set[int]], dict[int, str]]] = field(
        default_factory=lambda: LOOKUPS
    )

    def who(self, user: User | None) -> tuple[str, bool]:
        if user is None:
            return NOT_RECORDED, False
        if self.viewer is not None and user.pk == self.viewer.pk:
            return "you", True
        return user.display_name, False


def cycles_of(evaluation: Evaluation) -> dict[int, list[CycleRef]]:
    """Activity id -> the cycles it counts in, from an evaluation's allocations."""
    found: dict[int, list[CycleRef]] = {}
    for activity_id, allocations in activity_allocations(evaluation).items():
        if activity_id.isdigit():
            found[int(activity_id)] = [
                CycleRef(a.body, a.cycle_end) for a in allocations if a.cycle_end is not None
            ]
    return found


def _late(viewing: Viewing, source: Source, row: Any, at: datetime) -> tuple[CycleRef, ...]:
    if source.kind != RecordKind.ACTIVITY:
        return ()
    changed_on = timezone.localtime(at, viewing.owner.zone).date()
    return tuple(
        cycle
        for cycle in viewing.counts_in.get(row.id, ())
        if changed_after_cycle(cycle_end=cycle.end, changed_on=changed_on)
    )


def _changes(
    source: Source, row: Any, previous: Any | None, lookups: Lookups, hidden: frozenset[str]
) -> tuple[FieldChange, ...]:
    changes = []
    for tracked in source.fields:
        if tracked.name in hidden:
            continue
        new = getattr(row, tracked.name)
        old = None if previous is None else getattr(previous, tracked.name)
        if previous is not None and old == new:
            continue
        if tracked.lookup:
            new_text = lookups.name(tracked.lookup, new)
            old_text = "" if previous is None else lookups.name(tracked.lookup, old)
        else:
            new_text = tracked.show(new)
            old_text = "" if previous is None else tracked.show(old)
        if previous is None and new_text in (BLANK, "none", "No"):
            continue  # a created record lists only what was filled in or ticked
        if old_text == new_text:  # the shown value hides the difference (a new file)
            new_text = "replaced"
        changes.append(FieldChange(tracked.name, tracked.label, old_text, new_text))
    return tuple(changes)


def _entries_of_record(
    scope: Scope, rows: list[Any], viewing: Viewing, lookups: Lookups
) -> Iterable[tuple[Any, HistoryEntry]]:
    """Entries of one record from all its history rows, oldest first."""
    previous = None
    for row in rows:
        if row.history_type == "+" and row.history_change_reason == BASELINE_REASON:
            previous = row
            continue
        action = ACTION_TYPES[row.history_type]
        by, by_you = viewing.who(row.history_user)
        withheld = False
        if action == Action.CHANGED:
            changes = _changes(scope.source, row, previous, lookups, scope.hidden)
            if previous is None:
                changes = ()  # the values before this change were never recorded
            else:
                withheld = any(
                    getattr(row, name) != getattr(previous, name) for name in scope.hidden
                )
        elif action == Action.CREATED:
            changes = _changes(scope.source, row, None, lookups, scope.hidden)
        else:
            changes = ()
        yield (
            row,
            HistoryEntry(
                id=row.history_id,
                record_kind=scope.source.kind,
                record_id=row.id,
                record_label=scope.source.label(row, lookups),
                action=action,
                at=row.history_date,
                by=by,
                by_you=by_you,
                changes=changes,
                after_cycle_end=_late(viewing, scope.source, row, row.history_date),
                earlier_recorded=action != Action.CHANGED or previous is not None,
                withheld_changes=withheld,
            ),
        )
        previous = row


def _history_rows(scope: Scope, record_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Every history row of these records (within the scope), oldest first, by record id."""
    rows: defaultdict[int, list[Any]] = defaultdict(list)
    queryset = (
        scope.source.history()
        .filter(scope.rows, id__in=set(record_ids))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for row in queryset:
        rows[row.id].append(row)
    return rows


def _lookups_for(viewing: Viewing, scope: Scope, rows: Iterable[list[Any]]) -> Lookups:
    lookups = Lookups(viewing.lookup_loaders)
    lookup_fields = [t for t in scope.source.fields if t.lookup]
    for record_rows in rows:
        for row in record_rows:
            for tracked in lookup_fields:
                lookups.want(tracked.lookup, getattr(row, tracked.name))
    return lookups


def _entries_of_records(
    scope: Scope, record_ids: Iterable[int], viewing: Viewing
) -> list[HistoryEntry]:
    """Every entry of these records, each record's oldest first."""
    by_record = _history_rows(scope, record_ids)
    lookups = _lookups_for(viewing, scope, by_record.values())
    return [
        entry
        for rows in by_record.values()
        for _, entry in _entries_of_record(scope, rows, viewing, lookups)
    ]


def entries_for(
    scopes: Sequence[Scope], keys: Iterable[tuple[str, int]], viewing: Viewing
) -> list[HistoryEntry]:
    """The entries for (record kind, history id) keys, in the keys' order. Each record's
    earlier rows are read too, so that every change shows what it changed from."""
    keys = list(keys)
    wanted: defaultdict[str, set[int]] = defaultdict(set)
    for kind, history_id in keys:
        wanted[kind].add(history_id)
    found: dict[tuple[str, int], HistoryEntry] = {}
    for scope in scopes:
        ids = wanted.get(scope.source.kind)
        if not ids:
            continue
        listed = set(scope.listed().filter(history_id__in=ids).values_list("history_id", "id"))
        ids = {history_id for history_id, _ in listed}
        by_record = _history_rows(scope, {record_id for _, record_id in listed})
        lookups = _lookups_for(viewing, scope, by_record.values())
        for rows in by_record.values():
            for row, entry in _entries_of_record(scope, rows, viewing, lookups):
                if row.history_id in ids:
                    found[(scope.source.kind, row.history_id)] = entry
    return [found[key] for key in keys if key in found]


def history_index(scopes: Sequence[Scope]) -> QuerySet[Any]:
    """(kind, history id, when) of every change in the scopes, newest first, as one query a
    Paginator can count and slice. The "history began" records are not changes."""
    parts = [
        scope.listed()
        .exclude(history_type="+", history_change_reason=BASELINE_REASON)
        .order_by()
        .annotate(record_kind=Value(str(scope.source.kind), output_field=models.CharField()))
        .values_list("record_kind", "history_id", "history_date")
        for scope in scopes
    ]
    if not parts:
        raise ValueError("history_index needs at least one scope")
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id")


def history_began(scopes: Sequence[Scope]) -> datetime | None:
    """When history was switched on for records that existed then (None if none did)."""
    moments = [
        scope.source.history()
        .filter(scope.rows, history_type="+", history_change_reason=BASELINE_REASON)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
        for scope in scopes
    ]
    found = [m for m in moments if m is not None]
    return min(found) if found else None


# ------------------------------------------------------------------ one activity


def activity_history(activity: Activity, *, viewer: User | None = None) -> list[HistoryEntry]:
    """Every recorded change of one activity, newest first ("you" is `viewer`, by default the
    activity's owner). Each entry says whether it came after a cycle the activity counts in
    had ended. The caller has checked that the viewer may see the activity."""
    owner = activity.user
    viewing = Viewing(
        owner=owner, viewer=viewer or owner, counts_in=cycles_of(evaluate_person(owner))
    )
    entries = _entries_of_records(Scope(ACTIVITY, Q(user_id=owner.pk)), [activity.pk], viewing)
    return entries[::-1]


def activity_history_began(activity: Activity) -> datetime | None:
    """When history began for an activity that existed before it (None otherwise)."""
    return activity_history_began_of(activity.user, [activity.pk])


def activity_history_began_of(owner: User, activity_ids: Sequence[int]) -> datetime | None:
    """When history began for those of these activities that existed before it, if any."""
    return history_began([Scope(ACTIVITY, Q(id__in=activity_ids, user_id=owner.pk))])


def changes_of_counted(
    owner: User, *, activity_ids: Sequence[int], cycle: CycleRef
) -> list[HistoryEntry]:
    """Every recorded change of the activities counted in one cycle, oldest first, each
    flagged when it came after that cycle had ended; people are named (for the audit pack)."""
    viewing = Viewing(owner=owner, viewer=None, counts_in={pk: [cycle] for pk in activity_ids})
    entries = _entries_of_records(Scope(ACTIVITY, Q(user_id=owner.pk)), activity_ids, viewing)
    return sorted(entries, key=lambda e: (e.at, e.id))


def changes_of_body_dates(owner: User, *, cycle: CycleRef) -> list[HistoryEntry]:
    """Every recorded change of the body's official cycle dates and of the person's
    credentials of that body (they set the cycles), oldest first, each flagged when it came
    after the cycle had ended (for the audit pack)."""
    viewing = Viewing(owner=owner, viewer=None)
    scopes = (
        Scope(OFFICIAL_CYCLE, Q(user_id=owner.pk, body=cycle.body)),
        Scope(CREDENTIAL, Q(user_id=owner.pk, credential_type__body=cycle.body)),
    )
    entries = []
    for scope in scopes:
        record_ids = scope.source.history().filter(scope.rows).values_list("id", flat=True)
        for entry in _entries_of_records(scope, set(record_ids), viewing):
            changed_on = timezone.localtime(entry.at, owner.zone).date()
            late = changed_after_cycle(cycle_end=cycle.end, changed_on=changed_on)
            entries.append(replace(entry, after_cycle_end=(cycle,) if late else ()))
    return sorted(entries, key=lambda e: (e.at, e.id))


# ------------------------------------------------------------------ pages of changes


@dataclass
class HistoryPage:
    page: Page[Any]
    entries: list[HistoryEntry]


def history_page(
    scopes: Sequence[Scope], viewing: Viewing, *, number: Any, per_page: int
) -> HistoryPage:
    """One page of changes, newest first."""
    page = Paginator(history_index(scopes), per_page).get_page(number)
    keys = [(kind, history_id) for kind, history_id, _ in page.object_list]
    return HistoryPage(page, entries_for(scopes, keys, viewing))
