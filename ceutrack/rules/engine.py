"""Entry point of the engine: evaluate one person on one day."""

from __future__ import annotations

from datetime import date

from ceutrack.rules.catalog import DEFAULT_CATALOG, Catalog
from ceutrack.rules.types import DEFAULT_THRESHOLDS, Evaluation, PersonInput, Thresholds


def evaluate(
    person: PersonInput,
    *,
    today: date,
    catalog: Catalog = DEFAULT_CATALOG,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Evaluation:
    raise NotImplementedError
