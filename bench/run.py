"""make bench: the public pages and feeds under load, against a generated large meeting.

For each database (SQLite, PostgreSQL) this builds a fresh database holding the 1996
meeting and a generated meeting (300 organizations, 5,000 participants, 10 days by
default) made current, then serves it with gunicorn on 127.0.0.1 as in production and
drives each page with wrk: cached (the page cache on) and uncached (PAGE_CACHE=false),
plus the same bytes served as a static file by the same server, as the ceiling. Queries
per request and response bytes are counted in-process with Django's test client; the
printable documents are timed there too. Prints a table and writes bench/results/*.json.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PORT = 8765

# Run inside Django (a subprocess): which URLs to load, their query counts and sizes, and
# how long the printable documents take.
MEASURE = textwrap.dedent(
    """
    import json, sys, time
    import django
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from bench.pages import public_pages, documents

    out = {"pages": [], "documents": []}
    client = Client()
    for name, url in public_pages():
        cache.clear()
        with CaptureQueriesContext(connection) as uncached:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as cached:
            again = client.get(url)
        body = b"".join(again) if again.streaming else again.content
        out["pages"].append({
            "name": name, "url": url, "bytes": len(body),
            "queries_uncached": len(uncached), "queries_cached": len(cached),
            "content_type": response["Content-Type"],
        })
        static = sys.argv[1] + "/" + name + ".bin"
        with open(static, "wb") as fh:
            fh.write(body)
    for name, fmt, produce in documents():
        started = time.perf_counter()
        body = produce()
        out["documents"].append({"name": name, "format": fmt, "bytes": len(body),
                                 "seconds": round(time.perf_counter() - started, 2)})
    print(json.dumps(out))
    """
)


def sh(args, env, **kwargs):
    result = subprocess.run(args, cwd=ROOT, env=env, check=False, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{args[:3]} failed:\n{result.stderr or ''}")
    return result


def prepare(database, args, env):
    """A fresh database holding the 1996 meeting and a generated meeting made current."""
    if database == "sqlite":
        path = WORK / "bench.sqlite3"
        path.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        name = "meetingsite_bench"
        sh(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", name], env)
        sh(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], env)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    sh([PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    sh([PYTHON, "manage.py", "seed_meeting"], env, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    sh(
        [
            PYTHON,
            "manage.py",
            "generate_meeting",
            f"--organizations={args.organizations}",
            f"--participants={args.participants}",
            f"--days={args.days}",
            "--seed=1",
            "--current",
        ],
        env,
        stdout=subprocess.DEVNULL,
    )
    return round(time.perf_counter() - started, 1)


def start_gunicorn(env, workers):
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "meetingsite.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def wrk(url, args):
    result = subprocess.run(
        [
            "wrk",
            f"--threads={args.threads}",
            f"--connections={args.connections}",
            f"--duration={args.duration}s",
            "--script",
            str(ROOT / "bench" / "report.lua"),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = [x for x in result.stdout.splitlines() if x.startswith("{")][-1]
    data = json.loads(line)
    return {
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p95_ms": round(data["p95_us"] / 1000, 2),
        "errors": data["errors"] + data["non_2xx"],
    }


def run_database(database, args):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    print(f"== {database}: building the generated meeting", flush=True)
    generate_seconds = prepare(database, args, env)
    static_dir = ROOT / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    collect = [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    sh(collect, env)  # the pages link to hashed static files
    try:
        measured = json.loads(
            sh([PYTHON, "-c", MEASURE, str(static_dir)], env, capture_output=True).stdout
        )
        sh(collect, env)  # again, with the pages' bytes as static files
    finally:
        shutil.rmtree(static_dir, ignore_errors=True)

    rows = {page["name"]: dict(page) for page in measured["pages"]}
    for mode, page_cache in (("cached", "true"), ("uncached", "false")):
        server = start_gunicorn({**env, "PAGE_CACHE": page_cache}, args.workers)
        try:
            for page in measured["pages"]:
                url = f"http://127.0.0.1:{PORT}{page['url']}"
                rows[page["name"]][mode] = wrk(url, args)
                print(f"   {database} {mode:8} {page['name']:14} {rows[page['name']][mode]}")
            if mode == "cached":
                for page in measured["pages"]:
                    static_url = f"http://127.0.0.1:{PORT}/static/bench/{page['name']}.bin"
                    rows[page["name"]]["static"] = wrk(static_url, args)
        finally:
            stop(server)
    shutil.rmtree(ROOT / "staticfiles" / "bench", ignore_errors=True)
    sys.path.insert(0, str(ROOT))
    from bench.burst import measure as measure_burst  # a burst right after an invalidation

    return {
        "database": database,
        "generate_seconds": generate_seconds,
        "pages": list(rows.values()),
        "documents": measured["documents"],
        "burst": measure_burst(env, workers=args.workers),
    }


def table(results):
    lines = []
    for result in results:
        lines.append(
            f"\n{result['database']}: generated meeting in {result['generate_seconds']} s"
        )
        lines.append(
            f"{'page':14} {'queries u/c':>11} {'bytes':>9}  "
            f"{'uncached rps':>12} {'p50':>7} {'p95':>7}  "
            f"{'cached rps':>10} {'p50':>7} {'p95':>7}  {'static rps':>10} {'p50':>7}"
        )
        for page in result["pages"]:
            u, c, s = page["uncached"], page["cached"], page["static"]
            lines.append(
                f"{page['name']:14} {page['queries_uncached']:>5}/{page['queries_cached']:<5} "
                f"{page['bytes']:>9}  {u['rps']:>12} {u['p50_ms']:>7} {u['p95_ms']:>7}  "
                f"{c['rps']:>10} {c['p50_ms']:>7} {c['p95_ms']:>7}  "
                f"{s['rps']:>10} {s['p50_ms']:>7}"
            )
        for doc in result["documents"]:
            lines.append(
                f"document {doc['name']} ({doc['format']}): "
                f"{doc['seconds']} s, {doc['bytes']} bytes"
            )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--organizations", type=int, default=300)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk; make bench installs it).")
    WORK.mkdir(parents=True, exist_ok=True)
    results = [run_database(db, args) for db in args.databases.split(",")]
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": vars(args),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print(table(results))
    print(f"\nwritten to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
