"""The adapter between the database and the requirements engine (ceutrack.rules).

Views, tasks and exports call `evaluate_person` / `evaluate_people`; nothing else turns rows
into engine inputs. The catalog and thresholds come from ceutrack.credentials.catalog (rows an
admin may edit, and settings). Both functions issue a constant number of queries whatever the
number of activities or people. It lives in the activities app because it reads both the
credentials app's rows and the activities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from ceutrack import rules
from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity
from ceutrack.credentials.catalog import (
    engine_units,
    load_catalog,
    optional_engine_units,
    thresholds_from_settings,
)
from ceutrack.credentials.models import ApprenticeEvidence, Credential, OfficialCycle

# Only what the engine reads, fetched as tuples: building thousands of model instances
# costs more than evaluating them.
ACTIVITY_FIELDS = (
    "pk",
    "user_id",
    "title",
    "provider",
    "completed_on",
    "units",
    "kind",
    "aapc",
    "aapc_index",
    "topic",
    "ahima",
    "ahima_domain",
    "ahima_sourced",
)


# ------------------------------------------------------------------ rows to engine inputs


def _official_cycle(row: OfficialCycle) -> rules.OfficialCycle:
    return rules.OfficialCycle(
        body=row.body, start=row.start, end=row.end, required=optional_engine_units(row.required)
    )


def _evidence(row: ApprenticeEvidence) -> rules.ApprenticeEvidence:
    return rules.ApprenticeEvidence(
        experience_months=row.experience_months,
        course_contact_hours=engine_units(row.course_contact_hours),
        practicode=row.practicode,
    )


# ------------------------------------------------------------------ loading and evaluating


@dataclass
class _Rows:
    """One person's rows as engine inputs, each list in entry order (credentials by earned
    date, official cycles by start, then by id; activities by id), which the engine's
    duplicate and apprentice rules depend on."""

    credentials: list[rules.HeldCredential] = field(default_factory=list)
    official_cycles: list[rules.OfficialCycle] = field(default_factory=list)
    evidence: rules.ApprenticeEvidence | None = None
    activities: list[rules.Activity] = field(default_factory=list)


def _rows_by_user(**user_filter: Any) -> dict[int, _Rows]:
    """Every row the engine needs, one query per table, grouped by user id in Python."""
    grouped: defaultdict[int, _Rows] = defaultdict(_Rows)
    credentials = (
        Credential.objects.filter(**user_filter)
        .order_by("earned_on", "id")
        .values_list("user_id", "credential_type__code", "earned_on")
    )
    for user_id, code, earned_on in credentials:
        grouped[user_id].credentials.append(rules.HeldCredential(code=code, earned_on=earned_on))
    for cycle in OfficialCycle.objects.filter(**user_filter).order_by("start", "id"):
        grouped[cycle.user_id].official_cycles.append(_official_cycle(cycle))
    for evidence in ApprenticeEvidence.objects.filter(**user_filter):
        grouped[evidence.user_id].evidence = _evidence(evidence)
    activities = (
        Activity.objects.filter(**user_filter)
        .order_by("user_id", "id")
        .values_list(*ACTIVITY_FIELDS)
    )
    for (
        pk,
        user_id,
        title,
        provider,
        completed_on,
        raw_units,
        kind,
        aapc,
        aapc_index,
        topic,
        ahima,
        ahima_domain,
        ahima_sourced,
    ) in activities:
        grouped[user_id].activities.append(
            rules.Activity(
                id=str(pk),
                completed_on=completed_on,
                units=engine_units(raw_units),
                title=title,
                provider=provider,
                kind=kind,
                aapc=aapc,
                aapc_index=aapc_index,
                topic=topic or None,
                ahima=ahima,
                ahima_domain=ahima_domain,
                ahima_sourced=ahima_sourced,
            )
        )
    return grouped


def _person_input(user: User, rows: _Rows) -> rules.PersonInput:
    return rules.PersonInput(
        credentials=tuple(rows.credentials),
        activities=tuple(rows.activities),
        official_cycles=tuple(rows.official_cycles),
        aapc_membership_month=user.aapc_membership_month,
        apprentice_evidence=rows.evidence,
    )


def load_person_input(user: User) -> rules.PersonInput:
    """The engine's input for one person from their rows (four queries)."""
    return _person_input(user, _rows_by_user(user_id=user.pk).get(user.pk, _Rows()))


def evaluate_with_next_reminders(
    user: User, *, today: date | None = None, catalog: rules.Catalog | None = None
) -> tuple[rules.Evaluation, dict[str, rules.UpcomingReminder | None]]:
    """evaluate_person, and per body with a current cycle the next reminder that would fall
    due if the records stayed as they are (rules.next_reminder), from the same queries."""
    rows = _rows_by_user(user_id=user.pk).get(user.pk, _Rows())
    person, catalog = _person_input(user, rows), catalog or load_catalog()
    thresholds = thresholds_from_settings()
    day = today or user.local_today()
    evaluation = rules.evaluate(person, today=day, catalog=catalog, thresholds=thresholds)
    return evaluation, {
        body.body: rules.next_reminder(
            person, today=day, body=body.body, catalog=catalog, thresholds=thresholds
        )
        for body in evaluation.bodies
        if body.current is not None
    }


def evaluate_person(
    user: User, *, today: date | None = None, catalog: rules.Catalog | None = None
) -> rules.Evaluation:
    """One person's evaluation on `today` (default: today in the person's time zone).

    Six queries (four without the catalog when one is passed in), whatever the number of
    credentials and activities.
    """
    return rules.evaluate(
        load_person_input(user),
        today=today or user.local_today(),
        catalog=catalog or load_catalog(),
        thresholds=thresholds_from_settings(),
    )


def evaluate_people(
    user_ids: Iterable[int] | QuerySet[Any],
    *,
    today: date | None = None,
    catalog: rules.Catalog | None = None,
) -> dict[int, rules.Evaluation]:
    """Evaluations keyed by user id, in a constant number of queries for any number of people.

    `user_ids` may be ids or a queryset (used as a subquery, e.g. an organization's member
    ids). Without `today` each person is evaluated on their own local date. Ids with no user
    are left out.
    """
    ids = user_ids if isinstance(user_ids, QuerySet) else list(user_ids)
    users = list(User.objects.filter(pk__in=ids).only("id", "time_zone", "aapc_membership_month"))
    if not users:
        return {}
    catalog = catalog or load_catalog()
    thresholds = thresholds_from_settings()
    rows = _rows_by_user(user_id__in=ids)
    return {
        user.pk: rules.evaluate(
            _person_input(user, rows.get(user.pk, _Rows())),
            today=today or user.local_today(),
            catalog=catalog,
            thresholds=thresholds,
        )
        for user in users
    }


# ------------------------------------------------------------------ helpers for pages


def activity_allocations(evaluation: rules.Evaluation) -> dict[str, list[rules.Allocation]]:
    """Where each activity went, keyed by activity id (str(pk)), one entry per body it is
    marked for: the cycle end it counted in, or the reason it did not count."""
    allocations: defaultdict[str, list[rules.Allocation]] = defaultdict(list)
    for allocation in evaluation.allocations:
        allocations[allocation.activity_id].append(allocation)
    return dict(allocations)
