from collections import Counter
from datetime import date

import pytest
import time_machine

from ceutrack.organizations.demo import EXPECTED_STATUS, RECIPE_MIX, seed_organization
from ceutrack.organizations.models import ComplianceSummary, Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [date(2025, 6, 30), date(2028, 2, 29)])
def test_the_demo_organization_has_staff_in_every_status_on_any_day(today):
    with time_machine.travel(f"{today.isoformat()} 16:00Z", tick=False):
        manager = UserFactory(email="manager@example.com")
        coder = UserFactory(email="coder@example.com")
        organization = seed_organization(manager, coder)
        seed_organization(manager, coder)  # idempotent
        assert Membership.objects.get(user=manager, organization=organization).role == Role.OWNER
        staff = ComplianceSummary.objects.exclude(user__in=[manager, coder])
        statuses = dict(staff.values_list("user__email", "status"))
        assert len(statuses) == len(RECIPE_MIX) == 28
        expected = Counter(EXPECTED_STATUS[r] for r in RECIPE_MIX)
        assert Counter(statuses.values()) == expected
        assert set(expected) == {"complete", "on_track", "at_risk", "behind", "lapsed", "none"}
        assert Membership.objects.consented().filter(organization=organization).count() == 29


@time_machine.travel("2026-12-03 16:00Z", tick=False)
def test_a_smaller_demo_organization_still_has_someone_in_every_status():
    manager = UserFactory(email="manager@example.com")

    seed_organization(manager, size=8)

    statuses = set(ComplianceSummary.objects.exclude(user=manager).values_list("status", flat=True))
    assert statuses == {"complete", "on_track", "at_risk", "behind", "lapsed", "none"}
    assert ComplianceSummary.objects.exclude(user=manager).count() == 8
