"""Turn the engine's results into what the coder dashboard shows.

Formatting only: every number here comes from a `CycleResult`, `BodyResult` or `Evaluation`;
the only arithmetic is turning those figures into words, percentages and rounded display values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from ceutrack.rules import (
    ApprenticeOption,
    ApprenticeStatus,
    BodyResult,
    CycleResult,
    Evaluation,
    Status,
)

PORTALS: dict[str, tuple[str, str]] = {
    "AAPC": ("AAPC portal", "https://www.aapc.com/"),
    "AHIMA": ("AHIMA portal", "https://www.ahima.org/"),
}

STATUS_LABELS: dict[str, str] = {
    Status.COMPLETE: "Complete",
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.BEHIND: "Behind",
    Status.LAPSED: "Lapsed",
}

# Bootstrap contextual classes with enough contrast for the badge text.
STATUS_BADGE_CLASSES: dict[str, str] = {
    Status.COMPLETE: "text-bg-success",
    Status.ON_TRACK: "text-bg-primary",
    Status.AT_RISK: "text-bg-warning",
    Status.BEHIND: "text-bg-danger",
    Status.LAPSED: "text-bg-dark",
}

STATUS_BAR_CLASSES: dict[str, str] = {
    Status.COMPLETE: "bg-success",
    Status.ON_TRACK: "bg-primary",
    Status.AT_RISK: "bg-warning",
    Status.BEHIND: "bg-danger",
    Status.LAPSED: "bg-secondary",
}

_TOPIC_LABELS: dict[str, str] = {
    "ent": "ENT (otolaryngology)",
    "obgyn": "OB/GYN",
    "evaluation_management": "Evaluation and management",
    "interventional_radiology_cardiovascular": "Interventional radiology / cardiovascular",
    "anesthesia_pain": "Anesthesia and pain management",
    "hematology_oncology": "Hematology and oncology",
    "plastics_reconstructive_surgery": "Plastics and reconstructive surgery",
    "cardiovascular_thoracic_surgery": "Cardiovascular and thoracic surgery",
}

_APPRENTICE_OPTIONS: dict[str, str] = {
    "experience": "Documented coding experience",
    "experience_and_course": "Coding experience plus a coding course",
    "course_and_practicode": "A coding course plus the Practicode program",
}

REJECTION_REASONS: dict[str, str] = {
    "future_date": "its completion date is after today",
    "invalid_units": "its units must be more than 0 and at most 40",
    "invalid_increment": "its units must be in steps of 0.5",
    "unknown_credential": "this credential is not in the catalog",
    "future_credential": "its certification date is after today",
}


# ---------------------------------------------------------------- small formatters


def format_units(value: Decimal) -> str:
    """6 -> "6", 3.50 -> "3.5", 7.35 -> "7.35" (no trailing zeros, no exponent)."""
    text = f"{value.normalize():f}"
    return "0" if text in {"-0", ""} else text


def units_phrase(value: Decimal) -> str:
    return f"{format_units(value)} unit{'' if value == 1 else 's'}"


def days_phrase(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


def percent(part: Decimal, whole: Decimal) -> int:
    """Share as a whole percentage for a progress bar, floored and kept within 0..100."""
    if whole <= 0:
        return 100
    share = int((part * 100 / whole).to_integral_value(rounding=ROUND_FLOOR))
    return max(0, min(100, share))


def round_display(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def topic_label(topic: str) -> str:
    key = topic.strip().lower()
    return _TOPIC_LABELS.get(key, key.replace("_", " ").capitalize())


def outstanding_items(items: tuple[str, ...]) -> list[str]:
    """The engine's outstanding codes ("self_review:2", "apprentice_removal") in words."""
    words = []
    for item in items:
        code, _, count = item.partition(":")
        if code == "self_review":
            n = int(count or 1)
            words.append(f"{n} coding self-review{'' if n == 1 else 's'} missing")
        elif code == "apprentice_removal":
            words.append("Apprentice (-A) designation not yet removed")
        else:
            words.append(code.replace("_", " ").capitalize())
    return words


# ---------------------------------------------------------------- status reason


def status_reason(cycle: CycleResult, *, body: str) -> str:
    """Why the badge says what it says, in the coder's words."""
    owed = units_phrase(cycle.remaining)
    missing = outstanding_items(tuple(o for o in cycle.outstanding if o.startswith("self_review")))
    if cycle.status == Status.COMPLETE:
        portal = PORTALS.get(body, (f"{body} portal", ""))[0]
        return f"Complete — report your units in the {portal}"
    if cycle.status == Status.LAPSED:
        ago = -cycle.days_left
        when = "today" if ago == 0 else f"{days_phrase(ago)} ago"
        what = f"{owed} owed" if cycle.remaining > 0 else ", ".join(missing).lower()
        return f"Lapsed {when} with {what}"
    if cycle.remaining == 0 and missing:
        return f"All units earned; {', '.join(missing).lower()}"
    if cycle.status == Status.BEHIND:
        gap = round_display(cycle.expected - cycle.progress)
        return f"{units_phrase(gap)} behind a steady pace"
    if cycle.status == Status.AT_RISK:
        return f"{days_phrase(cycle.days_left)} left, {owed} owed"
    ahead = round_display(cycle.progress - cycle.expected)
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
        label=STATUS_LABELS.get(status, status.replace("_", " ").capitalize()),
        css_class=STATUS_BADGE_CLASSES.get(status, "text-bg-secondary"),
        reason=status_reason(cycle, body=body),
    )


def days_left_text(days_left: int) -> str:
    if days_left > 0:
        return f"{days_phrase(days_left)} left"
    if days_left == 0:
        return "Ends today"
    return f"Ended {days_phrase(-days_left)} ago"


def _ahima_figures(cycle: CycleResult) -> AhimaFigures | None:
    if cycle.domain_earned is None and cycle.sourced is None:
        return None

    def fmt(value: Decimal | None) -> str | None:
        return None if value is None else format_units(value)

    over_cap = (
        cycle.non_domain_earned is not None
        and cycle.non_domain_cap is not None
        and cycle.non_domain_earned > cycle.non_domain_cap
    )
    sourced = cycle.sourced
    return AhimaFigures(
        domain_earned=fmt(cycle.domain_earned),
        non_domain_earned=fmt(cycle.non_domain_earned),
        non_domain_cap=fmt(cycle.non_domain_cap),
        non_domain_over_cap=over_cap,
        sourced_required=fmt(sourced.required) if sourced else None,
        sourced_earned=fmt(sourced.earned) if sourced else None,
        sourced_met=bool(sourced and sourced.earned >= sourced.required),
        sourced_percent=percent(sourced.earned, sourced.required) if sourced else 0,
    )


def present_cycle(cycle: CycleResult, *, body: str) -> CycleView:
    surplus = cycle.earned - cycle.required
    return CycleView(
        start=cycle.start,
        end=cycle.end,
        required=format_units(cycle.required),
        earned=format_units(cycle.earned),
        remaining=format_units(cycle.remaining),
        surplus=format_units(surplus) if surplus > 0 else None,
        progress=format_units(cycle.progress),
        progress_decimal=cycle.progress,
        required_decimal=cycle.required,
        percent=percent(cycle.progress, cycle.required),
        days_left=cycle.days_left,
        days_left_text=days_left_text(cycle.days_left),
        expected=format_units(round_display(cycle.expected, "0.01")),
        official=cycle.official,
        badge=badge(cycle, body=body),
        bar_class=STATUS_BAR_CLASSES.get(str(cycle.status), "bg-primary"),
        topics=[
            TopicRow(
                topic=t.topic,
                label=topic_label(t.topic),
                required=format_units(t.required),
                earned=format_units(t.earned),
                met=t.earned >= t.required,
                percent=percent(t.earned, t.required),
            )
            for t in cycle.topics
        ],
        ahima=_ahima_figures(cycle),
        outstanding=outstanding_items(cycle.outstanding),
    )


def _requirement_step(name: str, have: Decimal, need: Decimal) -> str:
    if name == "experience_months":
        return f"{format_units(have)} of {format_units(need)} months of coding experience"
    if name == "course_contact_hours":
        return f"{format_units(have)} of {format_units(need)} coding course contact hours"
    if name == "practicode":
        return "Practicode completed" if have >= need else "Practicode not yet completed"
    return f"{name.replace('_', ' ')}: {format_units(have)} of {format_units(need)}"


def present_apprentice(status: ApprenticeStatus) -> ApprenticeView:
    closest: ApprenticeOption | None = next(
        (o for o in status.options if o.key == status.closest), None
    )
    return ApprenticeView(
        credential=status.credential,
        ready=status.removal_ready,
        met_by=_APPRENTICE_OPTIONS.get(status.met_by, status.met_by) if status.met_by else None,
        closest=(_APPRENTICE_OPTIONS.get(closest.key, closest.key) if closest else None),
        closest_steps=(
            [_requirement_step(r.name, r.have, r.need) for r in closest.requirements]
            if closest
            else []
        ),
    )


def present_body(result: BodyResult) -> BodyCard:
    portal_name, portal_url = PORTALS.get(result.body, (f"{result.body} portal", ""))
    cycle = result.current
    return BodyCard(
        body=result.body,
        credentials=cycle.credentials if cycle and cycle.credentials else result.credentials,
        portal_name=portal_name,
        portal_url=portal_url,
        cycle=present_cycle(cycle, body=result.body) if cycle else None,
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
        )
        for c in reversed(result.history)
    ]


@dataclass(frozen=True)
class RejectionRow:
    name: str
    reason: str


def present_rejections(
    evaluation: Evaluation, *, activity_titles: dict[str, str]
) -> list[RejectionRow]:
    """Entries the engine refused, named by activity title (or credential code) with why."""
    return [
        RejectionRow(
            name=activity_titles.get(r.id, r.id),
            reason=REJECTION_REASONS.get(r.reason, r.reason.replace("_", " ")),
        )
        for r in evaluation.rejected
    ]
