"""The API's interactive docs run in real Chromium under the site's Content-Security-Policy:
Swagger UI (vendored) renders every operation, and a call authorized with a personal access
token answers 200."""

from datetime import date

from ceutrack.api.tokens import create_token
from tests.browser.test_every_page import watch_violations
from tests.factories import CredentialFactory


def test_the_docs_render_and_call_the_api_with_a_token_under_the_policy(page, verified_user):
    user = verified_user()
    CredentialFactory(user=user, earned_on=date(2025, 1, 10))
    _token, secret = create_token(user=user, name="docs", scope="read")
    violations = watch_violations(page)
    calls = []
    page.on(
        "response",
        lambda r: (
            calls.append((r.status, r.request.headers.get("authorization", "")))
            if "/api/v1/me/evaluation/" in r.url
            else None
        ),
    )

    # A cold live server can take seconds to answer its first request on a busy machine.
    page.goto("/api/docs/", timeout=60_000)
    page.wait_for_selector(".opblock", timeout=30_000)
    page.click("button.authorize")
    scheme = page.locator(".modal-ux .auth-container:has-text('personalAccessToken')")
    scheme.locator("input").fill(secret)
    scheme.locator("button.authorize").click()
    page.click(".modal-ux button.close-modal")
    page.locator(".opblock-summary-get:has-text('/api/v1/me/evaluation/')").first.click()
    page.click("button.try-out__btn")
    page.click("button.execute")
    page.wait_for_selector(".live-responses-table tbody .response-col_status")

    assert page.locator(".opblock").count() > 20
    assert calls == [(200, f"Bearer {secret}")]
    assert violations == []
