"""The desk's search timed alone: the ten searches of ``bench.pages.desk_searches()`` as
``make bench`` times them (a logged-in desk user, Django's test Client), CPU time per
request, with each search's query count and result rows.

    DATABASE_URL=... .venv/bin/python bench/desk_search.py [repeat] [--profile LABEL]

CPU time (time.process_time), not wall time: the machine is shared. ``--profile``
prints cProfile's figures for one search (``SORT=tottime TOP=30`` to change them).
The first request of each search is the one counted for queries, so the first search
shows the desk's cache being filled.
"""

import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# As ``make bench`` runs the app: production settings, static files from the manifest
# (run ``manage.py collectstatic`` with DEBUG=false first).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetingsite.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-desk-search-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8765")
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.pages import desk_searches, desk_user  # noqa: E402


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv):
    repeat = int(argv[0]) if argv and argv[0].isdigit() else 20
    profile = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    client = Client()
    client.force_login(desk_user())
    every, walls, rows = [], [], {}
    for label, url, data in desk_searches():
        reset_queries()
        with CaptureQueriesContext(connection) as counted:
            body = client.get(url, data).content
        queries = len(counted)  # now: the next request empties the log
        cpu = []
        for _ in range(repeat):
            started, started_wall = time.process_time(), time.perf_counter()
            response = client.get(url, data)
            cpu.append((time.process_time() - started) * 1000)
            walls.append((time.perf_counter() - started_wall) * 1000)
            assert response.status_code == 200
        every += cpu
        rows[label] = {
            "rows": body.count(b'class="desk-row'),
            "queries": queries,
            "cpu_p50_ms": round(percentile(cpu, 0.5), 1),
        }
        if label == profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, as the figures
            profiler.enable()
            for _ in range(repeat):
                client.get(url, data)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("TOP", "45")))
    for label, row in rows.items():
        print(f"{label:20} {json.dumps(row)}")
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "samples": len(every),
                "cpu_p50_ms": round(percentile(every, 0.5), 1),
                "cpu_p95_ms": round(percentile(every, 0.95), 1),
                # PostgreSQL's own work is in the wall time only: another process's CPU.
                "wall_p50_ms": round(percentile(walls, 0.5), 1),
                "wall_p95_ms": round(percentile(walls, 0.95), 1),
                "queries": max(r["queries"] for r in rows.values()),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
