"""Input and result dataclasses of the requirements engine (docs/rules.md §3-§6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

ACTIVITY_KINDS: frozenset[str] = frozenset(
    {
        "seminar",
        "webinar",
        "workshop",
        "conference",
        "chapter_meeting",
        "ahima_meeting",
        "formal_education",
        "training_course",
        "hands_on",
        "on_demand",
        "quiz",
        "self_review",
        "presentation",
        "publication",
        "other",
    }
)


class Status(StrEnum):
    COMPLETE = "complete"
    LAPSED = "lapsed"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"


class Reminder(StrEnum):
    LAPSED = "lapsed"
    SUBMIT = "submit"
    DUE_7 = "due_7"
    DUE_30 = "due_30"
    DUE_90 = "due_90"
    BEHIND = "behind"
    AT_RISK = "at_risk"


COMPLETE = Status.COMPLETE
LAPSED = Status.LAPSED
BEHIND = Status.BEHIND
AT_RISK = Status.AT_RISK
ON_TRACK = Status.ON_TRACK

# Rejection, exclusion and allocation reasons.
FUTURE_DATE = "future_date"
INVALID_UNITS = "invalid_units"
INVALID_INCREMENT = "invalid_increment"
UNKNOWN_CREDENTIAL = "unknown_credential"
FUTURE_CREDENTIAL = "future_credential"
BEFORE_CERTIFICATION = "before_certification"
DUPLICATE = "duplicate"
OUTSIDE_CYCLES = "outside_cycles"

# Outstanding items.
SELF_REVIEW = "self_review"
APPRENTICE_REMOVAL = "apprentice_removal"

# Why a counted activity sits where it does, or counts only in part (docs/rules.md 3.4, 3.5).
RENEWAL_MONTH_CARRY = "renewal_month_carry"
OVER_NON_DOMAIN_CAP = "over_non_domain_cap"


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class HeldCredential:
    code: str
    earned_on: date


@dataclass(frozen=True)
class OfficialCycle:
    body: str
    start: date
    end: date
    required: Decimal | None = None


@dataclass(frozen=True)
class ApprenticeEvidence:
    experience_months: int = 0
    course_contact_hours: Decimal = Decimal(0)
    practicode: bool = False


@dataclass(frozen=True)
class Activity:
    id: str
    completed_on: date
    units: Decimal
    title: str = ""
    provider: str = ""
    kind: str = "other"
    aapc: bool = False
    aapc_index: str = ""
    topic: str | None = None
    ahima: bool = False
    ahima_domain: bool = True
    ahima_sourced: bool = False


@dataclass(frozen=True)
class PersonInput:
    credentials: tuple[HeldCredential, ...]
    activities: tuple[Activity, ...]
    official_cycles: tuple[OfficialCycle, ...] = ()
    aapc_membership_month: int | None = None
    apprentice_evidence: ApprenticeEvidence | None = None


@dataclass(frozen=True)
class Thresholds:
    behind_elapsed_share: Decimal = Decimal("0.25")
    behind_pace_share: Decimal = Decimal("0.5")
    at_risk_margin_share: Decimal = Decimal("0.10")
    at_risk_days: int = 90


DEFAULT_THRESHOLDS = Thresholds()


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class TopicResult:
    topic: str
    required: Decimal
    earned: Decimal

    @property
    def met(self) -> bool:
        return self.earned >= self.required

    @property
    def missing(self) -> Decimal:
        """Units still needed for this topic's minimum (0 once met)."""
        return max(self.required - self.earned, Decimal(0))


@dataclass(frozen=True)
class SourcedResult:
    required: Decimal
    earned: Decimal

    @property
    def met(self) -> bool:
        return self.earned >= self.required

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, Decimal(0))


@dataclass(frozen=True)
class Outstanding:
    """Something other than units a cycle still needs: `count` coding self-reviews, or the
    apprentice designation's removal. `code` is its form in the CLI's JSON."""

    kind: str
    count: int = 1

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.count}" if self.kind == SELF_REVIEW else self.kind


@dataclass(frozen=True)
class CountedActivity:
    id: str
    completed_on: date
    units: Decimal


@dataclass(frozen=True)
class CycleResult:
    start: date
    end: date
    required: Decimal
    earned: Decimal
    remaining: Decimal
    status: Status
    days_left: int
    expected: Decimal
    topics: tuple[TopicResult, ...] = ()
    sourced: SourcedResult | None = None
    outstanding: tuple[Outstanding, ...] = ()
    reminder: Reminder | None = None
    counted: tuple[CountedActivity, ...] = ()
    progress: Decimal = Decimal(0)
    total_days: int = 0
    elapsed_days: int = 0
    official: bool = False
    credentials: tuple[str, ...] = ()
    domain_earned: Decimal | None = None
    non_domain_earned: Decimal | None = None
    non_domain_cap: Decimal | None = None
    self_reviews_required: int = 0
    self_reviews_done: int = 0
    # Current cycle only: the first later date on which the same input gives another current
    # cycle, status or reminder; None when no date alone changes them (ceutrack.rules.holds).
    holds_until: date | None = None

    @property
    def surplus(self) -> Decimal:
        """Units earned beyond the requirement (0 when not over it)."""
        return max(self.earned - self.required, Decimal(0))

    @property
    def pace_gap(self) -> Decimal:
        """How far progress trails the steady pace (negative when ahead of it)."""
        return self.expected - self.progress

    @property
    def non_domain_over_cap(self) -> bool:
        return (
            self.non_domain_earned is not None
            and self.non_domain_cap is not None
            and self.non_domain_earned > self.non_domain_cap
        )


@dataclass(frozen=True)
class ApprenticeRequirement:
    """One condition of a removal option, e.g. course_contact_hours 40 of 80."""

    name: str
    have: Decimal
    need: Decimal

    @property
    def met(self) -> bool:
        return self.have >= self.need


@dataclass(frozen=True)
class ApprenticeOption:
    key: str
    met: bool
    share: Decimal
    requirements: tuple[ApprenticeRequirement, ...]


@dataclass(frozen=True)
class ApprenticeStatus:
    credential: str
    removal_ready: bool
    met_by: str | None
    options: tuple[ApprenticeOption, ...] = ()
    closest: str | None = None


@dataclass(frozen=True)
class BodyResult:
    body: str
    credentials: tuple[str, ...]
    current: CycleResult | None
    history: tuple[CycleResult, ...]
    apprentice: ApprenticeStatus | None = None
    cycles: tuple[CycleResult, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Rejection:
    id: str
    reason: str


@dataclass(frozen=True)
class Exclusion:
    id: str
    body: str
    reason: str


@dataclass(frozen=True)
class Allocation:
    """Where one activity went for one body it is marked for: the cycle it counts in
    (`cycle_end`), or `reason` why it does not count. The rest explains the figure:
    `carried_from` is the end of the cycle whose renewal month the activity is dated in when
    it was carried to the next cycle; `duplicate_of` the entry it repeats; `uncounted` the
    units over the non-domain cap (all or part of the activity's units)."""

    activity_id: str
    body: str
    cycle_end: date | None
    reason: str | None
    cycle_start: date | None = None
    carried_from: date | None = None
    duplicate_of: str | None = None
    uncounted: Decimal = Decimal(0)

    @property
    def counted(self) -> bool:
        return self.cycle_end is not None and self.reason is None

    def counted_units(self, units: Decimal) -> Decimal:
        """Of an activity's `units`, those that count here (0 when it does not count)."""
        return max(units - self.uncounted, Decimal(0)) if self.counted else Decimal(0)

    @property
    def notes(self) -> tuple[str, ...]:
        """RENEWAL_MONTH_CARRY and OVER_NON_DOMAIN_CAP, when they apply."""
        return tuple(
            note
            for note, applies in (
                (RENEWAL_MONTH_CARRY, self.carried_from is not None),
                (OVER_NON_DOMAIN_CAP, self.uncounted > 0),
            )
            if applies
        )


@dataclass(frozen=True)
class Evaluation:
    today: date
    bodies: tuple[BodyResult, ...]
    rejected: tuple[Rejection, ...]
    excluded: tuple[Exclusion, ...]
    allocations: tuple[Allocation, ...] = ()

    def body(self, code: str) -> BodyResult | None:
        return next((b for b in self.bodies if b.body == code), None)
