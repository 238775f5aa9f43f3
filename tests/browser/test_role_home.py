"""The home page of each role, in a real browser: a coder sees their CEU cards; a manager with
no credentials lands on their organization's counts and the people needing attention (not on
"Add your first credential"); a manager who holds credentials sees both, organizations first."""

from datetime import date

import pytest
from playwright.sync_api import expect

from ceutrack.organizations import summaries
from ceutrack.organizations.demo import apply_recipe
from ceutrack.organizations.models import Role
from tests.factories import CredentialFactory, MembershipFactory


@pytest.fixture
def organization_with_staff(db):
    owner = MembershipFactory(role=Role.OWNER, consent_given_at=None)
    today = date.today()
    for recipe in ("lapsed", "behind", "on_track", "complete"):
        member = MembershipFactory(organization=owner.organization)
        apply_recipe(member.user, recipe, today=today)
        summaries.refresh_summaries([member.user_id])
    return owner


def test_a_coder_lands_on_their_own_ceu_cards(signed_in_page, verified_user):
    coder = verified_user()
    CredentialFactory(user=coder, earned_on=date(2024, 3, 1))
    page = signed_in_page(coder)
    page.goto("/", timeout=30_000)  # the first page of a run may be slow on a busy machine
    expect(page.get_by_role("heading", name="Your continuing education")).to_be_visible()
    expect(page.locator("#body-aapc")).to_be_visible()
    expect(page.get_by_test_id("org-overview")).to_have_count(0)


def test_a_manager_without_credentials_lands_on_their_organization(
    signed_in_page, organization_with_staff
):
    page = signed_in_page(organization_with_staff.user)
    page.goto("/", timeout=30_000)  # the first page of a run may be slow on a busy machine
    overview = page.get_by_test_id("org-overview")
    expect(overview).to_contain_text(organization_with_staff.organization.name)
    expect(overview.get_by_test_id("count-lapsed")).to_have_text("1")
    expect(overview.get_by_test_id("count-behind")).to_have_text("1")
    rows = overview.get_by_test_id("attention-row")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_test_id("row-status")).to_have_text("Lapsed")
    expect(page.get_by_text("Add your first credential")).to_have_count(0)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/members/" in page.url or "/organizations/" in page.url


def test_a_manager_with_credentials_sees_the_organization_then_their_own_cards(
    signed_in_page, organization_with_staff
):
    CredentialFactory(user=organization_with_staff.user, earned_on=date(2024, 3, 1))
    page = signed_in_page(organization_with_staff.user)
    page.goto("/", timeout=30_000)  # the first page of a run may be slow on a busy machine
    overview = page.get_by_test_id("org-overview")
    own = page.locator("#body-aapc")
    expect(overview).to_be_visible()
    expect(own).to_be_visible()
    assert overview.bounding_box()["y"] < own.bounding_box()["y"]
