"""Delivery: claim due outbox rows, recheck each against the engine and the person's
preferences at send time, render and send over one SMTP connection, and record the outcome.

Rows are claimed in id order, a chunk at a time, with a conditional UPDATE that stamps a fresh
token, so two senders running at once never send one row twice. A claim lives while its sender
does: just before each message goes out, the sender restamps a claim older than a third of
REMINDER_CLAIM_TIMEOUT, and every send is bounded by EMAIL_TIMEOUT (settings make sure three of
those fit in the claim timeout), so only a dead worker's rows are ever recovered, after
REMINDER_CLAIM_TIMEOUT. A send that raises is retried with exponential backoff and marked
failed, with its error kept, after REMINDER_MAX_ATTEMPTS attempts; a row finally sent keeps no
error. A broken SMTP session is closed and reopened for the next message; otherwise a whole run
shares one session.

Delivery is at least once, and the window is one statement wide: a message the server has
accepted is marked sent at once by a conditional UPDATE (guarded by the claim token). A worker
killed between the two sends that one message again once its row is recovered; a send that
never returns an outcome (the worker dies inside it) leaves its row claimed, never marked sent.

Sending is sequential within a run: senders scale by running in several worker processes at
once (they claim disjoint rows), and enqueue_senders_if_due() queues one per chunk of due
rows, at most REMINDER_SENDERS (the workers' concurrency). A mail thread overlapping the SMTP
round trips with the next row's rendering was tried and measured against a real SMTP server
on two cores: it cost 15 to 20 % more CPU per email (GIL hand-overs, seven more context
switches per email), so two senders sent 12 to 18 % fewer emails a second with it; it helped
only a lone sender on an otherwise idle machine.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ceutrack import rules
from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_people
from ceutrack.credentials import presentation as words
from ceutrack.credentials.catalog import load_catalog
from ceutrack.organizations.access import managers_of
from ceutrack.reminders import digest
from ceutrack.reminders.emails import ReminderEmail, build_message, unsubscribe_url
from ceutrack.reminders.models import Kind, Reminder, ReminderPreferences, Status

logger = logging.getLogger(__name__)

CAUGHT_UP = (rules.COMPLETE, rules.ON_TRACK)
CHUNK_SIZE = 100  # rows claimed at once by a sender


@dataclass
class SendReport:
    recovered: int = 0  # stale claims put back to pending
    sent: int = 0
    skipped: int = 0
    retried: int = 0  # failed this time, will be tried again
    failed: int = 0  # gave up: attempts exhausted
    lost: int = 0  # claims another sender won
    more: bool = False  # stopped at the limit or the time budget with rows still due

    @property
    def handled(self) -> int:
        return self.sent + self.skipped + self.retried + self.failed


@dataclass
class _Claim:
    token: uuid.UUID
    pks: list[int]
    stamped: datetime  # when the claim was last (re)stamped


def send_pending_reminders(
    *,
    now: datetime | None = None,
    today: date | None = None,
    limit: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    budget_s: float | None = None,
) -> SendReport:
    """Send every due row, a chunk at a time, until none is left; or stop after `limit`
    rows or once `budget_s` seconds have passed (then `report.more` says whether rows are
    still due). `now` drives claims, recovery and backoff; the status recheck uses `today`,
    by default each person's own local date."""
    fixed_now = now

    def clock() -> datetime:
        return fixed_now or timezone.now()

    started = time.monotonic()
    report = SendReport()
    report.recovered = Reminder.objects.recover_stale(
        now=clock(), timeout=timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)
    )
    catalog: rules.Catalog | None = None
    connection = get_connection()
    last_pk = 0  # keyset: a row retried during this run waits for the next run
    taken = 0  # rows claimed or lost
    try:
        while True:
            out_of_budget = budget_s is not None and time.monotonic() - started >= budget_s
            if out_of_budget or (limit is not None and taken >= limit):
                report.more = Reminder.objects.due(now=clock()).exists()
                break
            size = chunk_size if limit is None else min(chunk_size, limit - taken)
            # Each chunk is stamped with the clock, not the run's start, so a long run never
            # hands its later chunks to a concurrent sender's stale-claim recovery.
            stamp = clock()
            token, won, lost = Reminder.objects.claim_next(after=last_pk, size=size, now=stamp)
            report.lost += lost
            taken += len(won) + lost
            if not won and not lost:
                break
            last_pk = max([last_pk, *won])
            if won:
                catalog = catalog or load_catalog()
                _send_chunk(
                    _Claim(token, won, stamp),
                    clock=clock,
                    today=today,
                    catalog=catalog,
                    connection=connection,
                    report=report,
                )
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return report


def senders_wanted(*, now: datetime) -> int:
    """How many senders the due rows warrant: one per chunk, at most REMINDER_SENDERS."""
    most = settings.REMINDER_SENDERS
    due = Reminder.objects.due(now=now).values("pk")[: CHUNK_SIZE * (most - 1) + 1].count()
    return min(most, -(-due // CHUNK_SIZE))


def enqueue_senders_if_due() -> int:
    """Queue senders once the caller's transaction commits, whenever rows are due (not only
    when a sweep added some: rows left by a broker outage or a retry must not wait for the
    next beat tick), and as many as the backlog warrants, so that a night's reminders are
    drained by every worker at once (they claim disjoint rows). Returns how many."""
    wanted = senders_wanted(now=timezone.now())
    from ceutrack.reminders.tasks import send_pending_reminders as task

    for _ in range(wanted):
        transaction.on_commit(task.delay)
    return wanted


def _send_chunk(
    claim: _Claim,
    *,
    clock: Any,
    today: date | None,
    catalog: rules.Catalog,
    connection: Any,
    report: SendReport,
) -> None:
    """Rows claimed by this sender: one bulk evaluation and one preferences query."""
    rows = list(Reminder.objects.filter(pk__in=claim.pks).select_related("user").order_by("id"))
    coder_ids = [row.user_id for row in rows if not row.is_digest]
    evaluations = evaluate_people(coder_ids, today=today, catalog=catalog) if coder_ids else {}
    preferences = {
        p.user_id: p
        for p in ReminderPreferences.objects.filter(user_id__in=[row.user_id for row in rows])
    }
    for index, row in enumerate(rows):
        if not _still_ours(claim, rows, index, clock=clock):
            continue  # recovered by another sender meanwhile: no longer ours to send
        prefs = preferences.get(row.user_id) or ReminderPreferences(user=row.user)
        if row.is_digest:
            outcome = digest.prepare(row, prefs=prefs, today=today, catalog=catalog)
        else:
            outcome = _prepare_coder(row, prefs=prefs, evaluation=evaluations.get(row.user_id))
        if isinstance(outcome, str):
            _finish(row, claim, now=clock(), status=Status.SKIPPED, skip_reason=outcome)
            report.skipped += 1
        # Checked again just before the send, which then ends within EMAIL_TIMEOUT of a claim
        # at most a third of REMINDER_CLAIM_TIMEOUT old.
        elif _still_ours(claim, rows, index, clock=clock):
            _deliver(row, claim, outcome, connection=connection, clock=clock, report=report)


def _deliver(
    row: Reminder,
    claim: _Claim,
    messages: list[EmailMessage],
    *,
    connection: Any,
    clock: Any,
    report: SendReport,
) -> None:
    """Send one row's messages over the run's SMTP session and record the outcome at once."""
    try:
        # Opened once and kept open: send_messages() closes only a connection it opened
        # itself, so every message of the run shares one SMTP session.
        connection.open()
        connection.send_messages(messages)
    except Exception as exc:
        with contextlib.suppress(Exception):
            connection.close()  # a broken session must not poison the next message
        logger.warning("Reminder %s: send failed (attempt %s): %s", row.pk, row.attempts, exc)
        _record_failure(row, claim, exc, now=clock(), report=report)
        return
    Reminder.objects.mark_sent(row.pk, token=claim.token, now=clock(), recipient=row.user.email)
    report.sent += 1


def _still_ours(claim: _Claim, rows: list[Reminder], index: int, *, clock: Any) -> bool:
    """Whether rows[index] is still claimed by us, restamping the claim on the rows not done
    yet when it is older than a third of REMINDER_CLAIM_TIMEOUT."""
    now = clock()
    if now - claim.stamped >= timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT / 3):
        remaining = [r.pk for r in rows[index:]]
        claim.pks = Reminder.objects.renew(remaining, token=claim.token, now=now)
        claim.stamped = now
    return rows[index].pk in claim.pks


def _finish(row: Reminder, claim: _Claim, *, now: datetime, **fields: Any) -> bool:
    # Guarded by our claim: if the row was recovered and re-claimed meanwhile, leave it be.
    return (
        Reminder.objects.filter(pk=row.pk, status=Status.SENDING, claim_token=claim.token).update(
            updated_at=now, **fields
        )
        == 1
    )


def _record_failure(
    row: Reminder, claim: _Claim, exc: Exception, *, now: datetime, report: SendReport
) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        _finish(row, claim, now=now, status=Status.FAILED, last_error=error, claimed_at=None)
        report.failed += 1
        return
    base = timedelta(seconds=settings.REMINDER_RETRY_BACKOFF)
    _finish(
        row,
        claim,
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
            return f"caught up: status is {words.status_label(cycle.status).lower()}"
        if cycle.reminder is None:
            return f"no longer due: status is {words.status_label(cycle.status).lower()}"
        return f"superseded by the {Kind(str(cycle.reminder)).label.lower()} reminder"
    if not prefs.wants(row.kind):
        return "opted out"
    return None


def _prepare_coder(
    row: Reminder, *, prefs: ReminderPreferences, evaluation: rules.Evaluation | None
) -> list[ReminderEmail] | str:
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


def reminder_context(
    user: User, *, body: rules.BodyResult, kind: str, catalog: rules.Catalog | None = None
) -> dict[str, Any]:
    """What a reminder template shows: the engine's figures, worded once here by
    ceutrack.credentials.presentation (the template `date` filter dominated the sweep's
    render time), so an email reads "17" and "31 Jan 2027" as the pages do."""
    cycle = body.current
    assert cycle is not None
    catalog = catalog or rules.DEFAULT_CATALOG
    dashboard, preferences = _site_links(settings.SITE_URL)
    return {
        "user": user,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "body": body.body,
        "credentials": body.credentials,
        "cycle": cycle,
        "required": words.units(cycle.required),
        "earned": words.units(cycle.earned),
        "remaining": words.units(cycle.remaining),
        "start": words.day(cycle.start),
        "end": words.day(cycle.end),
        "expected": words.units(words.rounded(cycle.expected, "0.01")),
        "days_overdue": -cycle.days_left if cycle.days_left < 0 else 0,
        "topic_gaps": [
            {"topic": words.topic_label(t.topic, catalog), "missing": words.units(t.missing)}
            for t in cycle.topics
            if not t.met
        ],
        "sourced_gap": (
            words.units(cycle.sourced.missing) if cycle.sourced and not cycle.sourced.met else None
        ),
        "outstanding": words.outstanding_items(cycle.outstanding),
        "portal": words.portal(body.body).where_to_report,
        "dashboard_url": dashboard,
        "preferences_url": preferences,
        "unsubscribe_url": unsubscribe_url(user_id=user.pk, kind=kind),
        "copy_for": None,
    }


@functools.lru_cache(maxsize=4)
def _site_links(site_url: str) -> tuple[str, str]:
    return (
        f"{site_url}{reverse('home')}",
        f"{site_url}{reverse('reminders:preferences')}",
    )


def managers_for_copies(user: User) -> list[User]:
    """Managers of the organizations the person consented to share progress with."""
    return list(managers_of(user))
