"""The staff list of the compliance dashboard: filtered, sorted staff with their stored
summaries, status counts, rows and CSV lines, in a fixed number of queries whatever the number
of staff."""

import csv
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from ceutrack import rules
from ceutrack.credentials.presentation import STATUS_BADGE_CLASSES, day, status_label
from ceutrack.credentials.presentation import units as format_units
from ceutrack.organizations import summaries
from ceutrack.organizations.access import visible_staff
from ceutrack.organizations.forms import SORTS
from ceutrack.organizations.models import Membership, Organization, SummaryStatus

# People with no stored row at all whom a page may evaluate itself; more wait for the task.
INLINE_LIMIT = 20


def staff_with_fresh_summaries(organization: Organization) -> QuerySet[Membership]:
    """Visible staff; stale or missing rows are handed to a task (see staff_and_counts)."""
    return staff_and_counts(organization)[0]


def staff_and_counts(
    organization: Organization,
) -> tuple[QuerySet[Membership], list[dict[str, Any]], int]:
    """Visible staff, their count per status (worst first, zeros included) and how many
    rows are being updated.

    The page never recomputes a crowd: rows whose verdict stopped holding (or all of them
    after a catalog change) are recomputed by a task and counted meanwhile with their last
    verdict; only people with no row at all, at most INLINE_LIMIT, are evaluated here. The
    grouping query also counts those rows, so the usual load reads 10,000 people once."""
    staff = visible_staff(organization)
    rows = _grouped(staff, now=timezone.now())
    missing = sum(row["missing"] for row in rows)
    if 0 < missing <= INLINE_LIMIT:
        summaries.refresh_summaries(summaries.missing_user_ids(staff))
        rows = _grouped(staff, now=timezone.now())
    if any(row["stale"] for row in rows):
        summaries.refresh_later(organization.pk)
    counts = {
        row["user__compliance_summary__status"] or SummaryStatus.NONE: row["n"] for row in rows
    }
    return (
        staff,
        [
            {"status": status, "label": label, "count": counts.get(status, 0)}
            for status, label in SummaryStatus.choices
        ],
        sum(row["stale"] for row in rows),
    )


def _grouped(staff: QuerySet[Membership], *, now: datetime) -> list[dict[str, Any]]:
    missing = Q(user__compliance_summary__isnull=True)
    return list(
        staff.values("user__compliance_summary__status")
        .annotate(
            n=Count("id"),
            missing=Count("id", filter=missing),
            stale=Count("id", filter=missing | Q(user__compliance_summary__valid_until__lte=now)),
        )
        .order_by()
    )


def known_count(counts: list[dict[str, Any]], data: dict[str, Any]) -> int | None:
    """The table's row count when the status counts already tell it (no filter, or only
    a status filter), saving a COUNT over every staff member."""
    filters = {k for k, v in data.items() if v and k != "sort"}
    if not filters:
        return sum(c["count"] for c in counts)
    if filters == {"status"}:
        return next(c["count"] for c in counts if c["status"] == data["status"])
    return None


class CountedPaginator(Paginator):
    """A Paginator told the row count when the status counts already hold it (see
    known_count): it skips a COUNT over every staff member, about 8 ms of a 33 ms first page
    for 10,000 staff on SQLite (benchmarks/employer_dashboard.py's data)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return super().count if self.known_count is None else self.known_count


def filter_staff(staff: QuerySet[Membership], data: dict[str, Any]) -> QuerySet[Membership]:
    """Apply the dashboard's cleaned filter form data and its sort order."""
    if q := data.get("q"):
        staff = staff.filter(Q(user__full_name__icontains=q) | Q(user__email__icontains=q))
    if status := data.get("status"):
        if status == SummaryStatus.NONE:
            staff = staff.filter(
                Q(user__compliance_summary__status=status)
                | Q(user__compliance_summary__isnull=True)
            )
        else:
            staff = staff.filter(user__compliance_summary__status=status)
    if body := data.get("body"):
        staff = staff.filter(user__compliance_summary__body_codes__contains=f",{body},")
    if credential := data.get("credential"):
        staff = staff.filter(
            user__compliance_summary__credential_codes__contains=f",{credential.upper()},"
        )
    if team := data.get("team"):
        staff = staff.filter(team=team)
    order = SORTS.get(data.get("sort") or "status", SORTS["status"])
    ordering = [
        F(key.lstrip("-")).desc(nulls_last=True)
        if key.startswith("-")
        else F(key).asc(nulls_last=True)
        for key in order
    ]
    return staff.order_by(*ordering, "user__email", "pk")


ROW_COLUMNS = (
    "pk",
    "user__full_name",
    "user__email",
    "team__name",
    "user__compliance_summary__status",
    "user__compliance_summary__credentials",
    "user__compliance_summary__cycle_end",
    "user__compliance_summary__remaining",
    "user__compliance_summary__bodies",
    "user__compliance_summary__last_activity_on",
    "user__compliance_summary__as_of",
    "user__compliance_summary__valid_until",
    "user__time_zone",
)


@dataclass(frozen=True)
class StaffRow:
    """One table row, formatted here so the template only prints (a page of 50 rows
    renders in a few milliseconds instead of resolving hundreds of lookups)."""

    membership_id: int
    url: str
    name: str
    email: str
    team: str
    status: str
    status_label: str
    badge_class: str
    credentials: str
    cycle_end: str
    days_left: int | None
    units: list[str]
    remaining: str
    last_activity_on: str
    updating: bool  # the verdict shown is the last one; a task is recomputing it


def short_date(value: date | None) -> str:
    """30 Jun 2025, as everywhere (the `date` filter costs ~0.15 ms a call, 100 a page)."""
    return day(value)


class LocalToday:
    """Each person's own today (per time zone, computed once a page)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._days: dict[str, date] = {}

    def __call__(self, time_zone: str) -> date:
        day = self._days.get(time_zone)
        if day is None:
            try:
                zone = zoneinfo.ZoneInfo(time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = zoneinfo.ZoneInfo("UTC")
            day = self._days[time_zone] = self.now.astimezone(zone).date()
        return day


def days_left_on(cycle_end: date | None, time_zone: str, today: LocalToday) -> int | None:
    """Days left derived at read time (the stored verdict holds for many days)."""
    return None if cycle_end is None else rules.days_left(cycle_end, today(time_zone))


def staff_rows(values: Iterable[dict[str, Any]], *, organization: Organization) -> list[StaffRow]:
    labels = dict(SummaryStatus.choices)
    today = LocalToday()
    # One reverse() for the page; each row only swaps in its own id.
    url = reverse("organizations:member_detail", args=[organization.slug, 0])
    prefix, suffix = url[: url.rindex("/0/")], "/"
    rows = []
    for v in values:
        status = v["user__compliance_summary__status"] or SummaryStatus.NONE
        bodies = v["user__compliance_summary__bodies"] or []
        several = len(bodies) > 1
        rows.append(
            StaffRow(
                membership_id=v["pk"],
                url=f"{prefix}/{v['pk']}{suffix}",
                name=v["user__full_name"] or v["user__email"],
                email=v["user__email"],
                team=v["team__name"] or "",
                status=status,
                status_label=labels[status],
                badge_class=STATUS_BADGE_CLASSES.get(status, "text-bg-secondary"),
                credentials=v["user__compliance_summary__credentials"] or "",
                cycle_end=short_date(v["user__compliance_summary__cycle_end"]),
                days_left=days_left_on(
                    v["user__compliance_summary__cycle_end"], v["user__time_zone"], today
                ),
                units=[
                    f"{b['body'] + ' ' if several else ''}"
                    f"{format_units(Decimal(b['earned']))} / {format_units(Decimal(b['required']))}"
                    for b in bodies
                ],
                remaining=_units(v["user__compliance_summary__remaining"]),
                last_activity_on=short_date(v["user__compliance_summary__last_activity_on"]),
                updating=v["user__compliance_summary__as_of"] is None
                or (
                    v["user__compliance_summary__valid_until"] is not None
                    and v["user__compliance_summary__valid_until"] <= today.now
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class FilterField:
    name: str
    label: str
    value: str
    options: list[tuple[str, str, bool]] | None  # None: a text box


def filter_fields(form: Any) -> list[FilterField]:
    """The filter form as plain data: Django's template-based widget rendering of ~60
    options costs more than the whole table, so the page prints these directly."""
    fields = []
    for bound in form:
        value = "" if bound.value() is None else str(bound.value())
        choices = getattr(bound.field, "choices", None)
        options = (
            None
            if choices is None
            else [(str(v), str(label), str(v) == value) for v, label in choices]
        )
        fields.append(FilterField(bound.name, str(bound.label), value, options))
    return fields


CSV_HEADER = [
    "Name",
    "Email",
    "Team",
    "Body",
    "Status",
    "Credentials",
    "Cycle start",
    "Cycle end",
    "Days left",
    "Earned",
    "Required",
    "Remaining",
    "Last activity",
    "As of",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(staff: QuerySet[Membership]) -> Iterator[str]:
    """The filtered table as CSV lines, one per person and certifying body (a person with
    AAPC and AHIMA credentials has two rows, as the page shows two figures), read in chunks
    so 10,000 people stream. A person with no current cycle has one row without a body."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    labels = dict(SummaryStatus.choices)
    columns = (
        "user__full_name",
        "user__email",
        "team__name",
        "user__compliance_summary__status",
        "user__compliance_summary__credentials",
        "user__compliance_summary__bodies",
        "user__compliance_summary__last_activity_on",
        "user__compliance_summary__as_of",
        "user__time_zone",
    )
    today = LocalToday()
    for name, email, team, status, creds, bodies, last, as_of, zone in staff.values_list(
        *columns
    ).iterator(chunk_size=2000):
        person = [_safe_cell(name), _safe_cell(email), _safe_cell(team or "")]
        dates = [last or "", as_of or ""]
        if not bodies:
            none = labels.get(status or SummaryStatus.NONE, status)
            yield writer.writerow([*person, "", none, creds or "", "", "", "", "", "", "", *dates])
            continue
        for b in bodies:
            days = days_left_on(date.fromisoformat(b["cycle_end"]), zone, today)
            yield writer.writerow(
                [
                    *person,
                    b["body"],
                    status_label(b["status"]),
                    ", ".join(b.get("credentials", [])),
                    b.get("cycle_start", ""),
                    b["cycle_end"],
                    "" if days is None else days,
                    format_units(Decimal(b["earned"])),
                    format_units(Decimal(b["required"])),
                    format_units(Decimal(b["remaining"])),
                    *dates,
                ]
            )


def _units(value: Decimal | None) -> str:
    return "" if value is None else format_units(value)


def _safe_cell(value: str) -> str:
    # A spreadsheet would run a cell starting with these as a formula (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
