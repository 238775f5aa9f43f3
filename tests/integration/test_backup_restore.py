"""A database backed up and restored the way README.md ("Backup and restore") says evaluates
every person exactly as the original does.

The restored copy is read by a fresh process pointed at it (DATABASE_URL), as the restarted
services would read it; the original is read here. Both go through `evaluate_person` with
the same `today`, and each whole Evaluation is compared field by field.
"""

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import running_in_ci
from tests.factories import (
    ActivityFactory,
    ApprenticeEvidenceFactory,
    CredentialFactory,
    MembershipFactory,
    OfficialCycleFactory,
    UserFactory,
    credential_type,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 6, 30)
# Committed rows are what a backup sees: transactional tests.
committed = pytest.mark.django_db(transaction=True)


def evaluations_of_everyone(today: date) -> dict[str, str]:
    """Every person's whole evaluation, as comparable JSON text keyed by email."""
    from ceutrack.accounts.models import User
    from ceutrack.activities.evaluation import evaluate_person

    return {
        user.email: json.dumps(
            dataclasses.asdict(evaluate_person(user, today=today)), default=str, sort_keys=True
        )
        for user in User.objects.order_by("email")
    }


READ_RESTORED = f"""
import json, os, sys
from datetime import date
sys.path.insert(0, {str(ROOT)!r})
import django
django.setup()
from tests.integration.test_backup_restore import evaluations_of_everyone
print(json.dumps(evaluations_of_everyone(date.fromisoformat({TODAY.isoformat()!r}))))
"""


def evaluations_in(database_url: str, scratch: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "ceutrack.settings",
        "DEBUG": "1",
        "ENV_FILE": str(scratch / "no.env"),
        "CEUTRACK_VAR_DIR": str(scratch),
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", READ_RESTORED],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def people():
    """Coders of both bodies with activities, official dates, an apprentice, a certificate
    and an employer: every kind of input the engine reads."""
    aapc = UserFactory(email="aapc@example.com", time_zone="America/Chicago")
    CredentialFactory(user=aapc, credential_type=credential_type("CPC"), earned_on=date(2022, 5, 1))
    OfficialCycleFactory(user=aapc, start=date(2024, 6, 1), end=date(2026, 5, 31))
    for n in range(6):
        ActivityFactory(user=aapc, completed_on=date(2025, 1 + n, 10), units=Decimal("2.5"))
    both = UserFactory(email="both@example.com", aapc_membership_month=3)
    CredentialFactory(user=both, credential_type=credential_type("CPC"), earned_on=date(2021, 2, 1))
    CredentialFactory(user=both, credential_type=credential_type("CCS"), earned_on=date(2023, 9, 1))
    ActivityFactory(user=both, aapc=True, ahima=True, ahima_domain=True, units=Decimal("4"))
    ActivityFactory(user=both, aapc=False, aapc_index="", ahima=True, units=Decimal("1.5"))
    apprentice = UserFactory(email="apprentice@example.com")
    CredentialFactory(
        user=apprentice, credential_type=credential_type("CPC-A"), earned_on=date(2024, 1, 15)
    )
    ApprenticeEvidenceFactory(user=apprentice)
    MembershipFactory(user=aapc)
    UserFactory(email="nothing-yet@example.com")
    return [aapc, both, apprentice]


@committed
def test_a_sqlite_backup_restored_by_copying_it_back_evaluates_the_same(people, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL: see the pg_dump test")
    before = evaluations_of_everyone(TODAY)
    assert len(before) == 4
    assert '"earned": "15.0"' in before["aapc@example.com"]
    # README: sqlite3 var/ceutrack.sqlite3 ".backup var/backup.sqlite3", or the same online
    # backup through Python's sqlite3.Connection.backup when the CLI is not installed.
    connection.ensure_connection()
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(backup) as target:
        connection.connection.backup(target)
    target.close()
    # Restore: with the services stopped, copy the backup over the database file.
    restored = tmp_path / "var" / "ceutrack.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    assert evaluations_in(f"sqlite:///{restored}", tmp_path) == before


def _pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


@committed
@pytest.mark.services("postgres")
def test_a_pg_dump_restored_into_a_new_database_evaluates_the_same(people, tmp_path):
    tools = {name: _pg_tool(name) for name in ("pg_dump", "pg_restore")}
    if None in tools.values():
        if running_in_ci():
            pytest.fail(f"PostgreSQL client tools missing: {tools}")
        pytest.skip(f"PostgreSQL client tools missing: {tools}")
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db["PASSWORD"] or "")}
    where = ["-h", str(db["HOST"] or "127.0.0.1"), "-p", str(db["PORT"] or 5432)]
    where += ["-U", str(db["USER"])]
    before = evaluations_of_everyone(TODAY)
    dump = tmp_path / "ceutrack.dump"
    subprocess.run(
        [tools["pg_dump"], "-Fc", "--no-owner", *where, "-f", str(dump), db["NAME"]],
        env=env,
        check=True,
        timeout=60,
    )
    copy = f"restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{copy}"')
    try:
        subprocess.run(
            [tools["pg_restore"], "--clean", "--if-exists", "--no-owner", *where, "-d", copy,
             str(dump)],
            env=env,
            check=True,
            timeout=60,
        )  # fmt: skip
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{where[1]}:{where[3]}/{copy}"
        assert evaluations_in(url, tmp_path) == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def test_the_readme_gives_the_backup_and_restore_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    for command in (
        "pg_dump -Fc",
        "pg_restore --clean",
        '.backup var/backup.sqlite3"',
        ".backup(sqlite3.connect(",
        "var/private",
    ):
        assert command in section, command
