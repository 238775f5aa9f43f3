"""Real Chromium enforces the Content-Security-Policy: the dashboard, the activity form and
the 2FA-free account pages load with no violation reported, and the progress bar still gets
its width (set by static/js/progress.js, since style="" attributes are forbidden)."""

from datetime import date
from decimal import Decimal

from tests.factories import ActivityFactory, CredentialFactory


def watch_violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def test_the_pages_load_under_the_policy_with_no_violation(signed_in_page, verified_user):
    user = verified_user()
    CredentialFactory(user=user, earned_on=date(2025, 1, 10))
    ActivityFactory(user=user, completed_on=date(2025, 6, 1), units=Decimal(10))
    page = signed_in_page(user)
    violations = watch_violations(page)

    for path in ["/", "/activities/add/", "/activities/records/", "/accounts/profile/"]:
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    page.goto("/")
    bar = page.locator("[data-progress-width]").first
    width = bar.evaluate("element => element.getBoundingClientRect().width")

    assert violations == []
    assert int(bar.get_attribute("data-progress-width")) > 0
    assert width > 0
