"""The adapter between the database and the requirements engine (ceutrack.rules).

Views, tasks and exports call `evaluate_person` / `evaluate_people`; nothing else turns rows
into engine inputs. The catalog comes from CredentialType and BodyRule rows, so an admin's
edit changes every computation; the thresholds come from settings. Both functions issue a
constant number of queries whatever the number of activities or people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from ceutrack import rules
from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity
from ceutrack.credentials.models import (
    ApprenticeEvidence,
    BodyRule,
    Credential,
    CredentialType,
    OfficialCycle,
)

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


# ------------------------------------------------------------------ catalog and settings


def load_catalog() -> rules.Catalog:
    """The engine's catalog from the database (2 queries).

    Rows are read by id, which is the seed order, so the engine sees the same order as
    DEFAULT_CATALOG and rows added later come last. Apprentice-removal thresholds and unit
    limits are not stored and keep the engine's defaults.
    """
    credential_rows = CredentialType.objects.order_by("id").values_list(
        *_CREDENTIAL_FIELDS, named=True
    )
    body_rows = BodyRule.objects.order_by("id").values_list(*_BODY_FIELDS, named=True)
    return replace(
        rules.DEFAULT_CATALOG,
        credentials=tuple(_credential_type(row) for row in credential_rows),
        bodies=tuple(_body_rules(row) for row in body_rows),
    )


_CREDENTIAL_FIELDS = tuple(f.name for f in fields(rules.CredentialType))
_BODY_FIELDS = tuple(f.name for f in fields(rules.BodyRules))


def thresholds_from_settings() -> rules.Thresholds:
    """Status thresholds (docs/rules.md §4) from the CEU_* settings."""
    return rules.Thresholds(
        behind_elapsed_share=Decimal(str(settings.CEU_BEHIND_ELAPSED_SHARE)),
        behind_pace_share=Decimal(str(settings.CEU_BEHIND_PACE_SHARE)),
        at_risk_margin_share=Decimal(str(settings.CEU_AT_RISK_MARGIN_SHARE)),
        at_risk_days=int(settings.CEU_AT_RISK_DAYS),
    )


def _units(value: Decimal) -> Decimal:
    """Drop the trailing zeros a DecimalField adds (36.0 -> 36) so results read as the
    engine's own data does, without turning 40 into 4E+1."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _optional_units(value: Decimal | None) -> Decimal | None:
    return None if value is None else _units(value)


def _credential_type(row: Any) -> rules.CredentialType:  # a values_list named row
    return rules.CredentialType(
        code=row.code,
        name=row.name,
        body=row.body,
        base_units=_units(row.base_units),
        topic=row.topic or None,
        topic_minimum=_optional_units(row.topic_minimum),
        apprentice_of=row.apprentice_of or None,
        supersedes=row.supersedes or None,
        self_review=row.self_review,
    )


def _body_rules(row: Any) -> rules.BodyRules:  # a values_list named row
    return rules.BodyRules(
        body=row.body,
        name=row.name,
        extra_units=_units(row.extra_units),
        max_units=_units(row.max_units),
        cycle_kind=row.cycle_kind,
        cycle_months=row.cycle_months,
        prorate_first_cycle=row.prorate_first_cycle,
        renewal_month_carry=row.renewal_month_carry,
        index_dedupe=row.index_dedupe,
        domain_share=_optional_units(row.domain_share),
        sourced_share=_optional_units(row.sourced_share),
        sourced_from=row.sourced_from,
        self_review_count=row.self_review_count,
        self_review_until=row.self_review_until,
    )


# ------------------------------------------------------------------ rows to engine inputs


def _official_cycle(row: OfficialCycle) -> rules.OfficialCycle:
    return rules.OfficialCycle(
        body=row.body, start=row.start, end=row.end, required=_optional_units(row.required)
    )


def _evidence(row: ApprenticeEvidence) -> rules.ApprenticeEvidence:
    return rules.ApprenticeEvidence(
        experience_months=row.experience_months,
        course_contact_hours=_units(row.course_contact_hours),
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
                units=_units(raw_units),
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
