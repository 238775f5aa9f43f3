"""Whatever a client sends to a write endpoint, the answer is a 4xx with a reason, never a 500."""

import pytest
from django.urls import reverse

from ceutrack.organizations.models import Role
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    MembershipFactory,
    OfficialCycleFactory,
    OrganizationFactory,
)
from tests.integration.api.conftest import api_as

pytestmark = pytest.mark.django_db

BODIES = [
    [],
    "text",
    42,
    None,
    {"title": {"nested": True}, "units": [1], "completed_on": 20250101, "aapc": {"x": 1}},
    {"code": ["CPC"], "earned_on": {"y": 2}, "days": True, "emails": {"a": 1}},
    {"body": 7, "start": "x", "end": None, "required": "NaN", "time_zone": ["UTC"]},
    {"units": "1e999", "completed_on": "2025-02-30", "due_30": "perhaps", "team": "abc"},
]


def test_no_write_endpoint_answers_500_to_odd_json(settings, coder):
    settings.API_RATE_LIMIT = "10000/min"  # every request must reach its view
    owner = MembershipFactory(
        organization=OrganizationFactory(slug="riverside"), role=Role.OWNER, consent_given_at=None
    ).user
    mine = {
        "activity": ActivityFactory(user=owner).pk,
        "credential": CredentialFactory(user=owner).pk,
        "cycle": OfficialCycleFactory(user=owner).pk,
    }
    urls = [
        reverse("api:me"),
        reverse("api:reminder_preferences"),
        reverse("api:credential_list"),
        reverse("api:credential_detail", args=[mine["credential"]]),
        reverse("api:cycle_list"),
        reverse("api:cycle_detail", args=[mine["cycle"]]),
        reverse("api:activity_list"),
        reverse("api:activity_detail", args=[mine["activity"]]),
        reverse("api:verification_link_list"),
        reverse("api:invitation_list", args=["riverside"]),
    ]
    api = api_as(owner)
    answers = {}
    for url in urls:
        for method in ("post", "patch"):
            for number, body in enumerate(BODIES):
                response = getattr(api, method)(url, body, format="json")
                answers[f"{method} {url} #{number}"] = response.status_code

    assert {
        key: code
        for key, code in answers.items()
        if not 400 <= code < 500 and code not in (200, 201)
    } == {}
    assert answers[f"post {reverse('api:activity_list')} #0"] == 400
    assert 429 not in answers.values()
