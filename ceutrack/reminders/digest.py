"""The weekly manager digest: one email per manager listing the staff (consented members of
their organizations) who became at risk, behind or lapsed that week.

"Became" is read from the outbox: the planner adds a row the day a person's cycle first
calls for one of those reminders. The digest shows the people still in that state when it
is sent, with the engine's current figures. Digest rows live in the same outbox
(kind `digest`, body "ALL", cycle_end = the Monday of the week reported) and are claimed
and sent by the same sender.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ceutrack import rules
from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_people
from ceutrack.credentials import presentation as words
from ceutrack.organizations.access import managers_of_anyone, staff_visible_to
from ceutrack.reminders.emails import absolute_url, build_message, unsubscribe_url
from ceutrack.reminders.models import (
    DIGEST_BODY,
    Kind,
    Reminder,
    ReminderPreferences,
    week_start,
)

# Planned reminder kinds that mean "this person's cycle went wrong this week".
TROUBLE_KINDS = (Kind.AT_RISK, Kind.BEHIND, Kind.DUE_90, Kind.DUE_30, Kind.DUE_7, Kind.LAPSED)
TROUBLE_STATUSES = (rules.AT_RISK, rules.BEHIND, rules.LAPSED)


def plan_weekly_digests(*, today: date | None = None, enqueue_sender: bool = True) -> int:
    """One digest row per manager for the last full week (Monday to Sunday) before `today`.
    Idempotent like the planner; returns the rows added."""
    today = today or timezone.localdate()
    week = week_start(today) - timedelta(days=7)
    rows = [
        Reminder(user_id=pk, body=DIGEST_BODY, cycle_end=week, kind=Kind.DIGEST, planned_on=today)
        for pk in managers_of_anyone().values_list("pk", flat=True)
    ]
    if not rows:
        return 0
    planned = Reminder.objects.filter(kind=Kind.DIGEST, cycle_end=week)
    with transaction.atomic():
        before = planned.count()
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        added = planned.count() - before
    if enqueue_sender:
        from ceutrack.reminders.sender import enqueue_senders_if_due

        enqueue_senders_if_due()
    return added


def digest_entries(
    manager: User, *, week: date, today: date | None, catalog: rules.Catalog
) -> list[dict[str, Any]]:
    """Staff of the manager's organizations who became at risk, behind or lapsed in the week
    starting `week` and are still so now, grouped by organization (name order)."""
    staff = staff_visible_to(manager).values_list(
        "user_id", "organization_id", "organization__name"
    )
    org_names: dict[int, str] = {}
    orgs_of: defaultdict[int, list[int]] = defaultdict(list)
    for user_id, org_id, org_name in staff:
        orgs_of[user_id].append(org_id)
        org_names[org_id] = org_name
    trouble = (
        Reminder.objects.filter(
            user_id__in=list(orgs_of),
            kind__in=TROUBLE_KINDS,
            planned_on__range=(week, week + timedelta(days=6)),
        )
        .values_list("user_id", "body")
        .distinct()
    )
    bodies_of: defaultdict[int, set[str]] = defaultdict(set)
    for user_id, body in trouble:
        bodies_of[user_id].add(body)
    if not bodies_of:
        return []
    people = {u.pk: u for u in User.objects.filter(pk__in=list(bodies_of))}
    evaluations = evaluate_people(list(bodies_of), today=today, catalog=catalog)
    grouped: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for user_id, bodies in bodies_of.items():
        evaluation = evaluations.get(user_id)
        for code in sorted(bodies):
            result = evaluation.body(code) if evaluation else None
            cycle = result.current if result else None
            if cycle is None or cycle.status not in TROUBLE_STATUSES:
                continue  # caught up since: nothing to worry the manager with
            for org_id in orgs_of[user_id]:
                grouped[org_id].append(
                    {
                        "person": people[user_id],
                        "body": code,
                        "cycle": cycle,
                        "status": words.status_label(cycle.status),
                        "remaining": words.units(cycle.remaining),
                        "required": words.units(cycle.required),
                        "end": words.day(cycle.end),
                    }
                )
    return [
        {
            "organization": org_names[org_id],
            "people": sorted(
                grouped[org_id], key=lambda e: (e["person"].display_name.lower(), e["body"])
            ),
        }
        for org_id in sorted(grouped, key=lambda pk: org_names[pk].lower())
    ]


def prepare(
    row: Reminder, *, prefs: ReminderPreferences, today: date | None, catalog: rules.Catalog
) -> list[Any] | str:
    """The digest message for a claimed digest row, or the reason it is skipped."""
    manager = row.user
    if not manager.is_active:
        return "account inactive"
    if not prefs.digest:
        return "opted out"
    organizations = digest_entries(manager, week=row.cycle_end, today=today, catalog=catalog)
    if not organizations:
        return "nothing to report this week"
    unsubscribe = unsubscribe_url(user_id=manager.pk, kind=Kind.DIGEST)
    context = {
        "user": manager,
        "week_start": row.cycle_end,
        "week_end": row.cycle_end + timedelta(days=6),
        "organizations": organizations,
        "count": sum(len(org["people"]) for org in organizations),
        "dashboard_url": absolute_url(reverse("organizations:list")),
        "preferences_url": absolute_url(reverse("reminders:preferences")),
        "unsubscribe_url": unsubscribe,
    }
    return [build_message("digest", context, to=manager.email, unsubscribe=unsubscribe)]
