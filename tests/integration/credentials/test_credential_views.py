from datetime import date

import pytest
import time_machine
from django.urls import reverse

from ceutrack.credentials.models import (
    ApprenticeEvidence,
    Credential,
    CredentialType,
    OfficialCycle,
)
from tests.factories import CredentialFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _add(client, code, earned_on="2024-03-01"):
    return client.post(
        reverse("credentials:add"),
        {"credential_type": credential_type(code).pk, "earned_on": earned_on},
    )


def _errors(response):
    return response.context["form"].errors


# ------------------------------------------------------------------ credentials


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("credentials:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_tells_a_new_user_to_add_a_first_credential(client, user):
    response = client.get(reverse("credentials:list"))
    assert "Add your first credential" in response.content.decode()


def test_it_lists_only_the_users_own_credentials(client, user):
    CredentialFactory(user=user, credential_type=credential_type("CCS"))
    CredentialFactory(credential_type=credential_type("CPMA"))
    page = client.get(reverse("credentials:list")).content.decode()
    assert "Certified Coding Specialist" in page
    assert "CPMA" not in page


def test_it_offers_active_credential_types_grouped_by_body(client, user):
    CredentialType.objects.filter(code="CPHI").update(is_active=False)
    page = client.get(reverse("credentials:add")).content.decode()
    assert '<optgroup label="AAPC">' in page
    assert '<optgroup label="AHIMA">' in page
    assert "CPC — Certified Professional Coder" in page
    assert "CPHI" not in page


@time_machine.travel(TODAY)
def test_it_adds_a_credential_and_returns_to_the_list(client, user):
    response = _add(client, "CPC", "2024-03-01")
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials:list")
    held = Credential.objects.get(user=user)
    assert (held.credential_type.code, held.earned_on) == ("CPC", date(2024, 3, 1))


@time_machine.travel(TODAY)
def test_it_refuses_a_certification_date_in_the_future(client, user):
    response = _add(client, "CPC", "2025-07-01")
    assert "The certification date is in the future" in _errors(response)["earned_on"][0]
    assert not Credential.objects.filter(user=user).exists()


@time_machine.travel(TODAY)
def test_it_refuses_a_credential_already_held(client, user):
    CredentialFactory(user=user, credential_type=credential_type("CPC"))
    response = _add(client, "CPC")
    assert _errors(response)["credential_type"] == ["You already hold CPC."]
    assert Credential.objects.filter(user=user).count() == 1


@time_machine.travel(TODAY)
def test_it_refuses_an_apprentice_variant_next_to_its_full_credential(client, user):
    CredentialFactory(user=user, credential_type=credential_type("CPC"))
    response = _add(client, "CPC-A")
    assert "CPC-A is the apprentice variant of CPC" in _errors(response)["credential_type"][0]


@time_machine.travel(TODAY)
def test_it_refuses_a_full_credential_next_to_its_apprentice_variant(client, user):
    CredentialFactory(user=user, credential_type=credential_type("CPC-A"))
    response = _add(client, "CPC")
    assert (
        "You hold CPC-A, the apprentice variant of CPC" in _errors(response)["credential_type"][0]
    )


@time_machine.travel(TODAY)
def test_it_lets_an_apprentice_credential_be_changed_to_the_full_one(client, user):
    held = CredentialFactory(user=user, credential_type=credential_type("CPC-A"))
    response = client.post(
        reverse("credentials:edit", args=[held.pk]),
        {"credential_type": credential_type("CPC").pk, "earned_on": "2023-01-10"},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.credential_type.code == "CPC"


def test_it_gives_404_for_another_users_credential(client, user):
    theirs = CredentialFactory()
    assert client.get(reverse("credentials:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("credentials:delete", args=[theirs.pk])).status_code == 404
    assert Credential.objects.filter(pk=theirs.pk).exists()


def test_it_asks_before_removing_and_removes_only_on_post(client, user):
    held = CredentialFactory(user=user)
    confirm = client.get(reverse("credentials:delete", args=[held.pk]))
    assert "Remove CPC?" in confirm.content.decode()
    assert Credential.objects.filter(pk=held.pk).exists()
    response = client.post(reverse("credentials:delete", args=[held.pk]))
    assert response.status_code == 302
    assert not Credential.objects.filter(pk=held.pk).exists()


# ------------------------------------------------------------------ membership month


def test_it_shows_the_membership_month_only_to_aapc_holders(client, user):
    CredentialFactory(user=user, credential_type=credential_type("CCS"))
    assert (
        "AAPC membership renewal month"
        not in client.get(reverse("credentials:list")).content.decode()
    )
    CredentialFactory(user=user, credential_type=credential_type("CPC"))
    assert (
        "AAPC membership renewal month" in client.get(reverse("credentials:list")).content.decode()
    )


def test_it_saves_and_clears_the_membership_month(client, user):
    url = reverse("credentials:membership_month")
    client.post(url, {"aapc_membership_month": "7"})
    user.refresh_from_db()
    assert user.aapc_membership_month == 7
    client.post(url, {"aapc_membership_month": ""})
    user.refresh_from_db()
    assert user.aapc_membership_month is None


def test_it_changes_the_membership_month_only_by_post(client, user):
    response = client.get(reverse("credentials:membership_month"), {"aapc_membership_month": "7"})
    assert response.status_code == 405


# ------------------------------------------------------------------ official cycles


def _cycle(client, start, end, body="AAPC", required="", pk=None):
    url = reverse("credentials:cycle_edit", args=[pk]) if pk else reverse("credentials:cycle_add")
    return client.post(url, {"body": body, "start": start, "end": end, "required": required})


def test_it_adds_official_cycle_dates(client, user):
    response = _cycle(client, "2025-02-01", "2027-01-31", required="36")
    assert response.status_code == 302
    cycle = OfficialCycle.objects.get(user=user)
    assert (cycle.start, cycle.end, cycle.required) == (date(2025, 2, 1), date(2027, 1, 31), 36)


def test_it_refuses_an_official_cycle_that_ends_before_it_starts(client, user):
    response = _cycle(client, "2025-02-01", "2025-01-31")
    assert _errors(response)["end"] == ["The cycle ends before it starts. Check both dates."]
    assert not OfficialCycle.objects.exists()


def test_it_refuses_an_official_cycle_overlapping_another_of_the_same_body(client, user):
    OfficialCycle.objects.create(
        user=user, body="AAPC", start=date(2023, 2, 1), end=date(2025, 1, 31)
    )
    response = _cycle(client, "2025-01-01", "2026-12-31")
    assert "overlap your official AAPC cycle 1 Feb 2023 to 31 Jan 2025" in str(_errors(response))
    assert _cycle(client, "2025-01-01", "2026-12-31", body="AHIMA").status_code == 302


def test_it_lets_an_official_cycle_be_edited_without_overlapping_itself(client, user):
    cycle = OfficialCycle.objects.create(
        user=user, body="AAPC", start=date(2023, 2, 1), end=date(2025, 1, 31)
    )
    assert _cycle(client, "2023-02-01", "2025-02-28", pk=cycle.pk).status_code == 302
    cycle.refresh_from_db()
    assert cycle.end == date(2025, 2, 28)


def test_it_gives_404_for_another_users_official_cycle(client, user):
    theirs = OfficialCycle.objects.create(
        user=UserFactory(), body="AAPC", start=date(2023, 2, 1), end=date(2025, 1, 31)
    )
    assert client.get(reverse("credentials:cycle_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("credentials:cycle_delete", args=[theirs.pk])).status_code == 404
    assert OfficialCycle.objects.filter(pk=theirs.pk).exists()


def test_it_removes_official_cycle_dates_on_post(client, user):
    cycle = OfficialCycle.objects.create(
        user=user, body="AAPC", start=date(2023, 2, 1), end=date(2025, 1, 31)
    )
    client.post(reverse("credentials:cycle_delete", args=[cycle.pk]))
    assert not OfficialCycle.objects.filter(pk=cycle.pk).exists()


# ------------------------------------------------------------------ apprentice evidence


def test_it_shows_apprentice_evidence_only_to_apprentices(client, user):
    CredentialFactory(user=user, credential_type=credential_type("CPC"))
    assert (
        "Apprentice removal evidence"
        not in client.get(reverse("credentials:list")).content.decode()
    )
    Credential.objects.filter(user=user).update(credential_type=credential_type("CPC-A"))
    assert (
        "Apprentice removal evidence (CPC-A)"
        in client.get(reverse("credentials:list")).content.decode()
    )


def test_it_saves_apprentice_evidence(client, user):
    data = {"experience_months": "12", "course_contact_hours": "80", "practicode": "on"}
    response = client.post(reverse("credentials:apprentice"), data)
    assert response.status_code == 302
    evidence = ApprenticeEvidence.objects.get(user=user)
    assert (evidence.experience_months, evidence.course_contact_hours, evidence.practicode) == (
        12,
        80,
        True,
    )


def test_it_explains_what_a_blank_membership_month_means(client, user):
    CredentialFactory(user=user, credential_type=credential_type("CPC"))
    page = client.get(reverse("credentials:list")).content.decode()
    assert '<option value="" selected>Default: month of your first AAPC certification</option>' in (
        page
    )


def test_it_refuses_zero_required_units_for_an_official_cycle(client, user):
    response = _cycle(client, "2025-02-01", "2027-01-31", required="0")
    assert _errors(response)["required"] == ["Required units must be more than 0 (or leave blank)."]
