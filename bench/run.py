"""make bench: the public pages and feeds, the desk's search and the printed documents,
against a generated meeting of the peer's shape.

For each database (SQLite, PostgreSQL) this builds a fresh database holding the 1996
meeting and a generated meeting (300 organizations, 5,000 participants, 5 days, 10 rooms,
500 sessions by default) made current. In-process, with Django's test client, it takes
each page's median render with the page cache off and on and its queries, the desk's
search (p50/p95 over ten searches) and the printed documents. Then (unless --no-wrk) it
serves the meeting with gunicorn on 127.0.0.1 as in production and drives each page with
wrk: cached (the page cache on) and uncached (PAGE_CACHE=false), plus the same bytes
served as a static file by the same server, as the ceiling. Prints a table and writes
bench/results/latest.json.
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

# Run inside Django (a subprocess): which URLs to load, their query counts and sizes, the
# median in-process render time of each page with the page cache off and on, the desk's
# search, and how long the printed documents take.
MEASURE = textwrap.dedent(
    """
    import json, statistics, sys, time
    import django
    django.setup()
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from bench.pages import desk_actions, desk_searches, desk_user, documents, public_pages

    static_dir, repeat, wanted = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    cpu = []  # CPU time of each timed request: what other work on the machine slows least

    def timed(client, url, data=None):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, data)
        body = b"".join(response) if response.streaming else response.content
        elapsed = (time.perf_counter() - started) * 1000
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, body

    def percentile(values, share):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    out = {"pages": [], "documents": [], "desk": None}
    client = Client()
    for name, url in public_pages():
        cache.clear()
        reset_queries()  # each request clears the log: a capture must start from empty
        with CaptureQueriesContext(connection) as uncached:
            response = client.get(url)
        queries_uncached = len(uncached)  # now: the next request empties the log
        assert response.status_code == 200, (url, response.status_code)
        reset_queries()
        with CaptureQueriesContext(connection) as cached:
            again = client.get(url)
        queries_cached = len(cached)
        body = b"".join(again) if again.streaming else again.content
        with override_settings(PAGE_CACHE=False):
            cpu.clear()
            renders = [timed(client, url)[0] for _ in range(repeat)]
            render_cpu = statistics.median(cpu)
        hits = [timed(client, url)[0] for _ in range(repeat)]
        out["pages"].append({
            "name": name, "url": url, "bytes": len(body),
            "queries_uncached": queries_uncached, "queries_cached": queries_cached,
            "content_type": response["Content-Type"],
            "render_ms": round(statistics.median(renders), 1),
            "render_cpu_ms": round(render_cpu, 1),
            "cached_ms": round(statistics.median(hits), 2),
        })
        static = static_dir + "/" + name.replace(" ", "_").replace("?", "") + ".bin"
        with open(static, "wb") as fh:
            fh.write(body)

    desk = Client()
    desk.force_login(desk_user())
    samples, queries, results, desk_cpu = [], [], {}, []
    for label, url, data in desk_searches():
        reset_queries()
        with CaptureQueriesContext(connection) as counted:
            _elapsed, body = timed(desk, url, data)
        queries.append(len(counted))
        results[label] = body.count(b'class="desk-row')
        cpu.clear()
        samples += [timed(desk, url, data)[0] for _ in range(repeat)]
        desk_cpu += cpu
    out["desk"] = {
        "searches": len(results), "samples": len(samples),
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "cpu_p50_ms": round(percentile(desk_cpu, 0.5), 1),
        "cpu_p95_ms": round(percentile(desk_cpu, 0.95), 1),
        "queries": max(queries),
        "results": results,
    }
    actions = {}
    for label, method, url, data in desk_actions(repeat * 3):
        started = time.perf_counter()
        response = getattr(desk, method)(url, data, headers={"accept": "application/json"})
        actions.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    out["desk_actions"] = {
        label: {"samples": len(times), "p50_ms": round(percentile(times, 0.5), 1),
                "p95_ms": round(percentile(times, 0.95), 1)}
        for label, times in actions.items()
    }
    for name, produce in documents():
        if wanted != "all" and name not in wanted.split(","):
            continue
        started = time.perf_counter()
        body = produce()
        out["documents"].append({"name": name, "format": "pdf", "bytes": len(body),
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
        name = args.pg_database
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
            f"--rooms={args.rooms}",
            f"--sessions={args.sessions}",
            "--seed=1",
            "--current",
        ],
        env,
        stdout=subprocess.DEVNULL,
    )
    seconds = round(time.perf_counter() - started, 1)
    if database != "sqlite":
        # The meeting is bulk-loaded and autovacuum may be off: without statistics the
        # planner ignores the indexes made for the desk's search (a production database
        # has them from autovacuum). Then a checkpoint: the bulk load's dirty pages written
        # out now, not while the first document is timed (it took 4 to 11 s, not 1.5).
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-q"]
        sh([*psql, "-c", "VACUUM ANALYZE", "-c", "CHECKPOINT"], env)
    return seconds


def start_gunicorn(env, workers, port=None):
    """gunicorn serving the site on 127.0.0.1:``port`` (by default ``PORT``) with
    ``workers`` sync workers, once it answers /healthz; ``stop`` ends it."""
    port = port or PORT
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "meetingsite.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
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
        "SITE_URL": f"http://127.0.0.1:{PORT}",
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
            sh(
                [PYTHON, "-c", MEASURE, str(static_dir), str(args.repeat), args.documents],
                env,
                capture_output=True,
            ).stdout
        )
        if args.wrk:
            sh(collect, env)  # again, with the pages' bytes as static files
    finally:
        shutil.rmtree(static_dir, ignore_errors=True)

    rows = {page["name"]: dict(page) for page in measured["pages"]}
    for page in measured["pages"]:
        print(
            f"   {database} in-process {page['name']:18} render {page['render_ms']} ms, "
            f"cached {page['cached_ms']} ms, queries {page['queries_uncached']}"
        )
    print(f"   {database} desk search {measured['desk']}")
    for mode, page_cache in (("cached", "true"), ("uncached", "false")) if args.wrk else ():
        server = start_gunicorn({**env, "PAGE_CACHE": page_cache}, args.workers)
        try:
            for page in measured["pages"]:
                url = f"http://127.0.0.1:{PORT}{page['url']}"
                rows[page["name"]][mode] = wrk(url, args)
                print(f"   {database} {mode:8} {page['name']:14} {rows[page['name']][mode]}")
            if mode == "cached":
                for page in measured["pages"]:
                    static_name = page["name"].replace(" ", "_").replace("?", "")
                    static_url = f"http://127.0.0.1:{PORT}/static/bench/{static_name}.bin"
                    rows[page["name"]]["static"] = wrk(static_url, args)
        finally:
            stop(server)
    shutil.rmtree(ROOT / "staticfiles" / "bench", ignore_errors=True)
    from burst import measure as measure_burst  # a burst right after an invalidation

    return {
        "database": database,
        "generate_seconds": generate_seconds,
        "pages": list(rows.values()),
        "documents": measured["documents"],
        "burst": measure_burst(env, workers=args.workers),
        "desk": measured["desk"],
        "desk_actions": measured["desk_actions"],
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
            if "uncached" not in page:
                lines.append(
                    f"{page['name']:18} queries {page['queries_uncached']}/"
                    f"{page['queries_cached']}  render {page['render_ms']} ms  "
                    f"cached {page['cached_ms']} ms  {page['bytes']} bytes"
                )
                continue
            u, c, s = page["uncached"], page["cached"], page["static"]
            lines.append(
                f"{page['name']:14} {page['queries_uncached']:>5}/{page['queries_cached']:<5} "
                f"{page['bytes']:>9}  {u['rps']:>12} {u['p50_ms']:>7} {u['p95_ms']:>7}  "
                f"{c['rps']:>10} {c['p50_ms']:>7} {c['p95_ms']:>7}  "
                f"{s['rps']:>10} {s['p50_ms']:>7}"
            )
        lines.append(f"desk search: {result['desk']}")
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
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument(
        "--repeat", type=int, default=9, help="in-process renders per page (the median counts)"
    )
    parser.add_argument(
        "--documents",
        default="all",
        help="printed documents to time, comma-separated names, 'all' or 'none'",
    )
    parser.add_argument(
        "--pg-database", default="meetingsite_bench", help="PostgreSQL database to (re)create"
    )
    parser.add_argument("--output", default="latest.json", help="file under bench/results/")
    parser.add_argument(
        "--no-wrk", dest="wrk", action="store_false", help="in-process figures only, no server"
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()
    if args.wrk and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk; make bench installs it).")
    WORK.mkdir(parents=True, exist_ok=True)
    results = [run_database(db, args) for db in args.databases.split(",")]
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            # Other work on the machine slows every figure: the load when the run ended.
            "load_average": [round(x, 1) for x in os.getloadavg()],
        },
        "settings": vars(args),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(report, indent=2))
    print(table(results))
    print(f"\nwritten to {RESULTS / args.output}")


if __name__ == "__main__":
    main()
