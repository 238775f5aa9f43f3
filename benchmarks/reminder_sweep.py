"""Time the daily reminder sweep: plan for 100,000 person-cycles, then render and send
10,000 reminder emails to the in-memory backend.

    .venv/bin/python benchmarks/reminder_sweep.py [--people 100000] [--emails 10000]

Uses a throwaway SQLite database in a temp folder unless DATABASE_URL is set (then point it
at a throwaway database: the benchmark's people are added to it). Each person holds one
AAPC credential (one person-cycle each) with 0-4 logged activities, certified on dates
spread over six years so cycles, statuses and reminder kinds vary. Prints progress; the last
line is one JSON object with `person_cycles`, `plan_s`, `emails` and `send_per_s`.
Targets: plan <= 60 s, send >= 200 emails/s on the project's 2-core machines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 6, 1)
PLAN_TARGET_S = 60.0
SEND_TARGET_PER_S = 200.0
CHUNK = 5000


def _configure(scratch: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceutrack.settings")
    os.environ["DEBUG"] = "1"
    os.environ["CEUTRACK_VAR_DIR"] = str(scratch)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _build(people: int, *, seed: int = 8) -> None:
    """Users, one CPC each and a few activities, bulk-inserted in chunks."""
    from ceutrack.accounts.models import User
    from ceutrack.activities.models import Activity
    from ceutrack.credentials.models import Credential, CredentialType

    rng = random.Random(seed)
    cpc = CredentialType.objects.get(code="CPC")
    stamp = int(time.time())
    for start in range(0, people, CHUNK):
        size = min(CHUNK, people - start)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench{stamp}-{start + i}@bench.invalid",
                    full_name=f"Coder {start + i}",
                    password="!",  # unusable: nobody signs in as a benchmark person
                )
                for i in range(size)
            ]
        )
        if users[0].pk is None:  # backends that do not return ids from bulk inserts
            users = list(User.objects.filter(email__startswith=f"bench{stamp}-").order_by("id"))[
                start : start + size
            ]
        Credential.objects.bulk_create(
            [
                Credential(
                    user=u,
                    credential_type=cpc,
                    earned_on=TODAY - timedelta(days=rng.randint(30, 6 * 365)),
                )
                for u in users
            ]
        )
        Activity.objects.bulk_create(
            [
                Activity(
                    user=u,
                    title=f"Webinar {n}",
                    provider="AAPC",
                    completed_on=TODAY - timedelta(days=rng.randint(1, 700)),
                    units=Decimal(rng.choice(["1", "1.5", "2", "4", "8"])),
                    kind="webinar",
                    aapc=True,
                    aapc_index=f"B{u.pk}-{n}",
                )
                for u in users
                for n in range(rng.randint(0, 4))
            ],
            batch_size=2000,
        )
        _say(f"  built {start + size:,} people")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--emails", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ceutrack-reminder-sweep-") as scratch:
        _configure(Path(scratch))
        from django.core import mail
        from django.db import connection
        from django.db.models import Count

        from ceutrack.reminders.models import Reminder
        from ceutrack.reminders.planner import plan_reminders
        from ceutrack.reminders.sender import send_pending_reminders

        _say(f"building {args.people:,} people on {connection.vendor}")
        built = time.perf_counter()
        _build(args.people)
        build_s = time.perf_counter() - built

        _say("planning")
        started, cpu = time.perf_counter(), time.process_time()
        planned = plan_reminders(today=TODAY, batch_size=1000, enqueue_sender=False)
        plan_s = time.perf_counter() - started
        plan_cpu_s = time.process_time() - cpu
        again = plan_reminders(today=TODAY, batch_size=1000, enqueue_sender=False)
        _say(f"  planned {planned:,} reminders in {plan_s:.1f} s (second sweep added {again})")

        _say(f"sending up to {args.emails:,}")
        mail.outbox = []
        started, cpu = time.perf_counter(), time.process_time()
        report = send_pending_reminders(today=TODAY, limit=args.emails)
        send_s = time.perf_counter() - started
        send_cpu_s = time.process_time() - cpu
        emails = len(mail.outbox)
        send_per_s = emails / send_s if send_s else 0.0
        _say(f"  sent {emails:,} in {send_s:.1f} s ({send_per_s:.0f}/s); {report}")

        kinds = dict(Reminder.objects.values_list("kind").annotate(n=Count("id")))
        result = {
            "database": connection.vendor,
            "people": args.people,
            "person_cycles": args.people,
            "build_s": round(build_s, 1),
            "planned": planned,
            "planned_second_sweep": again,
            "planned_kinds": kinds,
            "plan_s": round(plan_s, 2),
            "plan_cpu_s": round(plan_cpu_s, 2),
            "plan_target_s": PLAN_TARGET_S,
            "emails": emails,
            "skipped": report.skipped,
            "send_s": round(send_s, 2),
            "send_per_s": round(send_per_s, 1),
            "send_per_cpu_s": round(emails / send_cpu_s, 1) if send_cpu_s else 0.0,
            "send_target_per_s": SEND_TARGET_PER_S,
            "load_average_1m": round(os.getloadavg()[0], 2),
            "ok": plan_s <= PLAN_TARGET_S and send_per_s >= SEND_TARGET_PER_S,
        }
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
