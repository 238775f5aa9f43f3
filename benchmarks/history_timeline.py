"""Time the change-history pages for a coder with 500 activities, most edited twice.

    .venv/bin/python benchmarks/history_timeline.py [--activities 500] [--requests 20]

Uses a throwaway SQLite database in a temp folder unless DATABASE_URL is set (then that
database is migrated and the benchmark's coder is deleted afterwards). Measures the timeline's
first and last pages, one activity's history page and what a history row adds to a save.
Prints the figures; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _configure(scratch: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceutrack.settings")
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["CEUTRACK_VAR_DIR"] = str(scratch)
    os.environ["PRIVATE_MEDIA_ROOT"] = str(scratch / "private")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _build_coder(activities: int):
    from simple_history.utils import bulk_create_with_history

    from ceutrack.accounts.models import User
    from ceutrack.activities.models import Activity, Kind
    from ceutrack.credentials.models import Credential, CredentialType

    user = User.objects.create_user(
        f"bench-{uuid.uuid4().hex[:10]}@example.com", "bench-password", full_name="Bench Coder"
    )
    today = user.local_today()
    for code in ("CPC", "CCS"):
        Credential.objects.create(
            user=user,
            credential_type=CredentialType.objects.get(code=code),
            earned_on=today - timedelta(days=365 * 3),
        )
    rows = bulk_create_with_history(
        [
            Activity(
                user=user,
                title=f"Benchmark activity {i}",
                provider="AAPC",
                completed_on=today - timedelta(days=1 + (i * 7) % (365 * 3 - 10)),
                units=Decimal("0.5") * (1 + i % 4),
                kind=Kind.WEBINAR,
                aapc=True,
                aapc_index=f"B{i:06d}",
                ahima=i % 2 == 0,
            )
            for i in range(activities)
        ],
        Activity,
        default_user=user,
    )
    return user, list(Activity.objects.filter(pk__in=[r.pk for r in rows]))


def _time(client, url: str, requests: int) -> float:
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return round(statistics.median(timings), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ceutrack-bench-") as folder:
        _configure(Path(folder))

        from django.core.management import call_command
        from django.db import connection, transaction
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from ceutrack.activities.models import Activity

        call_command("migrate", verbosity=0)
        user, activities = _build_coder(args.activities)
        try:
            # Saves as the edit page makes them (in a transaction), alternately without the
            # history row, for the difference it makes.
            saves: list[float] = []
            plain: list[float] = []
            for edit in range(2):
                for n, activity in enumerate(activities):
                    activity.units += Decimal("0.5")
                    activity.title = f"{activity.title} (edit {edit + 1})"
                    skip = edit == 1 and n % 2 == 1
                    if skip:
                        activity.skip_history_when_saving = True
                    start = time.perf_counter()
                    with transaction.atomic():
                        activity.save()
                    (plain if skip else saves).append((time.perf_counter() - start) * 1000)
                    if skip:
                        del activity.skip_history_when_saving

            client = Client()
            client.force_login(user)
            timeline = reverse("timeline")
            changes = Activity.history.filter(user_id=user.pk).count()
            last_page = (changes + 24) // 25
            assert client.get(timeline).status_code == 200  # warm-up
            connection.queries_log.clear()  # full after the saves: nothing would be captured
            with CaptureQueriesContext(connection) as captured:
                assert client.get(timeline).status_code == 200
            result = {
                "benchmark": "history_timeline",
                "database": connection.vendor,
                "activities": args.activities,
                "history_rows": changes,
                "timeline_first_page_ms": _time(client, timeline, args.requests),
                "timeline_last_page_ms": _time(client, f"{timeline}?page={last_page}", 5),
                "timeline_queries": len(captured),
                "activity_history_ms": _time(
                    client, reverse("activities:changes", args=[activities[0].pk]), args.requests
                ),
                "save_with_history_ms": round(statistics.median(saves), 3),
                "save_without_history_ms": round(statistics.median(plain), 3),
                "load_average_1m": round(os.getloadavg()[0], 2),
            }
        finally:
            user.delete()
        print(
            f"history pages, {args.activities} activities edited twice, {connection.vendor}: "
            f"timeline {result['timeline_first_page_ms']} ms (first page), "
            f"{result['timeline_last_page_ms']} ms (last), one activity "
            f"{result['activity_history_ms']} ms; a save {result['save_with_history_ms']} ms "
            f"with its history row, {result['save_without_history_ms']} ms without"
        )
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
