"""Arrange the engine's results into the cards, rows and badges pages show.

The words themselves (units, dates, statuses, portals, topic names, reasons) come from
ceutrack.credentials.presentation; every figure comes from a `CycleResult`, `BodyResult` or
`Evaluation`. The only arithmetic here is a progress bar's percentage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from ceutrack.credentials.presentation import (  # noqa: F401 (STATUS_* re-exported)
    STATUS_BADGE_CLASSES,
    STATUS_BAR_CLASSES,
    STATUS_LABELS,
    OptionWords,
    apprentice_option_name,
    apprentice_options,
    days_phrase,
    non_domain_cap_phrase,
    outstanding_items,
    portal,
    rejection_reason,
    rounded,
    status_label,
    topic_label,
    units_phrase,
)
from ceutrack.credentials.presentation import units as format_units
from ceutrack.rules import (
    DEFAULT_CATALOG,
    SELF_REVIEW,
    ApprenticeStatus,
    BodyResult,
    Catalog,
    CycleResult,
    Evaluation,
    Status,
)


def percent(part: Decimal, whole: Decimal) -> int:
    """Share as a whole percentage for a progress bar, floored and kept within 0..100."""
    if whole <= 0:
        return 100
    share = int((part * 100 / whole).to_integral_value(rounding=ROUND_FLOOR))
    return max(0, min(100, share))


# ---------------------------------------------------------------- status reason


def status_reason(cycle: CycleResult, *, body: str) -> str:
    """Why the badge says what it says, in the coder's words."""
    owed = units_phrase(cycle.remaining)
    missing = outstanding_items(o for o in cycle.outstanding if o.kind == SELF_REVIEW)
    if cycle.status == Status.COMPLETE:
        return f"Complete — report your units in the {portal(body).name}"
    if cycle.status == Status.LAPSED:
        ago = -cycle.days_left
        when = "today" if ago == 0 else f"{days_phrase(ago)} ago"
        what = f"{owed} owed" if cycle.remaining > 0 else ", ".join(missing).lower()
        return f"Lapsed {when} with {what}"
    if cycle.remaining == 0 and missing:
        return f"All units earned; {', '.join(missing).lower()}"
    if cycle.status == Status.BEHIND:
        return f"{units_phrase(rounded(cycle.pace_gap))} behind a steady pace"
    if cycle.status == Status.AT_RISK:
        return f"{days_phrase(cycle.days_left)} left, {owed} owed"
    ahead = -rounded(cycle.pace_gap)
    if ahead > 0:
        return f"{units_phrase(ahead)} ahead of a steady pace, {owed} to go"
    if ahead < 0:
        return (
            f"{units_phrase(-ahead)} short of a steady pace, "
            f"{owed} to go in {days_phrase(cycle.days_left)}"
        )
    return f"On a steady pace, {owed} to go in {days_phrase(cycle.days_left)}"


# ---------------------------------------------------------------- display objects


@dataclass(frozen=True)
class Badge:
    status: str
    label: str
    css_class: str
    reason: str


@dataclass(frozen=True)
class TopicRow:
    topic: str
    label: str
    required: str
    earned: str
    met: bool
    percent: int


@dataclass(frozen=True)
class AhimaFigures:
    domain_earned: str | None
    non_domain_earned: str | None
    non_domain_cap: str | None
    non_domain_over_cap: bool
    cap_phrase: str  # "the 20 % cap on non-domain units", from the catalog
    sourced_required: str | None
    sourced_earned: str | None
    sourced_met: bool
    sourced_percent: int


@dataclass(frozen=True)
class ApprenticeView:
    credential: str
    ready: bool
    met_by: str | None
    closest: str | None
    closest_steps: list[str]
    options: list[OptionWords]  # every option, the closest first, conditions marked


@dataclass(frozen=True)
class CycleView:
    start: date
    end: date
    required: str
    earned: str
    remaining: str
    surplus: str | None
    progress: str
    progress_decimal: Decimal
    required_decimal: Decimal
    percent: int
    days_left: int
    days_left_text: str
    expected: str
    official: bool
    badge: Badge
    bar_class: str
    topics: list[TopicRow]
    ahima: AhimaFigures | None
    outstanding: list[str]


@dataclass(frozen=True)
class BodyCard:
    body: str
    credentials: tuple[str, ...]
    portal_name: str
    portal_url: str
    cycle: CycleView | None
    apprentice: ApprenticeView | None
    history_count: int


def badge(cycle: CycleResult, *, body: str) -> Badge:
    status = str(cycle.status)
    return Badge(
        status=status,
        label=status_label(status),
        css_class=STATUS_BADGE_CLASSES.get(status, "text-bg-secondary"),
        reason=status_reason(cycle, body=body),
    )


def days_left_text(days_left: int) -> str:
    if days_left > 0:
        return f"{days_phrase(days_left)} left"
    if days_left == 0:
        return "Ends today"
    return f"Ended {days_phrase(-days_left)} ago"


def _ahima_figures(cycle: CycleResult, *, body: str, catalog: Catalog) -> AhimaFigures | None:
    if cycle.domain_earned is None and cycle.sourced is None:
        return None

    def fmt(value: Decimal | None) -> str | None:
        return None if value is None else format_units(value)

    sourced = cycle.sourced
    return AhimaFigures(
        domain_earned=fmt(cycle.domain_earned),
        non_domain_earned=fmt(cycle.non_domain_earned),
        non_domain_cap=fmt(cycle.non_domain_cap),
        non_domain_over_cap=cycle.non_domain_over_cap,
        cap_phrase=non_domain_cap_phrase(body, catalog),
        sourced_required=fmt(sourced.required) if sourced else None,
        sourced_earned=fmt(sourced.earned) if sourced else None,
        sourced_met=bool(sourced and sourced.met),
        sourced_percent=percent(sourced.earned, sourced.required) if sourced else 0,
    )


def present_cycle(
    cycle: CycleResult, *, body: str, catalog: Catalog = DEFAULT_CATALOG
) -> CycleView:
    return CycleView(
        start=cycle.start,
        end=cycle.end,
        required=format_units(cycle.required),
        earned=format_units(cycle.earned),
        remaining=format_units(cycle.remaining),
        surplus=format_units(cycle.surplus) if cycle.surplus > 0 else None,
        progress=format_units(cycle.progress),
        progress_decimal=cycle.progress,
        required_decimal=cycle.required,
        percent=percent(cycle.progress, cycle.required),
        days_left=cycle.days_left,
        days_left_text=days_left_text(cycle.days_left),
        expected=format_units(rounded(cycle.expected, "0.01")),
        official=cycle.official,
        badge=badge(cycle, body=body),
        bar_class=STATUS_BAR_CLASSES.get(str(cycle.status), "bg-primary"),
        topics=[
            TopicRow(
                topic=t.topic,
                label=topic_label(t.topic, catalog),
                required=format_units(t.required),
                earned=format_units(t.earned),
                met=t.met,
                percent=percent(t.earned, t.required),
            )
            for t in cycle.topics
        ],
        ahima=_ahima_figures(cycle, body=body, catalog=catalog),
        outstanding=outstanding_items(cycle.outstanding),
    )


def present_apprentice(status: ApprenticeStatus) -> ApprenticeView:
    options = apprentice_options(status)
    closest = options[0] if options else None
    return ApprenticeView(
        credential=status.credential,
        ready=status.removal_ready,
        met_by=apprentice_option_name(status.met_by) if status.met_by else None,
        closest=closest.name if closest else None,
        closest_steps=[c.text for c in closest.conditions] if closest else [],
        options=options,
    )


def present_body(result: BodyResult, *, catalog: Catalog = DEFAULT_CATALOG) -> BodyCard:
    where = portal(result.body)
    cycle = result.current
    return BodyCard(
        body=result.body,
        credentials=cycle.credentials if cycle and cycle.credentials else result.credentials,
        portal_name=where.name,
        portal_url=where.url,
        cycle=present_cycle(cycle, body=result.body, catalog=catalog) if cycle else None,
        apprentice=present_apprentice(result.apprentice) if result.apprentice else None,
        history_count=len(result.history),
    )


@dataclass(frozen=True)
class HistoryRow:
    start: date
    end: date
    required: str
    earned: str
    remaining: str
    badge: Badge
    official: bool
    credentials: tuple[str, ...]  # those that applied in that cycle, not today's


def present_history(result: BodyResult) -> list[HistoryRow]:
    """Ended cycles newest first (the engine lists them oldest first)."""
    return [
        HistoryRow(
            start=c.start,
            end=c.end,
            required=format_units(c.required),
            earned=format_units(c.earned),
            remaining=format_units(c.remaining),
            badge=badge(c, body=result.body),
            official=c.official,
            credentials=c.credentials,
        )
        for c in reversed(result.history)
    ]


@dataclass(frozen=True)
class RejectionRow:
    name: str
    reason: str


def present_rejections(
    evaluation: Evaluation, *, activity_titles: dict[str, str], catalog: Catalog = DEFAULT_CATALOG
) -> list[RejectionRow]:
    """Entries the engine refused, named by activity title (or credential code) with why."""
    return [
        RejectionRow(
            name=activity_titles.get(r.id, r.id), reason=rejection_reason(r.reason, catalog)
        )
        for r in evaluation.rejected
    ]
