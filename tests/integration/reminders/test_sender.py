from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from ceutrack.organizations.models import Membership, Organization, Role
from ceutrack.reminders.models import Kind, Reminder, ReminderPreferences, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders
from tests.factories import ReminderFactory, ReminderPreferencesFactory, UserFactory
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc, log_units

pytestmark = pytest.mark.django_db

REFUSING = "tests.integration.reminders.backends.RefusingBackend"


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_sends_a_planned_reminder_with_the_cycle_figures_and_marks_it_sent(settings):
    coder = coder_with_cpc(full_name="Dana Coder")
    plan_reminders()

    report = send_pending_reminders()

    assert report.sent == 1
    [message] = mail.outbox
    assert message.to == [coder.email]
    assert message.subject == "You are behind on your AAPC CEUs: 36 still needed"
    assert "Hello Dana Coder," in message.body
    assert "Still needed:      36 CEUs" in message.body
    assert "Days left:         244" in message.body
    assert f"Your dashboard: {settings.SITE_URL}/" in message.body
    assert f"with one click: {settings.SITE_URL}/reminders/unsubscribe/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>36 CEUs</strong>" in html
    row = Reminder.objects.get(user=coder)
    assert (row.status, row.attempts, row.recipient) == (Status.SENT, 1, coder.email)
    assert row.sent_at == timezone.now()


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_adds_one_click_unsubscribe_headers(settings):
    settings.SITE_URL = "https://ceutrack.example"
    coder_with_cpc()
    plan_reminders()

    send_pending_reminders()

    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"].startswith(
        "<https://ceutrack.example/reminders/unsubscribe/"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://ceutrack.example/" in mail.outbox[0].body


@time_machine.travel(PLANNING_DAY, tick=False)
def test_two_claims_of_one_row_have_exactly_one_winner():
    row = ReminderFactory()
    now = timezone.now()

    results = [Reminder.objects.claim(row.pk, now=now), Reminder.objects.claim(row.pk, now=now)]

    assert results == [True, False]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_at) == (Status.SENDING, 1, now)


@time_machine.travel(PLANNING_DAY, tick=False)
def test_overlapping_batch_claims_split_the_rows_between_senders():
    rows = [ReminderFactory(kind=kind) for kind in ("behind", "at_risk", "due_90", "due_30")]
    taken = ReminderFactory(kind="due_7", status=Status.SENT)
    now = timezone.now()
    ids = [r.pk for r in rows]

    first = Reminder.objects.claim_batch(ids[:3], now=now)
    second = Reminder.objects.claim_batch([*ids, taken.pk], now=now)

    assert (first, second) == (ids[:3], ids[3:])
    assert set(Reminder.objects.filter(pk__in=ids).values_list("status", "attempts")) == {
        (Status.SENDING, 1)
    }


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_row_is_marked_sent_only_under_the_claim_it_was_sent_under():
    row = ReminderFactory(last_error="SMTPDataError: 451")
    now = timezone.now()
    later = now + timedelta(hours=1)
    first, [pk], _ = Reminder.objects.claim_next(after=0, size=1, now=now)
    Reminder.objects.recover_stale(now=later, timeout=timedelta(minutes=15))
    second, _, _ = Reminder.objects.claim_next(after=0, size=1, now=later)

    stale = Reminder.objects.mark_sent(pk, token=first, now=later, recipient="old@example.com")
    live = Reminder.objects.mark_sent(pk, token=second, now=later, recipient="new@example.com")

    assert (stale, live) == (False, True)
    row.refresh_from_db()
    assert (row.status, row.recipient, row.sent_at, row.updated_at, row.last_error) == (
        Status.SENT,
        "new@example.com",
        later,
        later,
        "",
    )
    assert Reminder.objects.filter(status=Status.SENT, sent_at=later).count() == 1


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_row_claimed_by_another_sender_is_not_sent_again():
    coder = coder_with_cpc()
    row = ReminderFactory(user=coder, status=Status.SENDING, claimed_at=timezone.now())

    report = send_pending_reminders()

    assert (report.sent, mail.outbox) == (0, [])
    row.refresh_from_db()
    assert row.status == Status.SENDING


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_row_left_sending_by_a_killed_worker_is_recovered_and_sent_once(settings):
    settings.REMINDER_CLAIM_TIMEOUT = 900
    coder = coder_with_cpc()
    row = ReminderFactory(
        user=coder,
        status=Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(minutes=16),
    )

    first = send_pending_reminders()
    second = send_pending_reminders()

    assert (first.recovered, first.sent, second.sent) == (1, 1, 0)
    assert [m.to for m in mail.outbox] == [[coder.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)


def test_an_smtp_error_is_retried_with_backoff_then_marked_failed_with_the_error_kept(settings):
    settings.EMAIL_BACKEND = REFUSING
    settings.REMINDER_MAX_ATTEMPTS = 3
    settings.REMINDER_RETRY_BACKOFF = 300
    start = PLANNING_DAY
    with time_machine.travel(start, tick=False):
        coder_with_cpc()
        plan_reminders()
        first = send_pending_reminders()
        too_soon = send_pending_reminders(now=start + timedelta(seconds=299))
    row = Reminder.objects.get()
    assert (first.retried, too_soon.handled) == (1, 0)
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.next_attempt_at == start + timedelta(seconds=300)
    assert "451" in row.last_error and "SMTPDataError" in row.last_error

    with time_machine.travel(start + timedelta(seconds=300), tick=False):
        second = send_pending_reminders()
    row.refresh_from_db()
    assert (second.retried, row.attempts) == (1, 2)
    assert row.next_attempt_at == start + timedelta(seconds=300 + 600)  # doubled

    with time_machine.travel(start + timedelta(seconds=900), tick=False):
        third = send_pending_reminders()
    row.refresh_from_db()
    assert (third.failed, row.status, row.attempts) == (1, Status.FAILED, 3)
    assert "Mailbox temporarily unavailable" in row.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert send_pending_reminders().handled == 0
    assert mail.outbox == []


def test_a_reminder_refused_once_is_delivered_on_the_next_run(settings):
    settings.EMAIL_BACKEND = REFUSING
    with time_machine.travel(PLANNING_DAY, tick=False):
        coder = coder_with_cpc()
        plan_reminders()
        send_pending_reminders()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with time_machine.travel(PLANNING_DAY + timedelta(minutes=10), tick=False):
        report = send_pending_reminders()

    assert report.sent == 1
    assert [m.to for m in mail.outbox] == [[coder.email]]
    row = Reminder.objects.get()
    # Sent is sent: the attempts count keeps the history, no stale error is left behind.
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_coder_who_catches_up_between_planning_and_sending_gets_no_email():
    coder = coder_with_cpc()
    plan_reminders()
    for _ in range(4):
        log_units(coder, "9")

    report = send_pending_reminders()

    assert (report.skipped, mail.outbox) == (1, [])
    row = Reminder.objects.get(user=coder)
    assert (row.status, row.skip_reason) == (Status.SKIPPED, "caught up: status is complete")


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_reminder_superseded_by_a_more_urgent_one_is_skipped():
    coder = coder_with_cpc()
    plan_reminders()
    log_units(coder, "13")  # from behind to at risk: the behind email no longer fits

    send_pending_reminders()

    row = Reminder.objects.get(user=coder)
    assert (row.status, row.skip_reason) == (
        Status.SKIPPED,
        "superseded by the at risk reminder",
    )
    assert mail.outbox == []


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_skips_a_kind_the_coder_turned_off_and_sends_the_others():
    opted_out = coder_with_cpc()
    ReminderPreferencesFactory(user=opted_out, behind=False)
    other = coder_with_cpc()
    ReminderPreferencesFactory(user=other, at_risk=False)
    plan_reminders()

    send_pending_reminders()

    assert [m.to for m in mail.outbox] == [[other.email]]
    row = Reminder.objects.get(user=opted_out)
    assert (row.status, row.skip_reason) == (Status.SKIPPED, "opted out")


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_skips_a_row_whose_cycle_is_no_longer_current():
    coder = coder_with_cpc()
    ReminderFactory(user=coder, cycle_end=PLANNING_DAY.date() - timedelta(days=30))

    send_pending_reminders()

    row = Reminder.objects.get(user=coder)
    assert row.status == Status.SKIPPED
    assert row.skip_reason == "cycle changed: the current cycle ends 2027-01-31"


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_respects_the_limit_and_leaves_the_rest_for_the_next_run():
    for _ in range(3):
        coder_with_cpc()
    plan_reminders()

    assert send_pending_reminders(limit=2).sent == 2
    assert send_pending_reminders(limit=2).sent == 1
    assert len(mail.outbox) == 3


def _organization_with(coder, *, consent: bool):
    org = Organization.objects.create(name="Valley Clinic", slug=f"valley-{coder.pk}")
    manager = UserFactory(full_name="Morgan Manager")
    Membership.objects.create(user=manager, organization=org, role=Role.MANAGER)
    Membership.objects.create(
        user=coder,
        organization=org,
        role=Role.MEMBER,
        consent_given_at=timezone.now() if consent else None,
    )
    return manager


@time_machine.travel(PLANNING_DAY, tick=False)
def test_managers_of_a_consented_organization_get_a_copy_when_the_coder_asks():
    coder = coder_with_cpc(full_name="Dana Coder")
    ReminderPreferencesFactory(user=coder, copy_managers=True)
    manager = _organization_with(coder, consent=True)
    plan_reminders()

    send_pending_reminders()

    assert [m.to for m in mail.outbox] == [[coder.email], [manager.email]]
    copy = mail.outbox[1]
    assert "Hello Morgan Manager," in copy.body
    assert "copy of a reminder ceutrack sent to Dana Coder" in copy.body
    assert "unsubscribe" not in copy.body.lower()
    assert "List-Unsubscribe" not in copy.extra_headers


@time_machine.travel(PLANNING_DAY, tick=False)
def test_no_copy_goes_to_managers_without_consent_or_without_the_coders_choice():
    no_consent = coder_with_cpc()
    ReminderPreferencesFactory(user=no_consent, copy_managers=True)
    _organization_with(no_consent, consent=False)
    not_asked = coder_with_cpc()
    _organization_with(not_asked, consent=True)
    plan_reminders()

    send_pending_reminders()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([no_consent.email, not_asked.email])


@time_machine.travel(datetime(2027, 1, 5, 6, tzinfo=UTC), tick=False)
def test_every_kind_of_reminder_renders_and_sends():
    coders = {
        Kind.DUE_30: coder_with_cpc("10", "10"),
        Kind.SUBMIT: coder_with_cpc("10", "10", "10", "6"),
    }
    plan_reminders()

    send_pending_reminders()

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[coders[Kind.DUE_30].email] == (
        "30 days left: 16 AAPC CEUs still needed by 31 Jan 2027"
    )
    assert subjects[coders[Kind.SUBMIT].email] == (
        "You have all your AAPC CEUs: report them by 31 Jan 2027"
    )
    assert not ReminderPreferences.objects.exists()  # sending never writes preferences
