"""Delivery: claim each due outbox row, recheck it against the engine and the person's
preferences at send time, render and send, and record what happened.

Every row is claimed with a conditional UPDATE before anything is sent, so two senders
running at once never send one row twice. A row whose worker died after the claim is put
back after REMINDER_CLAIM_TIMEOUT. A send that raises is retried with exponential backoff
and marked failed, with its error kept, after REMINDER_MAX_ATTEMPTS attempts.
(A worker killed after the SMTP server accepted a message but before the row was marked
sent will send it again once recovered: delivery is at least once, and that window is
one UPDATE wide.)
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse
from django.utils import timezone

from ceutrack import rules
from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_people
from ceutrack.credentials.catalog import load_catalog
from ceutrack.organizations.access import managers_of
from ceutrack.reminders import digest
from ceutrack.reminders.emails import build_message, unsubscribe_url
from ceutrack.reminders.models import Kind, Reminder, ReminderPreferences, Status

logger = logging.getLogger(__name__)

CAUGHT_UP = (rules.COMPLETE, rules.ON_TRACK)


@dataclass
class SendReport:
    recovered: int = 0  # stale claims put back to pending
    sent: int = 0
    skipped: int = 0
    retried: int = 0  # failed this time, will be tried again
    failed: int = 0  # gave up: attempts exhausted
    lost: int = 0  # claims another sender won

    @property
    def handled(self) -> int:
        return self.sent + self.skipped + self.retried + self.failed


def send_pending_reminders(
    *,
    now: datetime | None = None,
    today: date | None = None,
    limit: int = 2000,
    chunk_size: int = 100,
) -> SendReport:
    """Send up to `limit` due rows. `now` drives claims, recovery and backoff; the status
    recheck uses `today`, by default each person's own local date."""
    fixed_now = now
    now = now or timezone.now()
    report = SendReport()
    report.recovered = Reminder.objects.recover_stale(
        now=now, timeout=timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)
    )
    due = list(Reminder.objects.due(now=now).order_by("id").values_list("pk", flat=True)[:limit])
    if not due:
        return report
    catalog = load_catalog()
    connection = get_connection()
    try:
        for chunk in _chunks(due, chunk_size):
            # Stamp each chunk's claim with the clock, not the run's start: a long run must
            # not hand its later chunks to the stale-claim recovery of a concurrent sender.
            now = fixed_now or timezone.now()
            claimed = Reminder.objects.claim_batch(chunk, now=now)
            report.lost += len(chunk) - len(claimed)
            if claimed:
                _send_chunk(
                    claimed,
                    now=now,
                    today=today,
                    catalog=catalog,
                    connection=connection,
                    report=report,
                )
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return report


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _send_chunk(
    pks: Sequence[int],
    *,
    now: datetime,
    today: date | None,
    catalog: rules.Catalog,
    connection: Any,
    report: SendReport,
) -> None:
    """Rows already claimed by this sender: one bulk evaluation and one preferences query."""
    rows = list(Reminder.objects.filter(pk__in=pks).select_related("user").order_by("id"))
    coder_ids = [row.user_id for row in rows if not row.is_digest]
    evaluations = evaluate_people(coder_ids, today=today, catalog=catalog) if coder_ids else {}
    preferences = {
        p.user_id: p
        for p in ReminderPreferences.objects.filter(user_id__in=[row.user_id for row in rows])
    }
    for row in rows:
        prefs = preferences.get(row.user_id) or ReminderPreferences(user=row.user)
        if row.is_digest:
            outcome = digest.prepare(row, prefs=prefs, today=today, catalog=catalog)
        else:
            outcome = _prepare_coder(row, prefs=prefs, evaluation=evaluations.get(row.user_id))
        if isinstance(outcome, str):
            _finish(row, now=now, status=Status.SKIPPED, skip_reason=outcome)
            report.skipped += 1
            continue
        try:
            connection.send_messages(outcome)
        except Exception as exc:
            logger.warning("Reminder %s: send failed (attempt %s): %s", row.pk, row.attempts, exc)
            with contextlib.suppress(Exception):
                connection.close()  # a broken SMTP session must not poison the next row
            _record_failure(row, exc, now=now, report=report)
            continue
        _finish(row, now=now, status=Status.SENT, sent_at=now, recipient=row.user.email)
        report.sent += 1


def _finish(row: Reminder, *, now: datetime, **fields: Any) -> bool:
    # Guarded by our claim: if the row was recovered and re-claimed meanwhile, leave it be.
    return (
        Reminder.objects.filter(pk=row.pk, status=Status.SENDING, claimed_at=row.claimed_at).update(
            updated_at=now, **fields
        )
        == 1
    )


def _record_failure(row: Reminder, exc: Exception, *, now: datetime, report: SendReport) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        _finish(row, now=now, status=Status.FAILED, last_error=error, claimed_at=None)
        report.failed += 1
        return
    base = timedelta(seconds=settings.REMINDER_RETRY_BACKOFF)
    _finish(
        row,
        now=now,
        status=Status.PENDING,
        last_error=error,
        claimed_at=None,
        next_attempt_at=row.retry_at(now=now, base=base),
    )
    report.retried += 1


# ------------------------------------------------------------------ a coder's reminder


def skip_reason(
    row: Reminder, *, evaluation: rules.Evaluation | None, prefs: ReminderPreferences
) -> str | None:
    """Why a planned reminder should no longer go out, or None when it should."""
    if not row.user.is_active:
        return "account inactive"
    body = evaluation.body(row.body) if evaluation else None
    if body is None or body.current is None:
        return f"no current {row.body} cycle"
    cycle = body.current
    if cycle.end != row.cycle_end:
        return f"cycle changed: the current cycle ends {cycle.end:%Y-%m-%d}"
    if cycle.reminder != row.kind:
        if cycle.status in CAUGHT_UP and row.kind != Kind.SUBMIT:
            return f"caught up: status is {cycle.status.replace('_', ' ')}"
        if cycle.reminder is None:
            return f"no longer due: status is {cycle.status.replace('_', ' ')}"
        return f"superseded by the {Kind(str(cycle.reminder)).label.lower()} reminder"
    if not prefs.wants(row.kind):
        return "opted out"
    return None


def _prepare_coder(
    row: Reminder, *, prefs: ReminderPreferences, evaluation: rules.Evaluation | None
) -> list[EmailMultiAlternatives] | str:
    reason = skip_reason(row, evaluation=evaluation, prefs=prefs)
    if reason:
        return reason
    assert evaluation is not None  # skip_reason checked it
    body = evaluation.body(row.body)
    assert body is not None and body.current is not None
    context = reminder_context(row.user, body=body, kind=row.kind)
    name = f"reminder_{row.kind}"
    messages = [
        build_message(
            name,
            context,
            to=row.user.email,
            unsubscribe=context["unsubscribe_url"],
        )
    ]
    if prefs.copy_managers:
        for manager in managers_for_copies(row.user):
            copy = {**context, "copy_for": manager, "unsubscribe_url": None}
            messages.append(build_message(name, copy, to=manager.email))
    return messages


def reminder_context(user: User, *, body: rules.BodyResult, kind: str) -> dict[str, Any]:
    """What a reminder template shows: the engine's figures. Dates and the expected units
    are formatted here once (the template `date` filter dominated the sweep's render time)."""
    cycle = body.current
    assert cycle is not None
    dashboard, preferences = _site_links(settings.SITE_URL)
    return {
        "user": user,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "body": body.body,
        "credentials": body.credentials,
        "cycle": cycle,
        "start": _day(cycle.start),
        "end": _day(cycle.end),
        "expected": cycle.expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        "days_overdue": -cycle.days_left if cycle.days_left < 0 else 0,
        "topic_gaps": [
            {"topic": t.topic.replace("_", " "), "missing": t.required - t.earned}
            for t in cycle.topics
            if t.earned < t.required
        ],
        "sourced_gap": (
            cycle.sourced.required - cycle.sourced.earned
            if cycle.sourced and cycle.sourced.earned < cycle.sourced.required
            else None
        ),
        "outstanding": [_outstanding_label(item) for item in cycle.outstanding],
        "portal": PORTALS.get(body.body, "the certifying body's portal"),
        "dashboard_url": dashboard,
        "preferences_url": preferences,
        "unsubscribe_url": unsubscribe_url(user_id=user.pk, kind=kind),
        "copy_for": None,
    }


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"  # 31 Jan 2027


@functools.lru_cache(maxsize=4)
def _site_links(site_url: str) -> tuple[str, str]:
    return (
        f"{site_url}{reverse('home')}",
        f"{site_url}{reverse('reminders:preferences')}",
    )


PORTALS = {"AAPC": "the AAPC website (My CEUs)", "AHIMA": "AHIMA's CE portal"}


def _outstanding_label(item: str) -> str:
    name, _, count = item.partition(":")
    if name == "self_review":
        return f"{count or 'a'} coding self-review(s) still to complete"
    if name == "apprentice_removal":
        return "apprentice (-A) designation not yet removed"
    return name.replace("_", " ")


def managers_for_copies(user: User) -> list[User]:
    """Managers of the organizations the person consented to share progress with."""
    return list(managers_of(user))
