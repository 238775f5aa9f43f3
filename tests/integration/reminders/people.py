"""Coders in known states for reminder tests (figures from the engine, docs/rules.md §4-§5).

A CPC certified on 2025-01-10 has one cycle from then to 2027-01-31 requiring 36 CEUs. On
2026-06-01 with nothing logged they are `behind`; with 13 CEUs `at_risk`; with 36 `complete`.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from ceutrack.accounts.models import User
from tests.factories import ActivityFactory, CredentialFactory, UserFactory

CYCLE_END = date(2027, 1, 31)
PLANNING_DAY = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def coder_with_cpc(*units: str, **user_fields: object) -> User:
    user = UserFactory(**user_fields)
    CredentialFactory(user=user, earned_on=date(2025, 1, 10))
    for value in units:
        log_units(user, value)
    return user


def log_units(user: User, value: str) -> None:
    ActivityFactory(user=user, units=Decimal(value), completed_on=date(2025, 3, 1))
