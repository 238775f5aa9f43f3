"""Reminder sending rate against a real SMTP server on loopback.

    .venv/bin/python benchmarks/send_rate.py [--emails 10000] [--senders K]

Starts aiosmtpd in its own process (so the server does not share the sender's interpreter),
builds `--emails` people whose CPC cycle calls for a "behind" reminder, plans their rows, then
times `send_pending_reminders` draining them over SMTP (with `--senders K`, K forked processes
at once, as Celery workers would). Counts the messages the server really received. The timing
starts in a worker's steady state: the URLconf already imported and DEBUG off (no query log).
Uses a throwaway SQLite database in a temp folder unless DATABASE_URL is set (then point it at
an empty throwaway database). The last line is one JSON object with `emails`, `received`,
`send_s`, `send_per_s`, `send_per_cpu_s` (emails per CPU-second of the senders, server not
counted) and `smtp_sessions`. Target: >= 500 emails/s on the project's 2-core machines.

`measure_send_rate(n)` is the same measurement for other benchmarks (Django already set up).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEND_TARGET_PER_S = 500.0
DAY = date(2026, 6, 1)  # CPC earned 2025-01-10 and nothing logged: "behind" on this day
CYCLE_END = date(2027, 1, 31)
PARKED_UNTIL = datetime(9999, 1, 1, tzinfo=UTC)

# The server: one line per accepted message, "<session id>" — counted after the run.
SERVER = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Recorder:
    def __init__(self, path):
        self.out = open(path, "a", buffering=1)
    async def handle_DATA(self, server, session, envelope):
        self.out.write(f"{id(session)}\\n")
        return "250 OK"

controller = Controller(Recorder(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _build(n: int) -> None:
    """n people, one CPC each, and the "behind" reminder their cycle calls for on DAY."""
    from ceutrack.accounts.models import User
    from ceutrack.credentials.models import Credential, CredentialType
    from ceutrack.reminders.models import Reminder

    cpc = CredentialType.objects.get(code="CPC")
    stamp = time.time_ns()
    for start in range(0, n, 5000):
        size = min(5000, n - start)
        User.objects.bulk_create(
            [
                User(email=f"send{stamp}-{start + i}@bench.invalid", password="!")
                for i in range(size)
            ]
        )
        users = User.objects.filter(email__startswith=f"send{stamp}-").order_by("id")[
            start : start + size
        ]
        Credential.objects.bulk_create(
            [Credential(user=u, credential_type=cpc, earned_on=date(2025, 1, 10)) for u in users]
        )
        Reminder.objects.bulk_create(
            [
                Reminder(user=u, body="AAPC", cycle_end=CYCLE_END, kind="behind", planned_on=DAY)
                for u in users
            ]
        )


def _sender(limit: int, chunk_size: int, results: Any) -> None:
    """One sender process (a Celery worker's share of the outbox), over its own connection."""
    from ceutrack.reminders.sender import send_pending_reminders

    report = send_pending_reminders(today=DAY, chunk_size=chunk_size, limit=limit)
    results.put((report.sent, report.skipped))


def measure_send_rate(n: int, *, chunk_size: int = 100, senders: int = 1) -> dict[str, object]:
    """Build n due reminders, send them to a local SMTP server in a child process, and
    return the figures. With `senders` > 1, that many processes drain the outbox at once,
    as Celery workers do (each claims its own rows). Django must be set up and migrated."""
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    from ceutrack.reminders.models import Reminder
    from ceutrack.reminders.sender import send_pending_reminders

    # Rows already due (benchmarks/nightly.py's sweep plans about a million) are not part of
    # this measurement: they are parked in the far future, so the senders drain exactly n.
    Reminder.objects.due(now=datetime.now(UTC)).update(next_attempt_at=PARKED_UNTIL)
    _build(n)
    # A worker's steady state: the URLconf (which the unsubscribe links need) is imported
    # once in a process's life, not per run, and no query log is kept (DEBUG is off).
    reverse("home")
    debug, settings.DEBUG = settings.DEBUG, False

    port = _free_port()
    with tempfile.NamedTemporaryFile(prefix="ceutrack-smtp-", suffix=".log") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), log.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            settings.EMAIL_BACKEND = "ceutrack.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
            settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
            settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
            _say(f"sending {n:,} reminders to SMTP on 127.0.0.1:{port}")
            started, cpu = time.perf_counter(), _senders_cpu()
            if senders == 1:
                report = send_pending_reminders(today=DAY, chunk_size=chunk_size, limit=n)
                sent, skipped = report.sent, report.skipped
            else:
                sent, skipped = _send_in_processes(n, chunk_size=chunk_size, senders=senders)
            send_s = time.perf_counter() - started
            send_cpu_s = _senders_cpu() - cpu
        finally:
            settings.DEBUG = debug
            server.communicate(input="", timeout=30)
        lines = Path(log.name).read_text().split()
    received = len(lines)
    return {
        "database": connection.vendor,
        "senders": senders,
        "emails": sent,
        "received": received,
        "skipped": skipped,
        "smtp_sessions": len(set(lines)),
        "send_s": round(send_s, 2),
        "send_per_s": round(received / send_s, 1) if send_s else 0.0,
        # The senders' CPU (all their threads; not the server's).
        "send_per_cpu_s": round(received / send_cpu_s, 1) if send_cpu_s else None,
        "send_target_per_s": SEND_TARGET_PER_S,
    }


def _senders_cpu() -> float:
    """CPU seconds used so far by this process and by its children already waited for (the
    sender processes, once joined; the SMTP server still runs, so it is not counted)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _send_in_processes(n: int, *, chunk_size: int, senders: int) -> tuple[int, int]:
    from django.db import connections

    connections.close_all()  # each forked sender opens its own
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    share = -(-n // senders)
    processes = [
        context.Process(target=_sender, args=(share, chunk_size, results)) for _ in range(senders)
    ]
    for process in processes:
        process.start()
    figures = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    return sum(f[0] for f in figures), sum(f[1] for f in figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=1, help="sender processes at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ceutrack-send-rate-") as scratch:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceutrack.settings")
        os.environ["DEBUG"] = "1"
        os.environ["CEUTRACK_VAR_DIR"] = scratch
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = measure_send_rate(args.emails, senders=args.senders)
        result["load_average_1m"] = round(os.getloadavg()[0], 2)
        result["ok"] = (
            result["received"] == result["emails"] == args.emails
            and float(str(result["send_per_s"])) >= SEND_TARGET_PER_S
        )
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
