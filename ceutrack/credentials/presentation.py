"""Every word the engine's results become: units, dates, statuses, portals, outstanding items,
reminder kinds, topic labels, why an activity counts where it does, apprentice removal.

Pages (through the `presentation` template filters and the presenters), emails, the audit
pack's PDF and the CSV exports all call these functions, so a figure reads the same
everywhere ("17", never "17.0"; "31 Jan 2027"). Nothing here decides a rule: every figure
comes from the engine's results or the catalog (docs/rules.md); this module only words them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ceutrack import rules
from ceutrack.rules import (
    APPRENTICE_REMOVAL,
    BEFORE_CERTIFICATION,
    DUPLICATE,
    FUTURE_CREDENTIAL,
    FUTURE_DATE,
    INVALID_INCREMENT,
    INVALID_UNITS,
    OUTSIDE_CYCLES,
    SELF_REVIEW,
    UNKNOWN_CREDENTIAL,
    Allocation,
    ApprenticeOption,
    ApprenticeRequirement,
    ApprenticeStatus,
    Catalog,
    Outstanding,
    Status,
)

# ---------------------------------------------------------------- numbers and dates


def units(value: Decimal | int | float | str | None) -> str:
    """36.0 -> "36", 3.50 -> "3.5", 7.35 -> "7.35", 1E+1 -> "10"; "" for no value."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{number.normalize():f}"
    return "0" if text in {"-0", ""} else text


def units_phrase(value: Decimal) -> str:
    """ "1 unit", "2.5 units"."""
    return f"{units(value)} unit{'' if value == 1 else 's'}"


def days_phrase(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


def rounded(value: Decimal, places: str = "0.1") -> Decimal:
    """A display value rounded half-up (the steady pace 7.349 -> 7.3)."""
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def day(value: date | None) -> str:
    """31 Jan 2027: the one date format of pages, emails, the PDF and CSVs."""
    return "" if value is None else f"{value.day} {value:%b} {value.year}"


def span(start: date, end: date) -> str:
    return f"{day(start)} \u2013 {day(end)}"


def share_percent(share: Decimal) -> str:
    """0.20 -> "20 %"."""
    return f"{units(share * 100)} %"


# ---------------------------------------------------------------- statuses and portals

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


# A person without a current cycle (the staff table's "none" status).
NO_CREDENTIALS = "No credentials yet"


def status_label(status: str | None) -> str:
    if not status or status == "none":
        return NO_CREDENTIALS
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def status_badge_class(status: str | None) -> str:
    return STATUS_BADGE_CLASSES.get(status or "", "text-bg-secondary")


@dataclass(frozen=True)
class Portal:
    name: str  # "AAPC portal": "The AAPC portal is authoritative."
    url: str
    where_to_report: str  # "the AAPC website (My CEUs)": "report your CEUs in ..."


PORTALS: dict[str, Portal] = {
    rules.AAPC: Portal("AAPC portal", "https://www.aapc.com/", "the AAPC website (My CEUs)"),
    rules.AHIMA: Portal("AHIMA portal", "https://www.ahima.org/", "AHIMA's CE portal"),
}


def portal(body: str) -> Portal:
    return PORTALS.get(body, Portal(f"{body} portal", "", "the certifying body's portal"))


# The reminder kinds' names (ceutrack.reminders.models.Kind takes its labels from here).
REMINDER_LABELS: dict[str, str] = {
    rules.Reminder.AT_RISK: "At risk",
    rules.Reminder.BEHIND: "Behind",
    rules.Reminder.DUE_90: "Due in 90 days",
    rules.Reminder.DUE_30: "Due in 30 days",
    rules.Reminder.DUE_7: "Due in 7 days",
    rules.Reminder.LAPSED: "Lapsed",
    rules.Reminder.SUBMIT: "Time to submit",
    "digest": "Weekly manager digest",
}


def reminder_label(kind: str | None) -> str:
    if not kind:
        return ""
    return REMINDER_LABELS.get(kind, kind.replace("_", " ").capitalize())


# ---------------------------------------------------------------- catalog labels


def topic_label(topic: str, catalog: Catalog = rules.DEFAULT_CATALOG) -> str:
    """The catalog's name for a topic key (ENT, OB/GYN, E/M), or the key in words."""
    key = topic.strip().lower()
    return catalog.topic_label(key) or key.replace("_", " ").capitalize()


def credential_name(code: str, catalog: Catalog = rules.DEFAULT_CATALOG) -> str:
    """ "CPC (Certified Professional Coder)"; the code alone when the catalog lacks it."""
    found = catalog.credential(code)
    return f"{code} ({found.name})" if found else code


# ---------------------------------------------------------------- outstanding items


def outstanding_item(item: Outstanding) -> str:
    if item.kind == SELF_REVIEW:
        return f"{item.count} coding self-review{'' if item.count == 1 else 's'} missing"
    if item.kind == APPRENTICE_REMOVAL:
        return "Apprentice (-A) designation not yet removed"
    return item.kind.replace("_", " ").capitalize()


def outstanding_items(items: Iterable[Outstanding]) -> list[str]:
    return [outstanding_item(item) for item in items]


# ---------------------------------------------------------------- refusals and reasons


def rejection_reason(reason: str, catalog: Catalog = rules.DEFAULT_CATALOG) -> str:
    """Why the engine refused an entry, with the catalog's own limits."""
    return {
        FUTURE_DATE: "its completion date is after today",
        INVALID_UNITS: (
            f"its units must be more than 0 and at most {units(catalog.max_activity_units)}"
        ),
        INVALID_INCREMENT: f"its units must be in steps of {units(catalog.unit_step)}",
        UNKNOWN_CREDENTIAL: "this credential is not in the catalog",
        FUTURE_CREDENTIAL: "its certification date is after today",
    }.get(reason, reason.replace("_", " "))


def non_domain_cap_phrase(body: str, catalog: Catalog = rules.DEFAULT_CATALOG) -> str:
    """ "the 20 % cap on non-domain units" from the body's domain share."""
    body_rules = catalog.body_rules(body)
    share = None if body_rules is None else body_rules.non_domain_share
    if share is None:
        return "the cap on non-domain units"
    return f"the {share_percent(share)} cap on non-domain units"


@dataclass(frozen=True)
class CountNote:
    """One line of "where this activity counts and why"."""

    text: str
    counted: bool


@dataclass(frozen=True)
class EntryRef:
    """What a note needs to name another entry (a duplicate's original)."""

    title: str
    completed_on: date


def allocation_note(
    allocation: Allocation,
    *,
    units_entered: Decimal,
    entries: Mapping[str, EntryRef] | None = None,
    catalog: Catalog = rules.DEFAULT_CATALOG,
) -> CountNote:
    """Where the engine put one activity for one body, and why, in a sentence."""
    body = allocation.body
    if allocation.reason == DUPLICATE:
        original = (entries or {}).get(allocation.duplicate_of or "")
        what = (
            f"“{original.title}” of {day(original.completed_on)}"
            if original
            else "an earlier entry"
        )
        return CountNote(f"Not counted for {body}: duplicate of {what}", counted=False)
    if allocation.reason == BEFORE_CERTIFICATION:
        return CountNote(
            f"Not counted for {body}: completed before your first {body} certification",
            counted=False,
        )
    if allocation.reason == OUTSIDE_CYCLES:
        return CountNote(
            f"Not counted for {body}: outside every {body} cycle "
            "(before or between your official cycles)",
            counted=False,
        )
    if allocation.reason is not None or allocation.cycle_end is None:
        return CountNote(f"Not counted for {body}", counted=False)
    cycle = (
        f"{body} cycle {span(allocation.cycle_start, allocation.cycle_end)}"
        if allocation.cycle_start
        else f"{body} cycle ending {day(allocation.cycle_end)}"
    )
    counted_units = allocation.counted_units(units_entered)
    if counted_units == 0:
        return CountNote(
            f"Not counted toward the {cycle}: over {non_domain_cap_phrase(body, catalog)}",
            counted=False,
        )
    text = f"Counts toward the {cycle}"
    if allocation.uncounted > 0:
        text = (
            f"{units(counted_units)} of {units(units_entered)} units count toward the {cycle}; "
            f"the other {units(allocation.uncounted)} are over "
            f"{non_domain_cap_phrase(body, catalog)}"
        )
    if allocation.carried_from is not None:
        text += (
            f" — carried from the renewal month of the cycle ending "
            f"{day(allocation.carried_from)}, which was already complete"
        )
    return CountNote(text, counted=True)


def activity_notes(
    activity_id: str,
    *,
    units_entered: Decimal,
    marked_for: Iterable[str],
    evaluation: rules.Evaluation,
    allocations: Iterable[Allocation],
    entries: Mapping[str, EntryRef] | None = None,
    catalog: Catalog = rules.DEFAULT_CATALOG,
) -> list[CountNote]:
    """Every body the activity could count for, with where it counts or why it does not:
    refused at entry, marked for a body the person holds no credential of, or not marked
    for a body they do hold."""
    rejected = next((r.reason for r in evaluation.rejected if r.id == activity_id), None)
    if rejected is not None:
        return [CountNote(f"Not counted: {rejection_reason(rejected, catalog)}", counted=False)]
    marked = list(marked_for)
    notes = [
        allocation_note(a, units_entered=units_entered, entries=entries, catalog=catalog)
        for a in allocations
    ]
    allocated = {a.body for a in allocations}
    held = [b.body for b in evaluation.bodies]
    notes += [
        CountNote(f"Not counted for {body}: you hold no {body} credential", counted=False)
        for body in marked
        if body not in held
    ]
    notes += [
        CountNote(f"Not counted for {body}: not marked {body}-approved", counted=False)
        for body in held
        if body not in marked and body not in allocated
    ]
    return notes or [CountNote("Not reported to any certifying body", counted=False)]


# ---------------------------------------------------------------- apprentice removal

APPRENTICE_OPTIONS: dict[str, str] = {
    "experience": "Documented coding experience",
    "experience_and_course": "Coding experience plus a coding course",
    "course_and_practicode": "A coding course plus Practicode",
}


def apprentice_option_name(key: str) -> str:
    return APPRENTICE_OPTIONS.get(key, key.replace("_", " ").capitalize())


def apprentice_condition(requirement: ApprenticeRequirement) -> str:
    have, need = units(requirement.have), units(requirement.need)
    if requirement.name == "experience_months":
        return f"{have} of {need} months of documented coding experience"
    if requirement.name == "course_contact_hours":
        return f"{have} of {need} contact hours of a coding course"
    if requirement.name == "practicode":
        return "Practicode completed" if requirement.met else "Practicode not yet completed"
    return f"{requirement.name.replace('_', ' ')}: {have} of {need}"


@dataclass(frozen=True)
class Condition:
    text: str
    met: bool


@dataclass(frozen=True)
class OptionWords:
    key: str
    name: str
    met: bool
    closest: bool
    conditions: list[Condition]


def apprentice_options(status: ApprenticeStatus) -> list[OptionWords]:
    """Every removal option, the one met (or the closest) first, then by how far along each
    is (the engine's share); each condition marked met or not."""
    order = sorted(
        enumerate(status.options),
        key=lambda pair: (pair[1].key != status.closest, -pair[1].share, pair[0]),
    )
    return [_option_words(option, closest=option.key == status.closest) for _, option in order]


def _option_words(option: ApprenticeOption, *, closest: bool) -> OptionWords:
    return OptionWords(
        key=option.key,
        name=apprentice_option_name(option.key),
        met=option.met,
        closest=closest,
        conditions=[Condition(apprentice_condition(r), r.met) for r in option.requirements],
    )
