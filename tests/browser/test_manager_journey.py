"""A manager creates an organization and invites a coder; the coder consents; the manager
sees the coder's status and drill-down and exports the table; the coder withdraws and the
drill-down is gone."""

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import expect

from ceutrack.organizations.demo import apply_recipe
from ceutrack.organizations.models import Organization


def test_a_manager_invites_a_coder_who_consents_and_later_withdraws(
    signed_in_page, verified_user, email_link, screenshot
):
    manager = verified_user(full_name="Morgan Manager", email="morgan@example.com")
    coder = verified_user(full_name="Casey Coder", email="casey@example.com")
    apply_recipe(coder, "at_risk", today=coder.local_today())

    boss = signed_in_page(manager)
    boss.goto("/organizations/")
    boss.get_by_role("link", name="Create an organization").click()
    boss.get_by_label("Organization name").fill("Riverside Health Coding")
    boss.get_by_role("button", name="Create organization").click()
    expect(boss.get_by_role("heading", name="Invite people")).to_be_visible()
    boss.get_by_label("Email addresses").fill("casey@example.com")
    boss.get_by_role("button", name="Send invitations").click()
    expect(boss.get_by_text("Sent 1 invitation(s): casey@example.com.")).to_be_visible()
    expect(boss.get_by_test_id("invitation-status")).to_have_text("Pending")
    slug = Organization.objects.get().slug

    link = email_link(to="casey@example.com", path="/organizations/invitation/")
    casey = signed_in_page(coder)
    casey.goto(urlparse(link).path)  # the email names SITE_URL, not the test server
    expect(
        casey.get_by_role("heading", name="What Riverside Health Coding will see")
    ).to_be_visible()
    casey.get_by_label(re.compile("I agree to share these records")).check()
    casey.get_by_role("button", name="Accept and share").click()
    expect(casey.get_by_text("You joined Riverside Health Coding.")).to_be_visible()
    expect(casey.get_by_test_id("consent-state")).to_contain_text("Sharing since")

    boss.goto(f"/organizations/{slug}/")
    row = boss.get_by_test_id("staff-row").filter(has_text="casey@example.com")
    expect(row.get_by_test_id("row-status")).to_have_text("At risk")
    expect(boss.get_by_test_id("count-at_risk")).to_have_text("1")
    screenshot(boss, "manager-1-dashboard")
    row.get_by_role("link", name="Casey Coder").click()
    expect(boss.get_by_role("heading", name="Casey Coder", level=1)).to_be_visible()
    expect(boss.get_by_test_id("member-status")).to_have_text("At risk")
    drill_down = boss.url
    screenshot(boss, "manager-2-drill-down")

    # The export holds the same row the dashboard shows.
    boss.goto(f"/organizations/{slug}/")
    with boss.expect_download() as download_info:
        boss.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{slug}-compliance-")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [(r["Name"], r["Email"], r["Status"]) for r in rows] == [
        ("Casey Coder", "casey@example.com", "At risk")
    ]

    casey.get_by_role("button", name="Withdraw consent").click()
    expect(
        casey.get_by_text("Riverside Health Coding can no longer see your CEU records.")
    ).to_be_visible()

    response = boss.goto(drill_down)
    assert response is not None and response.status == 404
    boss.goto(f"/organizations/{slug}/")
    expect(boss.get_by_test_id("staff-row")).to_have_count(0)
