"""The reminder outbox and each person's reminder preferences.

One outbox row per (person, body, cycle end, kind), unique in the database: planning inserts
with `ignore_conflicts`, so a second sweep adds nothing, and a kind is never sent twice for
one cycle. Delivery claims a row with a conditional UPDATE before it acts.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F, Q

from ceutrack.accounts.models import User
from ceutrack.credentials.presentation import REMINDER_LABELS


class Kind(models.TextChoices):
    AT_RISK = "at_risk", REMINDER_LABELS["at_risk"]
    BEHIND = "behind", REMINDER_LABELS["behind"]
    DUE_90 = "due_90", REMINDER_LABELS["due_90"]
    DUE_30 = "due_30", REMINDER_LABELS["due_30"]
    DUE_7 = "due_7", REMINDER_LABELS["due_7"]
    LAPSED = "lapsed", REMINDER_LABELS["lapsed"]
    SUBMIT = "submit", REMINDER_LABELS["submit"]
    DIGEST = "digest", REMINDER_LABELS["digest"]


# The kinds the engine plans for a coder's cycle (everything but the manager digest).
COACHING_KINDS: tuple[str, ...] = tuple(k for k in Kind.values if k != Kind.DIGEST)

# A digest row is not about one body's cycle: it uses this body and the week's Monday.
DIGEST_BODY = "ALL"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def due(self, *, now: datetime) -> ReminderQuerySet:
        """Pending rows whose (re)try time has come."""
        return self.filter(status=Status.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )

    def recover_stale(self, *, now: datetime, timeout: timedelta) -> int:
        """Put back rows a crashed worker claimed and never finished; returns how many."""
        return self.filter(status=Status.SENDING, claimed_at__lt=now - timeout).update(
            status=Status.PENDING, claimed_at=None, updated_at=now
        )

    def claim(self, pk: int, *, now: datetime) -> bool:
        """Take one pending row for this worker. Exactly one concurrent caller gets True:
        the UPDATE's WHERE status = pending is evaluated under the row lock on PostgreSQL
        and under the database write lock on SQLite."""
        return (
            self.filter(pk=pk, status=Status.PENDING).update(
                status=Status.SENDING,
                claimed_at=now,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
            == 1
        )

    def claim_batch(self, pks: Sequence[int], *, now: datetime) -> list[int]:
        """Claim many pending rows with one conditional UPDATE; returns the ids this caller
        won. A fresh token marks our rows, so rows another sender took are not returned
        (on PostgreSQL a row updated concurrently is re-checked against status = pending)."""
        return self.claim_with_token(pks, now=now, token=uuid.uuid4())

    def claim_with_token(self, pks: Sequence[int], *, now: datetime, token: uuid.UUID) -> list[int]:
        self.filter(pk__in=pks, status=Status.PENDING).update(
            status=Status.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        return self.held(pks, token=token)

    def held(self, pks: Sequence[int], *, token: uuid.UUID) -> list[int]:
        """Which of these rows are still claimed under `token` (a stale-claim recovery by
        another sender takes a row back: it is then no longer ours to send)."""
        return list(
            self.filter(pk__in=pks, status=Status.SENDING, claim_token=token)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def claimable(self, *, after: int, now: datetime) -> ReminderQuerySet:
        """Due rows with ids above `after`, in id order: what a sender claims next (read
        through reminder_claim_idx)."""
        return self.due(now=now).filter(pk__gt=after).order_by("pk")

    def claim_next(
        self, *, after: int, size: int, now: datetime
    ) -> tuple[uuid.UUID, list[int], int]:
        """Claim up to `size` due rows with ids above `after`, in id order.

        Returns (token, the ids won, how many were seen but lost to another sender). On
        PostgreSQL the candidates are locked with SKIP LOCKED, so concurrent senders take
        disjoint rows instead of racing for the same ones; the conditional UPDATE keeps
        every backend exactly-once either way."""
        with transaction.atomic():
            candidates = list(
                self.claimable(after=after, now=now)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:size]
            )
            token = uuid.uuid4()
            won = self.claim_with_token(candidates, now=now, token=token) if candidates else []
        return token, won, len(candidates) - len(won)

    def mark_sent(self, pk: int, *, token: uuid.UUID, now: datetime, recipient: str) -> bool:
        """Mark one row sent to `recipient`, clearing its error, if it is still claimed under
        `token`; returns whether it was. The sender's one query per email, so it is a single
        parameterised UPDATE written out here: the ORM spent four times longer building the
        same statement than the database spent running it."""
        connection = connections[self.db]
        stamp = connection.ops.adapt_datetimefield_value(now)
        claim_token = self.model._meta.get_field("claim_token")
        with connection.cursor() as cursor:
            cursor.execute(
                _mark_sent_sql(),
                [
                    Status.SENT.value,
                    stamp,
                    stamp,
                    recipient,
                    pk,
                    Status.SENDING.value,
                    claim_token.get_db_prep_value(token, connection),
                ],
            )
            return bool(cursor.rowcount == 1)

    def renew(self, pks: Sequence[int], *, token: uuid.UUID, now: datetime) -> list[int]:
        """Restamp our live claims so no recovery treats them as stale; returns the rows
        still ours."""
        self.filter(pk__in=pks, status=Status.SENDING, claim_token=token).update(claimed_at=now)
        return self.held(pks, token=token)


def _mark_sent_sql() -> str:
    # The table name comes from the model; every value is a query parameter.
    return (
        f"UPDATE {Reminder._meta.db_table} SET status = %s, sent_at = %s, updated_at = %s, "  # noqa: S608
        "recipient = %s, last_error = '' WHERE id = %s AND status = %s AND claim_token = %s"
    )


class Reminder(models.Model):
    """One reminder email in the outbox (or a manager's weekly digest, kind `digest`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    body = models.CharField(max_length=8)
    cycle_end = models.DateField(help_text="End of the cycle; for a digest, the week's Monday.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    recipient = models.EmailField(blank=True, help_text="The address it was sent to.")
    planned_on = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "body", "cycle_end", "kind"], name="one_reminder_per_kind_and_cycle"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="reminder_due_idx"),
            # A sender's claim (claim_next: pending rows above an id, in id order) reads the
            # outbox in id order from where it left off, instead of finding every pending row
            # through reminder_due_idx and sorting them on each claim, as SQLite and PostgreSQL
            # both did: with 100,000 pending rows, sending ran a quarter slower
            # (benchmarks/nightly.py; tests/integration/reminders/test_claim_query.py).
            models.Index(fields=["status", "id"], name="reminder_claim_idx"),
            models.Index(fields=["kind", "planned_on"], name="reminder_kind_planned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user_id} ({self.body}, {self.cycle_end})"

    @property
    def is_digest(self) -> bool:
        return self.kind == Kind.DIGEST

    def retry_at(self, *, now: datetime, base: timedelta) -> datetime:
        """Exponential backoff: base, 2 x base, 4 x base... after the 1st, 2nd, 3rd attempt."""
        return now + base * (2 ** max(self.attempts - 1, 0))


def week_start(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


class ReminderPreferences(models.Model):
    """Which reminders a person wants. A person without a row gets the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    at_risk = models.BooleanField(
        "at risk", default=True, help_text="You are falling behind the pace your cycle needs."
    )
    behind = models.BooleanField(
        "behind", default=True, help_text="You have earned less than half of the expected units."
    )
    due_90 = models.BooleanField(
        "90 days left", default=True, help_text="Your cycle ends in 90 days and units are owed."
    )
    due_30 = models.BooleanField(
        "30 days left", default=True, help_text="Your cycle ends in 30 days and units are owed."
    )
    due_7 = models.BooleanField(
        "7 days left", default=True, help_text="Your cycle ends in a week and units are owed."
    )
    lapsed = models.BooleanField(
        "lapsed", default=True, help_text="Your cycle ended before you had all your units."
    )
    submit = models.BooleanField(
        "time to submit",
        default=True,
        help_text="You have all your units: report them in the body's portal before the end.",
    )
    copy_managers = models.BooleanField(
        "copy my managers",
        default=False,
        help_text="Managers of organizations you share your progress with get a copy.",
    )
    digest = models.BooleanField(
        "weekly staff digest",
        default=True,
        help_text="For managers: a Monday email listing staff who fell behind that week.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder preferences"

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user_id}"

    @classmethod
    def for_user(cls, user: User) -> ReminderPreferences:
        """The saved preferences, or unsaved defaults (nothing is written on read)."""
        try:
            return cls.objects.get(user=user)
        except cls.DoesNotExist:
            return cls(user=user)

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))

    def turn_off(self, kind: str) -> None:
        if kind not in Kind.values:
            raise ValueError(f"Unknown reminder kind {kind!r}")
        setattr(self, kind, False)
        self.save()


# A next check on or before every date: the person is due now.
CHECK_NOW = date(1970, 1, 1)
# No date alone changes the person's reminders: only a change to their records does.
CHECK_NEVER = date(9999, 12, 31)


class NextCheckQuerySet(models.QuerySet["NextCheck"]):
    def reset(self, user_ids: Sequence[int], *, now: datetime) -> int:
        """Make these people due for a check: their records changed (upsert; safe to call
        inside the changing transaction, and for people who have no row yet)."""
        rows = [NextCheck(user_id=pk, check_on=CHECK_NOW, changed_at=now) for pk in set(user_ids)]
        self.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["check_on", "changed_at"],
        )
        return len(rows)


class NextCheck(models.Model):
    """When the reminder planner must evaluate a person again: the first local date on which
    the engine's verdict may change (its `holds_until`), or CHECK_NOW once any of their
    records changed. A person with credentials and no row is due."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="next_check",
    )
    check_on = models.DateField(db_index=True)
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="Last change to the person's records."
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    objects = NextCheckQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user_id}: next check {self.check_on}"
