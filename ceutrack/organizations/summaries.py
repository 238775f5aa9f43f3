"""The stored compliance summary: one row per person, always equal to the engine's verdict.

Rows are rewritten (a) after any change to a person's inputs (signals in
ceutrack.organizations.signals queue the person; the refresh runs once the transaction
commits) and (b) once the person's local day has moved past `as_of` (`valid_until` is the
next local midnight): the dashboard refreshes such rows in bulk before it reads them and a
Celery beat task sweeps them every 15 minutes (settings.CELERY_BEAT_SCHEDULE). The numbers come
only from the engine, through the adapter's bulk `evaluate_people`.
"""

import threading
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Credential
from ceutrack.organizations.models import (
    STATUS_RANK,
    ComplianceSummary,
    Membership,
    SummaryStatus,
)
from ceutrack.rules import Evaluation

BATCH_SIZE = 500

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
        "valid_until": next_local_midnight(evaluation.today, time_zone),
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


def refresh_stale(*, now: datetime | None = None) -> int:
    """Beat sweep: every stored row past its day, and consented staff with no row yet."""
    now = now or timezone.now()
    stale = set(
        ComplianceSummary.objects.filter(valid_until__lte=now).values_list("user_id", flat=True)
    )
    stale.update(stale_user_ids(Membership.objects.consented(), now=now))
    return refresh_summaries(stale)


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
