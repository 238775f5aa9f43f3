"""Load: coder and manager dashboards under concurrent users, against gunicorn on loopback.

    .venv/bin/python benchmarks/load.py [--users 20] [--duration 60] [--max-requests 50000]
                                        [--workers 3] [--threads 1] [--think 1.0]

1. Builds a throwaway database (a temporary SQLite file, or the throwaway database that
   DATABASE_URL names): `seed_demo`, then --users coder accounts (CPC + CCS, ~100
   activities each) and --users manager accounts of one organization with --staff consented
   staff (the coders among them), with every compliance summary computed.
2. Collects static files and starts gunicorn on 127.0.0.1 (a free port) in production mode:
   DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=False and
   BEHIND_PROXY=1. The client sends `X-Forwarded-Proto: https`, as the TLS-terminating proxy
   in front of gunicorn would, so secure cookies and the CSRF referer check run as in
   production. Every user signs in from the same address, as a department behind one NAT
   does: the production sign-in limits must let them all in.
3. Signs every virtual user in through the real login form (half coders, half managers),
   then runs them for --duration seconds or --max-requests requests, whichever comes
   first: coders GET their dashboard, managers GET one of the first pages of the
   organization dashboard. Between two requests each user pauses --think seconds on average
   (uniform from half to one and a half times it, as a person reading the page would);
   --think 0 is a closed loop, every user firing again as soon as it has its answer: a
   stress figure, whose latency is the queue of 20 requests always in flight.
4. Stops gunicorn by its pid and prints requests/s, p50, p95 and errors per page and in
   total, and the server's CPU time per request (read from /proc: on a shared machine the
   wall-clock figures mostly measure the neighbours). The last line is one JSON object.
   Target: 0 errors, p95 <= 500 ms; the exit status is 1 when it is missed.

The load generator is plain threads and http.client: each request blocks on I/O, so 20
threads release the GIL and cost little next to the server; locust (gevent, flask) would add
a heavy dependency for the same numbers.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything but loopback
ORG_SLUG = "load-health"
ORG_NAME = "Load Health"
PASSWORD = "load-bench-password-7"  # throwaway accounts in a throwaway database
TARGET_P95_MS = 500.0
MANAGER_PAGES = 5  # managers browse the first pages of the staff list
REQUEST_TIMEOUT = 30.0


# ------------------------------------------------------------------ data


def setup_django(scratch: Path) -> str:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ceutrack.settings"
    os.environ["ENV_FILE"] = str(scratch / "no.env")  # never the developer's .env
    os.environ["CEUTRACK_VAR_DIR"] = str(scratch)
    os.environ["PRIVATE_MEDIA_ROOT"] = str(scratch / "private")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'load.sqlite3'}")
    os.environ["LOG_LEVEL"] = "WARNING"
    # Building uses seed_demo, which runs only under DEBUG; the server below runs without it.
    os.environ["DEBUG"] = "1"
    import django

    django.setup()
    from django.db import connection

    return connection.vendor


def build(*, accounts: int, staff: int, activities: int, seed: int) -> dict[str, list[str]]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from ceutrack.accounts.models import User
    from ceutrack.activities.models import Activity, Kind
    from ceutrack.credentials.models import Credential, CredentialType
    from ceutrack.organizations.models import Membership, Organization, Role, Team
    from ceutrack.organizations.summaries import refresh_summaries

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    # One PBKDF2 hash shared by every account: hashing 40 passwords would take longer than
    # building everything else.
    hashed = make_password(PASSWORD)
    now = timezone.now()
    types = {t.code: t for t in CredentialType.objects.all()}

    def people(prefix: str, count: int, zone: str) -> list[User]:
        User.objects.bulk_create(
            User(
                email=f"load-{prefix}{i:04d}@load.example",
                full_name=f"Load {prefix.title()} {i:04d}",
                time_zone=zone,
                password=hashed,
            )
            for i in range(count)
        )
        return list(User.objects.filter(email__startswith=f"load-{prefix}").order_by("email"))

    coders = people("coder", accounts, "America/Chicago")
    managers = people("manager", accounts, "America/New_York")
    others = people("staff", max(staff - accounts, 0), "America/Denver")
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in coders + managers
    )

    owner = managers[0]
    org = Organization.objects.create(name=ORG_NAME, slug=ORG_SLUG, created_by=owner)
    teams = Team.objects.bulk_create(Team(organization=org, name=f"Team {i}") for i in range(6))
    Membership.objects.bulk_create(
        [
            Membership(
                user=m, organization=org, role=Role.OWNER if m == owner else Role.MANAGER
            )
            for m in managers
        ]
        + [
            Membership(
                user=u, organization=org, role=Role.MEMBER, team=rng.choice(teams),
                consent_given_at=now,
            )
            for u in coders + others
        ]
    )  # fmt: skip

    today = now.date()
    mixes = [("CPC",), ("CPC", "CCS"), ("COC",), ("CCS",), ("CPC", "CRC"), ("RHIT", "CCS")]
    credentials, rows = [], []
    for n, user in enumerate(coders + others):
        codes = ("CPC", "CCS") if n < len(coders) else rng.choice(mixes)
        earned = today - timedelta(days=rng.randint(400, 1500))
        credentials += [
            Credential(user=user, credential_type=types[c], earned_on=earned) for c in codes
        ]
        aapc = any(types[c].body == "AAPC" for c in codes)
        ahima = any(types[c].body == "AHIMA" for c in codes)
        count = activities if n < len(coders) else activities // 4
        rows += [
            Activity(
                user=user,
                title=f"Load activity {k}",
                provider="AAPC" if aapc else "AHIMA",
                completed_on=today - timedelta(days=rng.randint(1, 1400)),
                units=Decimal(rng.choice(["0.5", "1", "1.5", "2"])),
                kind=rng.choice([Kind.WEBINAR, Kind.CONFERENCE, Kind.ON_DEMAND]),
                aapc=aapc,
                aapc_index=f"L{user.pk}-{k}" if aapc else "",
                ahima=ahima,
                ahima_domain=ahima and k % 10 != 0,
            )
            for k in range(count)
        ]
    Credential.objects.bulk_create(credentials, batch_size=2000)
    Activity.objects.bulk_create(rows, batch_size=2000)
    # bulk_create sends no signals: compute every summary now, as the beat sweep would have.
    refresh_summaries(u.pk for u in coders + others)
    return {
        "coders": [u.email for u in coders],
        "managers": [u.email for u in managers],
        "activities": [str(len(rows))],
    }


# ------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="False",
        BEHIND_PROXY="1",  # this client plays the TLS proxy: trust its X-Forwarded-Proto
        CELERY_TASK_ALWAYS_EAGER="False",
    )
    return env


def collect_static(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


def start_gunicorn(
    env: dict[str, str], *, port: int, workers: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "ceutrack.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread" if threads > 1 else "sync",
        "--threads", str(threads),
        "--timeout", "60",
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            status, _, _ = request(port, "GET", "/accounts/login/", {})
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(process)
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def server_cpu_seconds(master: int) -> float:
    """User + system CPU time of the gunicorn master and its live workers, from /proc: on a
    shared machine wall-clock latency mostly measures the neighbours, CPU time does not."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the master's own pid (it stops its workers), SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


# ------------------------------------------------------------------ client


def request(
    port: int, method: str, path: str, cookies: dict[str, str], body: str = ""
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    origin = f"https://{HOST}:{port}"
    headers = {"X-Forwarded-Proto": "https", "Referer": origin + path, "Connection": "close"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            # The cookies are Secure (production settings); this client is the proxy's
            # other side, so it keeps them itself instead of a jar that would drop them.
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        return response.status, dict(response.headers), content
    finally:
        connection.close()


def log_in(port: int, email: str) -> dict[str, str]:
    from urllib.parse import urlencode

    cookies: dict[str, str] = {}
    status, _, page = request(port, "GET", "/accounts/login/", cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"login page for {email}: HTTP {status}")
    form = urlencode(
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
    )
    status, _, _ = request(port, "POST", "/accounts/login/", cookies, form)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login as {email}: HTTP {status} (expected a redirect)")
    return cookies


@dataclass
class Sample:
    page: str
    ms: float
    ok: bool
    detail: str = ""


@dataclass
class Run:
    port: int
    deadline: float
    max_requests: int
    think: float
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    issued: int = 0

    def claim(self) -> bool:
        """One more request may start: before the deadline and under the request budget."""
        with self.lock:
            if time.monotonic() >= self.deadline or self.issued >= self.max_requests:
                return False
            self.issued += 1
            return True


def one_request(port: int, *, role: str, cookies: dict[str, str], rng: random.Random) -> Sample:
    """A coder's dashboard, or one of the first pages of the organization's; an answer
    without the page's marker (say, the login page after a lost session) is an error."""
    if role == "coder":
        page, path, marker = "coder dashboard", "/", b'data-body="AAPC"'
    else:
        page, path, marker = "manager dashboard", f"/organizations/{ORG_SLUG}/", ORG_NAME.encode()
        number = rng.randint(1, MANAGER_PAGES)
        if number > 1:
            path += f"?page={number}"
    start = time.perf_counter()
    try:
        status, _, content = request(port, "GET", path, cookies)
        ok = status == 200 and marker in content
        detail = "" if ok else f"HTTP {status}" + (" without the page" if status == 200 else "")
    except OSError as error:
        ok, detail = False, type(error).__name__
    return Sample(page, (time.perf_counter() - start) * 1000, ok, detail)


def virtual_user(run: Run, *, role: str, cookies: dict[str, str], seed: int) -> None:
    rng = random.Random(seed)
    while run.claim():
        sample = one_request(run.port, role=role, cookies=cookies, rng=rng)
        with run.lock:
            run.samples.append(sample)
        if run.think:
            time.sleep(rng.uniform(0.5 * run.think, 1.5 * run.think))


def percentile(values: list[float], share: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def summarise(samples: list[Sample], seconds: float) -> dict[str, float | int]:
    times = [s.ms for s in samples]
    return {
        "requests": len(samples),
        "rps": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times, default=0.0), 1),
        "errors": sum(1 for s in samples if not s.ok),
    }


# ------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent virtual users")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=50_000, help="request budget")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause (s) per user")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help=">1: gthread workers")
    parser.add_argument("--staff", type=int, default=500, help="consented staff in the org")
    parser.add_argument("--activities", type=int, default=100, help="activities per coder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.users < 2 or args.duration <= 0 or args.max_requests < 1:
        parser.error("need --users >= 2, --duration > 0 and --max-requests >= 1")

    with tempfile.TemporaryDirectory(prefix="ceutrack-load-") as folder:
        scratch = Path(folder)
        vendor = setup_django(scratch)
        started = time.perf_counter()
        accounts = build(
            accounts=args.users, staff=args.staff, activities=args.activities, seed=args.seed
        )
        print(
            f"built on {vendor}: {args.users} coders and {args.users} managers, "
            f"{args.staff} consented staff, {accounts['activities'][0]} activities "
            f"in {time.perf_counter() - started:.1f} s"
        )
        from django.db import connections

        connections.close_all()  # the server owns the database from here on

        env = server_env(scratch)
        started = time.perf_counter()
        collect_static(env)
        print(f"collectstatic in {time.perf_counter() - started:.1f} s")
        port = free_port()
        log = scratch / "gunicorn.log"
        process = start_gunicorn(
            env, port=port, workers=args.workers, threads=args.threads, log=log
        )
        try:
            kind = f"gthread x{args.threads}" if args.threads > 1 else "sync"
            print(f"gunicorn pid {process.pid} on {HOST}:{port}: {args.workers} {kind} workers, "
                  "DEBUG off")  # fmt: skip
            roles = ["coder" if i % 2 == 0 else "manager" for i in range(args.users)]
            sessions = [log_in(port, accounts[f"{role}s"][i // 2]) for i, role in enumerate(roles)]
            # Untimed requests, one at a time, warm every worker's imports and caches; the
            # last ones give the single-user latency the concurrent figures compare to.
            rng = random.Random(args.seed)
            warm: dict[str, list[float]] = {"coder": [], "manager": []}
            for _ in range(2 * args.workers + 5):
                for role, cookies in zip(roles[:2], sessions[:2], strict=True):
                    sample = one_request(port, role=role, cookies=cookies, rng=rng)
                    if not sample.ok:
                        raise RuntimeError(f"warm-up {sample.page}: {sample.detail}")
                    warm[role].append(sample.ms)
            alone = {
                f"{role}_ms": round(statistics.median(ms[-5:]), 1) for role, ms in warm.items()
            }
            print(f"one user at a time (median ms): {alone}")
            run = Run(port, 0.0, args.max_requests, args.think)
            threads = [
                threading.Thread(
                    target=virtual_user,
                    kwargs={"run": run, "role": role, "cookies": cookies, "seed": args.seed + i},
                    daemon=True,
                )
                for i, (role, cookies) in enumerate(zip(roles, sessions, strict=True))
            ]
            cpu_before = server_cpu_seconds(process.pid)
            begin = time.monotonic()
            run.deadline = begin + args.duration
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(args.duration + REQUEST_TIMEOUT + 5)
            elapsed = time.monotonic() - begin
            server_cpu = server_cpu_seconds(process.pid) - cpu_before
        finally:
            stop_gunicorn(process)
        print(f"gunicorn pid {process.pid} stopped (exit {process.returncode})")

    with run.lock:
        samples = list(run.samples)
    total = summarise(samples, elapsed)
    print(f"{args.users} users for {elapsed:.1f} s, think time {args.think:g} s:")
    for page in ("coder dashboard", "manager dashboard"):
        part = summarise([s for s in samples if s.page == page], elapsed)
        print(
            f"  {page:<18} {part['requests']:>6} requests  {part['rps']:>6} req/s  "
            f"p50 {part['p50_ms']} ms  p95 {part['p95_ms']} ms  max {part['max_ms']} ms  "
            f"errors {part['errors']}"
        )
    print(
        f"  {'total':<18} {total['requests']:>6} requests  {total['rps']:>6} req/s  "
        f"p50 {total['p50_ms']} ms  p95 {total['p95_ms']} ms  errors {total['errors']}"
    )
    cpu_ms = round(server_cpu * 1000 / max(len(samples), 1), 1)
    print(f"  server CPU {cpu_ms} ms per request; 1-minute load average {os.getloadavg()[0]:.2f}")
    details = sorted({s.detail for s in samples if not s.ok})
    if details:
        print(f"  error kinds: {', '.join(details)}")
    met = total["errors"] == 0 and total["p95_ms"] <= TARGET_P95_MS and total["requests"] > 0
    print(f"  target 0 errors, p95 <= {TARGET_P95_MS:g} ms: {'met' if met else 'MISSED'}")
    result = {
        "benchmark": "load",
        "database": vendor,
        "users": args.users,
        "duration_s": round(elapsed, 1),
        "think_s": args.think,
        "workers": args.workers,
        "threads": args.threads,
        "staff": args.staff,
        **total,
        "target_met": met,
        "alone_median": alone,
        "server_cpu_ms_per_request": cpu_ms,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
