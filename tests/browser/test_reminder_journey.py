"""A coder's reminder: the day moves forward to a week before the cycle ends, the planner and
sender (called as the Celery tasks call them) put a reminder in the outbox, and its one-click
unsubscribe link, opened in a browser with no session, turns that reminder off."""

from datetime import timedelta
from urllib.parse import urlparse

from playwright.sync_api import expect

from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.presenters import format_units
from ceutrack.reminders.models import Kind, Reminder, ReminderPreferences, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders
from tests.factories import CredentialFactory


def test_a_reminder_email_arrives_when_the_day_comes_and_its_link_unsubscribes(
    page, signed_in_page, verified_user, mailoutbox, email_link, screenshot
):
    coder = verified_user(full_name="Riley Coder", email="riley@example.com")
    CredentialFactory(user=coder, earned_on=coder.local_today() - timedelta(days=300))
    cycle_end = evaluate_person(coder).body("AAPC").current.end

    # The day moves forward: one week before the cycle ends, with every unit still owed.
    week_before = cycle_end - timedelta(days=7)
    assert plan_reminders(today=week_before, enqueue_sender=False) == 1
    assert send_pending_reminders(today=week_before).sent == 1

    assert [m.to for m in mailoutbox] == [["riley@example.com"]]
    owed = format_units(evaluate_person(coder, today=week_before).body("AAPC").current.remaining)
    assert mailoutbox[0].subject.startswith(f"One week left: {owed} AAPC CEUs still needed")
    row = Reminder.objects.get(user=coder)
    assert (row.kind, row.status, row.cycle_end) == (Kind.DUE_7, Status.SENT, cycle_end)
    riley = signed_in_page(coder)
    riley.goto("/reminders/log/")
    expect(riley.get_by_role("row").filter(has_text="Due in 7 days")).to_contain_text("Sent")
    screenshot(riley, "reminder-1-log")

    # The link works from any mail client: no session, no CSRF token.
    link = email_link(to="riley@example.com", path="/reminders/unsubscribe/")
    page.goto(urlparse(link).path)  # the email names SITE_URL, not the test server
    expect(page.get_by_role("heading", name="Stop “Due in 7 days” emails?")).to_be_visible()
    screenshot(page, "reminder-2-unsubscribe-confirm")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()

    preferences = ReminderPreferences.objects.get(user=coder)
    assert not preferences.due_7
    assert preferences.due_30 and preferences.at_risk
    riley.goto("/reminders/")
    expect(riley.locator('input[name="due_7"]')).not_to_be_checked()
    expect(riley.locator('input[name="due_30"]')).to_be_checked()
