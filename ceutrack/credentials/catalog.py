"""The engine's catalog and thresholds, from the database and settings.

The catalog comes from CredentialType and BodyRule rows (seeded from the engine's
DEFAULT_CATALOG, editable in the admin), so an admin's edit changes every computation; the
status thresholds come from the CEU_* settings.
"""

from __future__ import annotations

from dataclasses import fields, replace
from decimal import Decimal
from typing import Any

from django.conf import settings

from ceutrack import rules
from ceutrack.credentials.models import BodyRule, CredentialType


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


def engine_units(value: Decimal) -> Decimal:
    """Drop the trailing zeros a DecimalField adds (36.0 -> 36) so results read as the
    engine's own data does, without turning 40 into 4E+1."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def optional_engine_units(value: Decimal | None) -> Decimal | None:
    return None if value is None else engine_units(value)


def _credential_type(row: Any) -> rules.CredentialType:  # a values_list named row
    return rules.CredentialType(
        code=row.code,
        name=row.name,
        body=row.body,
        base_units=engine_units(row.base_units),
        topic=row.topic or None,
        topic_minimum=optional_engine_units(row.topic_minimum),
        apprentice_of=row.apprentice_of or None,
        supersedes=row.supersedes or None,
        self_review=row.self_review,
        topic_label=row.topic_label or None,
    )


def _body_rules(row: Any) -> rules.BodyRules:  # a values_list named row
    return rules.BodyRules(
        body=row.body,
        name=row.name,
        extra_units=engine_units(row.extra_units),
        max_units=engine_units(row.max_units),
        cycle_kind=row.cycle_kind,
        cycle_months=row.cycle_months,
        prorate_first_cycle=row.prorate_first_cycle,
        renewal_month_carry=row.renewal_month_carry,
        index_dedupe=row.index_dedupe,
        domain_share=optional_engine_units(row.domain_share),
        sourced_share=optional_engine_units(row.sourced_share),
        sourced_from=row.sourced_from,
        self_review_count=row.self_review_count,
        self_review_until=row.self_review_until,
    )
