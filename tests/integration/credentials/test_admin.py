"""The catalog and people's credential records in the Django admin."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.credentials.models import (
    ApprenticeEvidence,
    BodyRule,
    Credential,
    CredentialType,
    OfficialCycle,
)
from ceutrack.rules import AAPC
from tests.factories import ActivityFactory, CredentialFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(password=None, is_staff=True, is_superuser=True))
    return client


def _form(credential: CredentialType, **changes: object) -> dict[str, object]:
    values = {
        "code": credential.code,
        "name": credential.name,
        "body": credential.body,
        "is_active": "on" if credential.is_active else "",
        "base_units": credential.base_units,
        "topic": credential.topic,
        "topic_minimum": credential.topic_minimum or "",
        "apprentice_of": credential.apprentice_of,
        "supersedes": credential.supersedes,
        "self_review": "on" if credential.self_review else "",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v != ""}


@pytest.mark.parametrize(
    "model", [CredentialType, BodyRule, Credential, OfficialCycle, ApprenticeEvidence]
)
def test_every_credentials_model_has_an_admin_list(admin_client, model):
    url = reverse(f"admin:credentials_{model._meta.model_name}_changelist")

    assert admin_client.get(url).status_code == 200


def test_the_catalog_list_shows_each_credentials_numbers(admin_client):
    response = admin_client.get(reverse("admin:credentials_credentialtype_changelist"))

    assert response.context["cl"].result_count == CredentialType.objects.count()
    assert "Certified Professional Medical Auditor" in response.text
    assert "auditing" in response.text


def test_the_catalog_can_be_searched_by_topic(admin_client):
    url = reverse("admin:credentials_credentialtype_changelist")

    response = admin_client.get(url, {"q": "auditing"})

    assert [c.code for c in response.context["cl"].result_list] == ["CPMA"]


def test_the_catalog_can_be_filtered_by_body(admin_client):
    url = reverse("admin:credentials_credentialtype_changelist")

    response = admin_client.get(url, {"body__exact": "AHIMA"})

    codes = {c.code for c in response.context["cl"].result_list}
    assert codes == {"RHIT", "CCA", "CCS", "CCS-P", "RHIA", "CDIP", "CHDA", "CHPS", "CPHI"}


def test_an_admin_edit_of_base_units_changes_the_computation(admin_client):
    coder = UserFactory(password=None)
    CredentialFactory(user=coder, earned_on=date(2025, 2, 1))
    ActivityFactory(user=coder, completed_on=date(2025, 3, 15), units=Decimal(6))
    cpc = credential_type("CPC")
    url = reverse("admin:credentials_credentialtype_change", args=[cpc.pk])

    response = admin_client.post(url, _form(cpc, base_units="48"))

    assert response.status_code == 302
    body = evaluate_person(coder, today=date(2025, 6, 30)).body(AAPC)
    assert body is not None and body.current is not None
    # First cycle Feb 2025 to Feb 2026, pro-rated: 48 x 12 / 24.
    assert (body.current.required, body.current.remaining) == (24, 18)


def test_a_topic_without_a_minimum_is_refused_with_a_message(admin_client):
    cpc = credential_type("CPC")
    url = reverse("admin:credentials_credentialtype_change", args=[cpc.pk])

    response = admin_client.post(url, _form(cpc, topic="radiology"))

    assert response.status_code == 200
    assert "Give both a topic and its minimum units, or neither." in response.text
    assert CredentialType.objects.get(code="CPC").topic == ""


def test_an_admin_edit_of_a_body_rule_is_saved(admin_client):
    aapc = BodyRule.objects.get(body=AAPC)
    url = reverse("admin:credentials_bodyrule_change", args=[aapc.pk])
    form = {
        "body": aapc.body,
        "name": aapc.name,
        "extra_units": "5",
        "max_units": "60",
        "cycle_kind": aapc.cycle_kind,
        "cycle_months": aapc.cycle_months,
        "prorate_first_cycle": "on",
        "renewal_month_carry": "on",
        "index_dedupe": "on",
        "self_review_count": 0,
    }

    response = admin_client.post(url, form)

    assert response.status_code == 302
    aapc.refresh_from_db()
    assert (aapc.extra_units, aapc.max_units) == (5, 60)


def test_a_share_above_one_is_refused(admin_client):
    ahima = BodyRule.objects.get(body="AHIMA")
    url = reverse("admin:credentials_bodyrule_change", args=[ahima.pk])
    form = {
        "body": ahima.body,
        "name": ahima.name,
        "extra_units": ahima.extra_units,
        "max_units": ahima.max_units,
        "cycle_kind": ahima.cycle_kind,
        "cycle_months": ahima.cycle_months,
        "domain_share": "8",
        "self_review_count": ahima.self_review_count,
    }

    response = admin_client.post(url, form)

    assert response.status_code == 200
    ahima.refresh_from_db()
    assert ahima.domain_share == Decimal("0.80")


def test_the_list_of_held_credentials_shows_who_holds_what(admin_client):
    coder = UserFactory(password=None, email="holder@example.com")
    CredentialFactory(user=coder, credential_type=credential_type("CRC"))

    response = admin_client.get(
        reverse("admin:credentials_credential_changelist"), {"q": "holder@"}
    )

    assert response.context["cl"].result_count == 1
    assert "CRC (AAPC)" in response.text


def test_people_without_staff_rights_cannot_open_the_catalog(client):
    client.force_login(UserFactory(password=None))

    response = client.get(reverse("admin:credentials_credentialtype_changelist"))

    assert response.status_code == 302
    assert User.objects.filter(is_staff=True).count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"base_units": "-1"}, "base_units", "Base units must be more than 0."),
        ({"base_units": "0"}, "base_units", "Base units must be more than 0."),
        (
            {"topic": "radiology", "topic_minimum": "-2"},
            "topic_minimum",
            "A topic minimum must be more than 0.",
        ),
    ],
)
def test_a_credential_type_with_impossible_units_is_refused(admin_client, changes, field, message):
    cpc = credential_type("CPC")
    before = cpc.base_units
    url = reverse("admin:credentials_credentialtype_change", args=[cpc.pk])

    response = admin_client.post(url, _form(cpc, **changes))

    assert response.status_code == 200
    assert message in response.text
    assert CredentialType.objects.get(code="CPC").base_units == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extra_units": "-5"}, "Extra units cannot be negative."),
        ({"max_units": "-1"}, "The maximum must be more than 0."),
        ({"max_units": "0"}, "The maximum must be more than 0."),
        ({"cycle_months": "0"}, "A cycle lasts at least one month."),
    ],
)
def test_a_body_rule_with_impossible_values_is_refused(admin_client, changes, message):
    aapc = BodyRule.objects.get(body=AAPC)
    url = reverse("admin:credentials_bodyrule_change", args=[aapc.pk])
    form = {
        "body": aapc.body,
        "name": aapc.name,
        "extra_units": aapc.extra_units,
        "max_units": aapc.max_units,
        "cycle_kind": aapc.cycle_kind,
        "cycle_months": aapc.cycle_months,
        "self_review_count": aapc.self_review_count,
        **changes,
    }

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert message in response.text
    fresh = BodyRule.objects.get(pk=aapc.pk)
    assert (fresh.extra_units, fresh.max_units, fresh.cycle_months) == (
        aapc.extra_units,
        aapc.max_units,
        aapc.cycle_months,
    )
