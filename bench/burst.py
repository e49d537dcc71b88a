"""The busiest moment of a cached page: many requests right after a change invalidated it.

For each setup (the shared Redis cache with single-flight on, as deployed; each process's
own memory with single-flight on; Redis with it off, as before), gunicorn serves the
bench database and, round after round, the data version is bumped and then
``--burst`` requests for the same page arrive at once. The ``X-Cache`` header of each
answer says whether it rendered the page ("miss"), waited for another request's render
("wait") or found it cached ("hit"); renders per burst and the latency of the burst's
requests are reported.

Called by bench/run.py (``measure``) on its database; standalone:
``python bench/burst.py --database-url sqlite:///bench/work/bench.sqlite3``.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from run import start_gunicorn, stop  # bench/ is the script's directory: on sys.path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8766
REDIS_URL = os.environ.get("BURST_REDIS_URL", "redis://127.0.0.1:6379/3")

BUMP = (
    "import django; django.setup(); "
    "from meetingsite.caching import data_changed; data_changed()"  # outside a transaction: now
)
SETUPS = [
    ("Redis, single-flight", {"REDIS_URL": REDIS_URL, "PAGE_RENDER_ONCE": "true"}),
    ("per-process memory, single-flight", {"PAGE_RENDER_ONCE": "true"}),
    ("Redis, no single-flight (before)", {"REDIS_URL": REDIS_URL, "PAGE_RENDER_ONCE": "false"}),
]


def _burst(url, count):
    """``count`` requests released at once; [(X-Cache, seconds, status)]."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def ask(n):
        barrier.wait()
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
                results[n] = (response.headers["X-Cache"], time.perf_counter() - started, 200)
        except urllib.error.HTTPError as error:
            results[n] = ("error", time.perf_counter() - started, error.code)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def measure(env, *, path="/agenda/", workers=4, burst=32, rounds=5):
    """The bursts for each setup, on the database of ``env`` (DATABASE_URL)."""
    out = []
    for name, extra in SETUPS:
        setup_env = {**env, **extra, "PAGE_CACHE": "true"}
        setup_env.setdefault("SITE_URL", f"http://127.0.0.1:{PORT}")
        if "REDIS_URL" not in extra:
            setup_env.pop("REDIS_URL", None)
        else:
            # Pages cached by an earlier run on another database would answer for this one
            # (the keys hold version numbers, not which database they came from).
            import redis

            redis.Redis.from_url(extra["REDIS_URL"]).flushdb()
        server = start_gunicorn(setup_env, workers, port=PORT)
        renders, latencies, errors = [], [], 0
        try:
            url = f"http://127.0.0.1:{PORT}{path}"
            _burst(url, workers * 2)  # every worker warm (imports, connections)
            for _ in range(rounds):
                subprocess.run([PYTHON, "-c", BUMP], cwd=ROOT, env=setup_env, check=True)
                results = _burst(url, burst)
                renders.append(sum(how == "miss" for how, _s, _status in results))
                latencies.extend(seconds for _how, seconds, _status in results)
                errors += sum(status != 200 for _how, _s, status in results)
        finally:
            stop(server)
        latencies.sort()
        row = {
            "setup": name,
            "path": path,
            "workers": workers,
            "burst": burst,
            "rounds": rounds,
            "renders_per_burst": renders,
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
            "max_ms": round(latencies[-1] * 1000, 1),
            "errors": errors,
        }
        print(f"   burst {name:36} {json.dumps(row)}", flush=True)
        out.append(row)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/agenda/")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--burst", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "PYTHONPATH": str(ROOT),
    }
    rows = measure(env, path=args.path, workers=args.workers, burst=args.burst, rounds=args.rounds)
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
