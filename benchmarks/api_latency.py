"""Time GET /api/v1/me/evaluation/ with a personal access token, for a coder with both bodies
and 500 activities (the whole request: token check, rate limit, engine, JSON).

    .venv/bin/python benchmarks/api_latency.py [--activities 500] [--requests 50]

Uses a throwaway SQLite database in a temp folder unless DATABASE_URL is set (then that
database is migrated and the benchmark's coder is deleted afterwards). Prints the figures;
the last line is one JSON object with `median_ms` and `p95_ms`.
Target: median <= 100 ms on the project's 2-core machines (as the coder dashboard).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.coder_dashboard import _build_coder, _configure  # noqa: E402

TARGET_MS = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ceutrack-bench-") as folder:
        _configure(Path(folder))
        os.environ.setdefault("API_RATE_LIMIT", "100000/min")

        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from rest_framework.test import APIClient

        from ceutrack.api.tokens import create_token

        settings.API_RATE_LIMIT = "100000/min"  # measure the request, not the limiter's refusal
        call_command("migrate", verbosity=0)
        user = _build_coder(args.activities)
        try:
            _token, secret = create_token(user=user, name="benchmark", scope="read")
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
            url = "/api/v1/me/evaluation/"
            for _ in range(args.warmup):
                assert client.get(url).status_code == 200
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            body = response.json()
            assert [b["body"] for b in body["bodies"]] == ["AAPC", "AHIMA"], body
            timings, cpu_timings = [], []
            for _ in range(args.requests):
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                cpu_timings.append((time.process_time() - cpu_start) * 1000)
                assert response.status_code == 200
        finally:
            user.delete()

        timings.sort()
        result = {
            "benchmark": "api_latency",
            "endpoint": "/api/v1/me/evaluation/",
            "database": connection.vendor,
            "activities": args.activities,
            "requests": args.requests,
            "queries": len(captured),
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
            "min_ms": round(timings[0], 2),
            "max_ms": round(timings[-1], 2),
            "median_cpu_ms": round(statistics.median(cpu_timings), 2),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "bytes": len(response.content),
            "target_ms": TARGET_MS,
            "within_target": statistics.median(timings) <= TARGET_MS,
        }
        print(
            f"GET {result['endpoint']}, {args.activities} activities, {connection.vendor}: "
            f"{args.requests} requests after {args.warmup} warm-up"
        )
        print(
            f"  median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
            f"min {result['min_ms']} ms, max {result['max_ms']} ms "
            f"(median CPU {result['median_cpu_ms']} ms, load {result['load_average_1m']})"
        )
        print(f"  {result['queries']} SQL queries per request, {result['bytes']} bytes of JSON")
        verdict = "met" if result["within_target"] else "MISSED"
        print(f"  target <= {TARGET_MS:g} ms median: {verdict}")
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
