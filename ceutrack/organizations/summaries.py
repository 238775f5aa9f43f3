"""The stored compliance summary: one row per person, always equal to the engine's verdict.

Rows are rewritten (a) after any change to a person's inputs (signals in
ceutrack.organizations.signals queue the person; the refresh runs once the transaction
commits) and (b) once the verdict stops holding: `valid_until` is the start, in the person's
time zone, of the engine's earliest `holds_until` among their bodies (null: no date alone
changes it). Days left are not stored for display: pages derive them from the cycle end at
read time. A beat task sweeps the rows past `valid_until` every 15 minutes; the dashboard
never recomputes a crowd itself (it queues a task and shows the last verdict meanwhile).
The numbers come only from the engine, through the adapter's bulk `evaluate_people`.
"""

import logging
import threading
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Credential
from ceutrack.fanout import fan_out, run_inline
from ceutrack.organizations.models import (
    STATUS_RANK,
    ComplianceSummary,
    Membership,
    SummaryStatus,
)
from ceutrack.rules import Evaluation

BATCH_SIZE = 500
# People per Celery task of a dispatched sweep.
DISPATCH_BATCH_SIZE = 1000
logger = logging.getLogger(__name__)

_UPDATE_FIELDS = [
    "as_of",
    "valid_until",
    "status",
    "status_rank",
    "body_codes",
    "credential_codes",
    "credentials",
    "cycle_end",
    "days_left",
    "required",
    "earned",
    "remaining",
    "bodies",
    "last_activity_on",
    "refreshed_at",
]


def next_local_midnight(as_of: date, time_zone: str) -> datetime:
    """The instant the person's calendar moves past `as_of`."""
    return datetime.combine(
        as_of + timedelta(days=1), time.min, tzinfo=zoneinfo.ZoneInfo(time_zone)
    )


def valid_until(evaluation: Evaluation, time_zone: str) -> datetime | None:
    """When the stored verdict stops holding: the person's local midnight starting the
    earliest `holds_until` of their bodies; None when no date alone changes it. A person
    with no current cycle is looked at again the next local day."""
    currents = [b.current for b in evaluation.bodies if b.current is not None]
    if not currents:
        return next_local_midnight(evaluation.today, time_zone)
    days = [c.holds_until for c in currents if c.holds_until is not None]
    if not days:
        return None
    return datetime.combine(min(days), time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))


def summary_fields(
    evaluation: Evaluation,
    *,
    time_zone: str,
    credential_codes: Sequence[str],
    last_activity_on: date | None,
) -> dict[str, Any]:
    """Flatten one evaluation into the summary's columns (no rule is decided here: the
    status of each body is the engine's; a person's status is the worst of them)."""
    bodies: list[dict[str, Any]] = []
    for body in evaluation.bodies:
        cycle = body.current
        if cycle is None:
            continue
        bodies.append(
            {
                "body": body.body,
                "credentials": list(body.credentials),
                "status": str(cycle.status),
                "cycle_start": cycle.start.isoformat(),
                "cycle_end": cycle.end.isoformat(),
                "days_left": cycle.days_left,
                "required": str(cycle.required),
                "earned": str(cycle.earned),
                "remaining": str(cycle.remaining),
            }
        )
    codes = sorted({c.upper() for c in credential_codes})
    fields: dict[str, Any] = {
        "as_of": evaluation.today,
        "valid_until": valid_until(evaluation, time_zone),
        "body_codes": "".join(f",{b['body']}" for b in bodies) + ("," if bodies else ""),
        "credential_codes": "".join(f",{c}" for c in codes) + ("," if codes else ""),
        "credentials": ", ".join(codes),
        "bodies": bodies,
        "last_activity_on": last_activity_on,
    }
    if not bodies:
        return fields | {
            "status": SummaryStatus.NONE,
            "status_rank": STATUS_RANK[SummaryStatus.NONE],
            "cycle_end": None,
            "days_left": None,
            "required": None,
            "earned": None,
            "remaining": None,
        }
    worst = min(bodies, key=lambda b: (STATUS_RANK[b["status"]], b["cycle_end"]))
    return fields | {
        "status": worst["status"],
        "status_rank": STATUS_RANK[worst["status"]],
        "cycle_end": date.fromisoformat(worst["cycle_end"]),
        "days_left": worst["days_left"],
        "required": worst["required"],
        "earned": worst["earned"],
        "remaining": worst["remaining"],
    }


def _batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def refresh_summaries(user_ids: Iterable[int]) -> int:
    """Evaluate these people with the engine (in bulk) and upsert their summaries."""
    from ceutrack.accounts.models import User
    from ceutrack.activities.evaluation import evaluate_people

    ids = sorted(set(user_ids))
    written = 0
    for batch in _batches(ids, BATCH_SIZE):
        zones = dict(User.objects.filter(id__in=batch).values_list("id", "time_zone"))
        if not zones:
            continue
        evaluations = evaluate_people(list(zones))
        codes: dict[int, list[str]] = defaultdict(list)
        for user_id, code in Credential.objects.filter(user_id__in=zones).values_list(
            "user_id", "credential_type__code"
        ):
            codes[user_id].append(code)
        last_activity = dict(
            Activity.objects.filter(user_id__in=zones)
            .values("user_id")
            .annotate(last=Max("completed_on"))
            .values_list("user_id", "last")
        )
        now = timezone.now()
        rows = [
            ComplianceSummary(
                user_id=user_id,
                refreshed_at=now,
                **summary_fields(
                    evaluations[user_id],
                    time_zone=zones[user_id],
                    credential_codes=codes[user_id],
                    last_activity_on=last_activity.get(user_id),
                ),
            )
            for user_id in zones
        ]
        ComplianceSummary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user"], update_fields=_UPDATE_FIELDS
        )
        written += len(rows)
    return written


def stale_user_ids(members: QuerySet[Membership], *, now: datetime | None = None) -> list[int]:
    """People among `members` whose summary is missing or from an earlier local day."""
    now = now or timezone.now()
    return list(
        members.filter(
            Q(user__compliance_summary__isnull=True)
            | Q(user__compliance_summary__valid_until__lte=now)
        ).values_list("user_id", flat=True)
    )


def missing_user_ids(members: QuerySet[Membership]) -> list[int]:
    """People among `members` with no summary row at all."""
    return list(
        members.filter(user__compliance_summary__isnull=True).values_list("user_id", flat=True)
    )


# A dashboard opened again while its task runs queues no second one for this long.
REFRESH_LATER_SECONDS = 60


def refresh_later(organization_id: int) -> None:
    """Queue a task recomputing this organization's stale and missing rows (at most one a
    minute per organization). A broker that is down is not the page's problem: the beat
    sweep recomputes the same rows."""
    from ceutrack.organizations.tasks import refresh_organization_summaries

    key = f"summaries:refresh-later:{organization_id}"
    if not cache.add(key, 1, timeout=REFRESH_LATER_SECONDS):
        return
    try:
        refresh_organization_summaries.delay(organization_id)
    except Exception:
        cache.delete(key)
        logger.exception("could not queue the summaries of organization %s", organization_id)


def refresh_organization(organization_id: int) -> int:
    """Recompute the visible staff's stale and missing rows of one organization."""
    from ceutrack.organizations.access import visible_staff
    from ceutrack.organizations.models import Organization

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    return refresh_summaries(stale_user_ids(visible_staff(organization)))


def sweep_user_ids(*, full: bool = False, now: datetime | None = None) -> list[int]:
    """Who a sweep recomputes: every stored row whose verdict stopped holding and consented
    staff with no row yet; with `full`, everybody with a row and all consented staff."""
    now = now or timezone.now()
    rows = ComplianceSummary.objects.all()
    if not full:
        rows = rows.filter(valid_until__lte=now)
    people = set(rows.values_list("user_id", flat=True))
    staff = Membership.objects.consented()
    if full:
        people.update(staff.values_list("user_id", flat=True))
    else:
        people.update(stale_user_ids(staff, now=now))
    return sorted(people)


def refresh_stale(*, now: datetime | None = None, full: bool = False) -> int:
    """The sweep inline (manage.py, tests): the same batches dispatch() hands to Celery."""
    return sum(run_inline(refresh_logged_batch, _sweep_batches(full=full, now=now)))


def dispatch(*, full: bool = False, batch_size: int = DISPATCH_BATCH_SIZE) -> int:
    """The sweep split into batches dispatched as a Celery group over the workers (the
    beat's run every 15 minutes); returns the number of batches."""
    from ceutrack.organizations.tasks import refresh_summaries_batch

    return fan_out(
        refresh_summaries_batch,
        _sweep_batches(full=full, batch_size=batch_size),
        name="full summary refresh" if full else "summary refresh",
    )


def _sweep_batches(
    *, full: bool, now: datetime | None = None, batch_size: int = DISPATCH_BATCH_SIZE
) -> list[Sequence[int]]:
    return list(_batches(sweep_user_ids(full=full, now=now), batch_size))


def refresh_logged_batch(user_ids: Sequence[int], *, index: int, total: int) -> int:
    """One batch of a sweep (inline or as a Celery task), with its progress in the log."""
    written = refresh_summaries(user_ids)
    logger.info("summary refresh batch %d/%d: %d written", index, total, written)
    return written


def mark_all_stale() -> int:
    """After a catalog or rule change every verdict may differ: recompute lazily."""
    return ComplianceSummary.objects.update(valid_until=timezone.now())


# --- Change tracking: many saves in one transaction end in one refresh after commit.
_pending = threading.local()


def _pending_ids() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    ids: set[int] = _pending.ids
    return ids


def queue_refresh(user_id: int) -> None:
    """Refresh this person's summary once the current transaction commits. Robust: the
    change is committed by then, so a failed refresh must not turn it into an error page."""
    _pending_ids().add(user_id)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    ids = _pending_ids()
    if not ids:
        return
    batch = set(ids)
    ids.clear()
    try:
        refresh_tracked(batch)
    except Exception:
        # The inputs changed and the verdict could not follow: mark the rows past their
        # day, so the next dashboard read (or the beat sweep) recomputes them instead of
        # showing the old verdict as current until midnight.
        ComplianceSummary.objects.filter(user_id__in=batch).update(valid_until=timezone.now())
        raise


def refresh_tracked(user_ids: Iterable[int]) -> int:
    """Refresh only people an organization may look at (or who already have a row)."""
    ids = set(user_ids)
    tracked = set(
        ComplianceSummary.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    ) | set(Membership.objects.current().filter(user_id__in=ids).values_list("user_id", flat=True))
    return refresh_summaries(tracked) if tracked else 0
