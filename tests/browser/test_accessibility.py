"""Every page a person reaches passes axe-core with no serious or critical violation, and the
main forms work with the keyboard alone.

axe-core comes from the axe-playwright-python package (it ships axe.min.js; no CDN). One
browser context per role visits many pages, and all violations are reported together.
"""

import json
import re
from datetime import date, timedelta
from urllib.parse import urlparse

from axe_playwright_python.base import AXE_SCRIPT as AXE_SOURCE
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Credential, CredentialType, OfficialCycle
from ceutrack.organizations.demo import apply_recipe
from ceutrack.reminders.emails import unsubscribe_url
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    ReminderFactory,
)

from .conftest import PASSWORD

BLOCKING = ("serious", "critical")
AXE_OPTIONS = {"resultTypes": ["violations"]}


class Audit:
    """Runs axe on each page visited and keeps its serious and critical violations, grouped
    by rule and element so one shared fault (say, in the navbar) is reported once."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list[str]] = {}
        self.visited: list[str] = []
        self.contexts: list[BrowserContext] = []

    def check(self, page: Page, label: str) -> None:
        self.visited.append(label)
        if not page.evaluate("typeof window.axe === 'object'"):
            raise AssertionError(f"axe-core is not loaded on {label}: open it with visit()")
        results = page.evaluate(f"axe.run({json.dumps(AXE_OPTIONS)})")
        for violation in results["violations"]:
            if violation["impact"] not in BLOCKING:
                continue
            rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
            for node in violation["nodes"]:
                why = " ".join(node["failureSummary"].split())
                element = f"{' '.join(map(str, node['target']))}: {why}\n      {node['html']}"
                self.found.setdefault((rule, element), []).append(label)

    def visit(self, page: Page, path: str, label: str, *, status: int = 200) -> None:
        if page.context not in self.contexts:
            # Once per context, so the 550 kB script crosses the wire once, not once per page.
            page.context.add_init_script(script=AXE_SOURCE)
            self.contexts.append(page.context)
        response = page.goto(path)
        assert response is not None and response.status == status, (label, path, response)
        self.check(page, label)

    def report(self) -> str:
        lines = [f"{len(self.found)} serious/critical violation(s) on {len(self.visited)} pages:"]
        for (rule, element), pages in self.found.items():
            lines.append(f"- {rule}\n    {element}\n    on: {', '.join(pages)}")
        return "\n".join(lines)


def _coder_with_records(verified_user):
    coder = verified_user(full_name="Avery Coder", email="avery@example.com")
    apply_recipe(coder, "mixed_behind", today=coder.local_today())
    ReminderFactory(user=coder, kind="behind")
    return coder


def test_every_page_has_no_serious_or_critical_accessibility_violation(
    page, signed_in_page, verified_user, tmp_path
):
    audit = Audit()
    coder = _coder_with_records(verified_user)
    manager = verified_user(full_name="Morgan Manager", email="morgan@example.com")
    organization = OrganizationFactory(name="Riverside Health Coding", created_by=manager)
    MembershipFactory(user=manager, organization=organization, role="owner")
    member = MembershipFactory(user=coder, organization=organization)
    InvitationFactory(organization=organization, email="pending@example.com", invited_by=manager)
    coder_invitation = InvitationFactory(
        organization=OrganizationFactory(name="Lakeside Clinic"), email=coder.email
    )

    # Signed out: landing, sign-in (also with an error), sign-up (with field errors),
    # password reset, an unsubscribe link, an invitation link and the 404 page.
    audit.visit(page, "/", "landing")
    audit.visit(page, "/accounts/login/", "login")
    page.locator('input[name="login"]').fill("avery@example.com")
    page.locator('input[name="password"]').fill("not the password")
    page.locator('input[name="password"]').press("Enter")
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    audit.check(page, "login with an error")
    audit.visit(page, "/accounts/signup/", "signup")
    page.locator('input[name="full_name"]').fill("Someone")
    page.locator('input[name="email"]').fill("avery@example.com")
    page.locator('input[name="password1"]').fill("short")
    page.locator('input[name="password2"]').fill("different")
    page.locator('input[name="password2"]').press("Enter")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    audit.check(page, "signup with errors")
    audit.visit(page, "/accounts/password/reset/", "password reset")
    page.locator('input[name="email"]').fill("avery@example.com")
    page.locator('input[name="email"]').press("Enter")
    page.wait_for_url(re.compile("/accounts/password/reset/done/"))
    audit.check(page, "password reset sent")
    unsubscribe = urlparse(unsubscribe_url(user_id=coder.pk, kind="behind")).path
    audit.visit(page, unsubscribe, "unsubscribe confirm")
    audit.visit(page, "/reminders/unsubscribe/forged/", "unsubscribe invalid", status=400)
    audit.visit(page, f"/organizations/invitation/{coder_invitation.token}/", "invitation (anon)")
    audit.visit(page, "/no-such-page/", "404 page", status=404)

    # A coder with records in both bodies.
    avery = signed_in_page(coder)
    credential = Credential.objects.filter(user=coder).first()
    cycle = OfficialCycle.objects.filter(user=coder).first()
    activity = Activity.objects.filter(user=coder).first()
    activity.title = f"{activity.title} (corrected)"
    activity.save()  # a change for the history pages to show
    for path, label in [
        ("/", "dashboard with data"),
        ("/credentials/", "credentials list"),
        ("/credentials/add/", "credential add"),
        (f"/credentials/{credential.pk}/edit/", "credential edit"),
        ("/credentials/cycles/add/", "official cycle add"),
        (f"/credentials/cycles/{cycle.pk}/edit/", "official cycle edit"),
        ("/credentials/apprentice/", "apprentice evidence"),
        ("/activities/", "activities list"),
        ("/activities/add/", "activity add"),
        (f"/activities/{activity.pk}/edit/", "activity edit"),
        (f"/activities/{activity.pk}/delete/", "activity delete confirm"),
        (f"/activities/{activity.pk}/changes/", "activity changes"),
        ("/changes/", "history of changes"),
        ("/activities/history/aapc/", "history"),
        ("/activities/records/", "records"),
        ("/activities/records/import/", "CSV import"),
        ("/activities/add/from-certificate/", "certificate start"),
        ("/accounts/profile/", "profile"),
        ("/reminders/", "reminder preferences"),
        ("/reminders/log/", "reminder log"),
        ("/organizations/", "my organizations"),
        (f"/organizations/invitation/{coder_invitation.token}/", "invitation accept"),
        (reverse("mfa_index"), "mfa index"),
        (reverse("account_email"), "email addresses"),
        (reverse("account_change_password"), "change password"),
    ]:
        audit.visit(avery, path, label)
    avery.goto("/activities/add/")
    avery.get_by_role("button", name="Log activity", exact=True).click()
    expect(avery.locator(".invalid-feedback").first).to_be_visible()
    audit.check(avery, "activity add with errors")
    csv_file = tmp_path / "records.csv"
    csv_file.write_text(
        "title,provider,completed_on,units,aapc,aapc_index\n"
        f"Risk adjustment,AAPC,{date.today() - timedelta(days=5)},1.5,yes,RA-9\n"
        "Too precise,AAPC,2025-04-03,0.25,yes,RA-10\n"
    )
    avery.goto("/activities/records/import/")
    avery.get_by_label("CSV file").set_input_files(str(csv_file))
    avery.get_by_role("button", name="Check the file").click()
    expect(avery.get_by_role("heading", name="Check the import")).to_be_visible()
    audit.check(avery, "CSV import preview")

    # A manager (no credentials of their own: the empty dashboard) and their organization.
    morgan = signed_in_page(manager)
    slug = organization.slug
    for path, label in [
        ("/", "dashboard empty"),
        ("/organizations/", "organizations list"),
        ("/organizations/new/", "organization create"),
        (f"/organizations/{slug}/", "organization dashboard"),
        (f"/organizations/{slug}/people/", "organization people"),
        (f"/organizations/{slug}/invitations/", "organization invitations"),
        (f"/organizations/{slug}/staff/{member.pk}/", "member drill-down"),
        (f"/organizations/{slug}/staff/{member.pk}/changes/", "member changes"),
    ]:
        audit.visit(morgan, path, label)

    assert not audit.found, audit.report()
    assert len(audit.visited) >= 40


def _tab_to(page: Page, selector: str, *, presses: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    target = page.locator(selector)
    for _ in range(presses):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _skip_to_main(page: Page) -> None:
    """The first Tab reaches the skip link, and Enter moves the focus to the main content,
    so the next Tab goes to the page's own links and fields, past the navigation."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_the_skip_link_and_the_main_forms_work_with_the_keyboard_alone(new_context, verified_user):
    coder = verified_user(full_name="Kim Keys", email="kim@example.com")
    # A US locale fixes the order in which a date field takes typed digits.
    page = new_context(locale="en-US").new_page()

    page.goto("/accounts/login/")
    _skip_to_main(page)
    _tab_to(page, 'input[name="login"]')
    page.keyboard.type(coder.email)
    _tab_to(page, 'input[name="password"]')
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Kim Keys")).to_be_visible()

    page.goto("/credentials/add/")
    _skip_to_main(page)
    _tab_to(page, 'select[name="credential_type"]')
    page.keyboard.type("CPC")
    cpc = CredentialType.objects.get(code="CPC")
    expect(page.locator('select[name="credential_type"]')).to_have_value(str(cpc.pk))
    _tab_to(page, 'input[name="earned_on"]')
    page.keyboard.type("01102024")  # a date field takes month, day, year as typed
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("CPC was added.")).to_be_visible()
    assert Credential.objects.get(user=coder).earned_on == date(2024, 1, 10)

    page.goto("/activities/add/")
    _skip_to_main(page)
    completed = coder.local_today() - timedelta(days=3)
    _tab_to(page, 'input[name="title"]')
    page.keyboard.type("Keyboard-only webinar")
    _tab_to(page, 'input[name="provider"]')
    page.keyboard.type("AAPC")
    _tab_to(page, 'input[name="completed_on"]')
    page.keyboard.type(completed.strftime("%m%d%Y"))
    _tab_to(page, 'input[name="units"]')
    page.keyboard.type("1.5")
    _tab_to(page, 'input[name="aapc"]')
    page.keyboard.press("Space")
    _tab_to(page, 'input[name="aapc_index"]')
    page.keyboard.type("KEY-42")
    _tab_to(page, "main form button[type=submit]:has-text('Log activity')")
    page.keyboard.press("Enter")
    expect(page.get_by_text("“Keyboard-only webinar” was logged.")).to_be_visible()
    logged = Activity.objects.get(user=coder)
    assert (logged.completed_on, logged.aapc, logged.aapc_index) == (completed, True, "KEY-42")
