"""Benchmark: the employer compliance dashboard for an organization of 10,000 staff.

Builds the organization (1-3 credentials per person, 800,000 activities by default) on the
database DATABASE_URL names (default: a fresh temporary SQLite file), computes the stored
compliance summaries through the engine, then times:
  - the dashboard's first page (status counts + first 50 rows), median of --runs GETs
    through django.test.Client;
  - one raw SQL aggregate of the same staff's units (the floor a page cannot beat);
  - the full CSV export (10,000 rows, streamed).
The last line is JSON. Usage:
  .venv/bin/python benchmarks/employer_dashboard.py [--staff N] [--activities M] [--runs R]
DATABASE_URL must name a throwaway database: the script migrates it and fills it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import Field, Model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
CREDENTIAL_MIX = [
    ("CPC",),
    ("CPC",),
    ("CPC", "CRC"),
    ("COC",),
    ("CPC", "CPMA"),
    ("CCS",),
    ("CPC", "CCS"),
    ("RHIT", "CCS"),
    ("CPC", "COC", "CRC"),
    ("CIC", "CCS", "RHIA"),
]


def setup_django(temp_dir: str) -> str:
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceutrack.settings")
    os.environ["CEUTRACK_VAR_DIR"] = temp_dir
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{temp_dir}/employer_dashboard.sqlite3"
    import django

    django.setup()
    from django.db import connection

    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def build(staff: int, activities: int, seed: int) -> tuple[int, list[int]]:
    from django.utils import timezone

    from ceutrack.accounts.models import User
    from ceutrack.activities.models import Activity, Kind
    from ceutrack.credentials.models import Credential, CredentialType
    from ceutrack.organizations.models import Membership, Organization, Role, Team

    rng = random.Random(seed)
    today = date.today()
    now = timezone.now()
    owner = User.objects.create(email="owner@bench.example", full_name="Bench Owner")
    org = Organization.objects.create(name="Bench Health", slug="bench-health", created_by=owner)
    Membership.objects.create(user=owner, organization=org, role=Role.OWNER)
    teams = Team.objects.bulk_create(Team(organization=org, name=f"Team {i}") for i in range(8))
    types = {t.code: t for t in CredentialType.objects.all()}

    users = User.objects.bulk_create(
        (
            User(
                email=f"staff{i:05d}@bench.example",
                full_name=f"Staff Member {i:05d}",
                time_zone=rng.choice(ZONES),
                password="!",
            )
            for i in range(staff)
        ),
        batch_size=2000,
    )
    if not users[0].pk:  # backends without RETURNING
        users = list(User.objects.filter(email__endswith="@bench.example").order_by("email"))
    Membership.objects.bulk_create(
        (
            Membership(
                user=u, organization=org, role=Role.MEMBER, team=rng.choice(teams),
                consent_given_at=now,
            )
            for u in users
        ),
        batch_size=2000,
    )  # fmt: skip
    held: dict[int, tuple[str, ...]] = {}
    credentials = []
    for u in users:
        codes = rng.choice(CREDENTIAL_MIX)
        held[u.pk] = codes
        earned = today - timedelta(days=rng.randint(200, 1500))
        credentials += [
            Credential(user=u, credential_type=types[c], earned_on=earned) for c in codes
        ]
    Credential.objects.bulk_create(credentials, batch_size=5000)

    per_person = activities // staff
    extra = activities - per_person * staff
    rows: list[dict[str, object]] = []
    made = 0
    for n, u in enumerate(users):
        aapc = any(types[c].body == "AAPC" for c in held[u.pk])
        ahima = any(types[c].body == "AHIMA" for c in held[u.pk])
        for k in range(per_person + (1 if n < extra else 0)):
            rows.append(
                {
                    "user_id": u.pk,
                    "title": f"Course {k}",
                    "provider": "AAPC" if aapc else "AHIMA",
                    "completed_on": today - timedelta(days=rng.randint(0, 1400)),
                    "units": Decimal(rng.choice(["0.5", "1", "1.5", "2"])),
                    "kind": Kind.WEBINAR.value,
                    "aapc": aapc,
                    "aapc_index": f"B{u.pk}-{k}" if aapc else "",
                    "ahima": ahima,
                }
            )
            if len(rows) == 20_000:
                made += insert_raw(Activity, rows, now=now)
                rows = []
    made += insert_raw(Activity, rows, now=now)
    return made, [u.pk for u in users]


def insert_raw(model: type[Model], rows: list[dict[str, Any]], *, now: object) -> int:
    """INSERT with executemany: the ORM's bulk_create spends most of its time preparing
    800,000 x 18 values one by one. Values are adapted per backend through each field, with
    a cache because few distinct values repeat."""
    from django.db import connection, transaction

    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(
            f, "auto_now_add", False) else f.get_default(), connection)
        for f in fields
    }  # fmt: skip
    cache: dict[tuple[str, object], Any] = {}

    def adapt(field: Field[Any, Any], value: object) -> Any:
        key = (field.attname, value)
        if key not in cache:
            cache[key] = field.get_db_prep_save(value, connection)
        return cache[key]

    given = list(rows[0])
    plain = {"user_id", "title", "aapc_index"}  # ints and strings need no adapting
    values: list[tuple[Any, ...]] = [
        tuple(
            (row[f.attname] if f.attname in plain else adapt(f, row[f.attname]))
            if f.attname in given
            else defaults[f.attname]
            for f in fields
        )
        for row in rows
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(values)


def median_ms(fn, runs: int) -> float:
    fn()  # warm caches (templates, catalog, connection)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=800_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sqlite",
        metavar="FILE",
        help="keep the SQLite database in FILE; a FILE already built is reused (no rebuild)",
    )
    args = parser.parse_args()
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.sqlite).resolve()}"

    with tempfile.TemporaryDirectory(prefix="ceutrack-bench-") as temp_dir:
        database = setup_django(temp_dir)
        print(f"database: {database}", flush=True)
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from ceutrack.accounts.models import User
        from ceutrack.organizations import summaries

        call_command("migrate", verbosity=0)
        from ceutrack.activities.models import Activity
        from ceutrack.organizations.models import Membership

        build_s = summary_s = 0.0
        if Membership.objects.filter(organization__slug="bench-health").exists():
            made = Activity.objects.count()
            staff_count = Membership.objects.consented().count()
            print(f"reusing {staff_count} staff, {made} activities", flush=True)
            # Rows from an earlier day are recomputed first, so only the page is timed.
            summaries.refresh_stale()
            args.staff = staff_count
        else:
            started = time.perf_counter()
            made, user_ids = build(args.staff, args.activities, args.seed)
            build_s = time.perf_counter() - started
            print(f"built {args.staff} staff, {made} activities in {build_s:.1f} s", flush=True)
            reset_queries()

            started = time.perf_counter()
            summaries.refresh_summaries(user_ids)
            summary_s = time.perf_counter() - started
            print(
                f"computed {len(user_ids)} summaries with the engine in {summary_s:.1f} s",
                flush=True,
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        client = Client()
        client.force_login(User.objects.get(email="owner@bench.example"))
        page_url = reverse("organizations:dashboard", args=["bench-health"])
        export_url = reverse("organizations:export", args=["bench-health"])

        def get_page() -> None:
            response = client.get(page_url)
            assert response.status_code == 200, response.status_code

        page_ms = median_ms(get_page, args.runs)
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            get_page()
        queries = len(captured.captured_queries)

        floor_sql = (
            "SELECT COUNT(*), SUM(a.units) FROM activities_activity a "
            "JOIN organizations_membership m ON m.user_id = a.user_id "
            "WHERE m.organization_id = (SELECT id FROM organizations_organization "
            "WHERE slug = 'bench-health') AND m.role = 'member' AND m.left_at IS NULL "
            "AND m.consent_given_at IS NOT NULL AND m.consent_withdrawn_at IS NULL"
        )

        def raw_sql() -> None:
            with connection.cursor() as cursor:
                cursor.execute(floor_sql)
                cursor.fetchone()

        raw_ms = median_ms(raw_sql, args.runs)

        started = time.perf_counter()
        response = client.get(export_url)
        from django.http import StreamingHttpResponse

        streamed = cast(StreamingHttpResponse, response).streaming_content
        lines = sum(chunk.count(b"\n") for chunk in cast("Iterator[bytes]", streamed))
        export_s = time.perf_counter() - started
        reset_queries()
        assert lines == args.staff + 1, lines

        result = {
            "database": connection.vendor,
            "staff": args.staff,
            "activities": made,
            "page_median_ms": round(page_ms, 1),
            "raw_sql_ms": round(raw_ms, 1),
            "ratio": round(page_ms / raw_ms, 2),
            "queries": queries,
            "export_s": round(export_s, 2),
            "export_rows": lines - 1,
            "summaries_s": round(summary_s, 1),
            "build_s": round(build_s, 1),
            "targets_met": page_ms <= 300 and export_s <= 5,
        }
        print(
            f"dashboard first page: median {page_ms:.1f} ms over {args.runs} GETs, "
            f"{queries} queries; raw SQL floor {raw_ms:.1f} ms; CSV export {export_s:.2f} s",
            flush=True,
        )
        connection.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
