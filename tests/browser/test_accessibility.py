"""The main forms work with the keyboard alone: the skip link moves the focus past the
navigation, and Tab, typing and Enter sign in, add a credential and log an activity.
(axe-core's check of every page is in test_every_page.py.)"""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Credential, CredentialType

from .conftest import PASSWORD


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
