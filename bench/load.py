"""make load: many focal points register and many desk users check in, all at once.

Against gunicorn (several workers) and a Celery worker on PostgreSQL and Redis on
127.0.0.1, bounded in time by the work given. Focal points register their delegations,
some twice at the same moment and some with more people than seats; desk users check the
same participants in from two desks at once; meanwhile other desks ask for the long PDFs
of the generated meeting (its list of participants, badges, attendance record), all at
once, and follow the progress page until each PDF is there. Afterwards the database is
checked: no 5xx, no lost or duplicated row, every delegation within its seats with one
head, every PDF delivered and no PDF job failed. Prints the figures and writes
bench/results/load.json.
"""

import argparse
import html
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import run
from run import PYTHON, ROOT, sh, start_gunicorn, stop

RESULTS = ROOT / "bench" / "results"
# LOAD_PORT and LOAD_DATABASE keep two checkouts' runs on one machine apart.
PORT = run.PORT = int(os.environ.get("LOAD_PORT", run.PORT))
BASE = f"http://127.0.0.1:{PORT}"
DB_NAME = os.environ.get("LOAD_DATABASE", "meetingsite_load")
# The load's own Redis database (emptied at the start of every run).
BROKER = os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/1")
MEDIA = ROOT / "bench" / "work" / "load-media"
# The generated meeting's long documents (more rows than agenda.tasks.INLINE_PDF_ROWS).
PDFS = [
    "/desk/documents/participants/?format=pdf",
    "/desk/documents/badges/?format=pdf",
    "/desk/documents/attendance/?format=pdf",
]
PDF_DEADLINE_SECONDS = 600


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = {}

    def add(self, kind, status, seconds):
        with self.lock:
            self.samples.setdefault(kind, []).append((status, seconds))

    def summary(self, wall):
        out = {}
        for kind, samples in self.samples.items():
            times = sorted(s for _, s in samples)
            statuses = {}
            for status, _ in samples:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            out[kind] = {
                "requests": len(samples),
                "per_second": round(len(samples) / wall, 1),
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
                "statuses": statuses,
            }
        return out


class Browser:
    """A visitor with its own cookies, recording every request's status and time."""

    def __init__(self, recorder):
        self.recorder = recorder
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def request(self, kind, path, data=None):
        status, _type, content = self.fetch(kind, path, data)
        return status, content.decode(errors="replace")

    def fetch(self, kind, path, data=None):
        """Status, content type and bytes of the answer."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(f"{BASE}{path}", body)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, content = response.status, response.read()
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read()
            content_type = error.headers.get("Content-Type", "")
        self.recorder.add(kind, status, time.perf_counter() - started)
        return status, content_type, content


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def hidden_fields(page):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def register(recorder, token, people, tag):
    """A focal point registers ``people`` new participants; returns the outcome."""
    browser = Browser(recorder)
    status, page = browser.request("register GET", f"/register/{token}/")
    if status != 200:
        return f"GET {status}"
    data = {
        key: value
        for key, value in hidden_fields(page).items()
        if key == "csrfmiddlewaretoken" or key.startswith("delegation-version")
    }
    data.update(
        {
            "delegation-focal_point_name": f"Focal point {tag}",
            "delegation-focal_point_email": f"focal{tag}@example.org",
            "delegation-focal_point_phone": "",
            "delegation-representing": "",
            "participants-TOTAL_FORMS": str(people),
            "participants-INITIAL_FORMS": "0",
            "participants-MIN_NUM_FORMS": "0",
            "participants-MAX_NUM_FORMS": "200",
        }
    )
    for n in range(people):
        data.update(
            {
                f"participants-{n}-official": "",
                f"participants-{n}-honorific": "Mr.",
                f"participants-{n}-given_name": f"Person{n}",
                f"participants-{n}-family_name": f"Load {tag}",
                f"participants-{n}-position": "Adviser",
                f"participants-{n}-email": "",
                f"participants-{n}-role": "head" if n == 0 else "adviser",
                f"participants-{n}-representing": "",
                f"participants-{n}-special_requirements": "",
            }
        )
    status, page = browser.request("register POST", f"/register/{token}/", data)
    if status == 302:
        return "registered"
    if "changed by someone else" in page:
        return "changed meanwhile"
    if status == 200:
        return "refused with a message"
    return f"POST {status}"


def desk_login(recorder, username, password):
    browser = Browser(recorder)
    _, page = browser.request("desk login", "/desk/login/")
    token = hidden_fields(page)["csrfmiddlewaretoken"]
    status, _ = browser.request(
        "desk login",
        "/desk/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
    )
    assert status == 302, f"desk login failed: {status}"
    return browser


def check_in(browser, session, participant):
    _, page = browser.request("desk page", f"/desk/?session={session}")
    token = hidden_fields(page)["csrfmiddlewaretoken"]
    status, _ = browser.request(
        "check-in POST",
        "/desk/check-in/",
        {"csrfmiddlewaretoken": token, "session": session, "participant": participant},
    )
    return status


def fetch_pdf(browser, path):
    """Ask for a long PDF and follow its progress page (202, reloading every second) until
    it comes; returns (outcome, seconds, progress pages seen, bytes)."""
    started = time.perf_counter()
    polls = 0
    while time.perf_counter() - started < PDF_DEADLINE_SECONDS:
        status, content_type, content = browser.fetch("pdf", path)
        seconds = round(time.perf_counter() - started, 1)
        if status == 200 and content_type == "application/pdf" and content[:5] == b"%PDF-":
            return "delivered", seconds, polls, len(content)
        if status == 200 and b"The PDF could not be made." in content:
            return "failed", seconds, polls, 0
        if status != 202:
            return f"status {status}", seconds, polls, 0
        polls += 1
        # As a browser does: reload the address the page's refresh names (it says since
        # when this desk has been waiting).
        refresh = re.search(rb'http-equiv="refresh" content="\d+;url=([^"]+)"', content)
        path = html.unescape(refresh.group(1).decode()) if refresh else path
        time.sleep(1)
    return "timed out", round(time.perf_counter() - started, 1), polls, 0


def start_worker(env, concurrency):
    """A Celery worker beside gunicorn, as make serve runs one."""
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "meetingsite",
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def stop_worker(process):
    os.killpg(process.pid, signal.SIGTERM)  # Warm shutdown: the tasks under way finish.
    process.wait(timeout=120)


def flush_broker(env):
    """Empty the load's own Redis database: no task left from an earlier run."""
    sh(
        [PYTHON, "-c", "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()", BROKER],
        env,
    )


def inside_django(env, action, arguments):
    command = [PYTHON, "-m", "bench.load_world", action, json.dumps(arguments)]
    return json.loads(sh(command, env, capture_output=True).stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=60)
    parser.add_argument("--desks", type=int, default=8)
    parser.add_argument("--check-ins", type=int, default=200)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--participants", type=int, default=300, help="of the large meeting")
    parser.add_argument("--pdf-desks", type=int, default=4, help="desks asking for PDFs")
    parser.add_argument("--task-workers", type=int, default=2, help="Celery worker processes")
    args = parser.parse_args()
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": BASE,  # Required with DEBUG off (the links in e-mails).
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "EMAIL_URL": "consolemail://",
        "AXES_FAILURE_LIMIT": "1000",
        "CELERY_BROKER_URL": BROKER,
        "MEDIA_ROOT": str(MEDIA),
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "PYTHONPATH": str(ROOT),
    }
    sh(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DB_NAME], env)
    sh(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    sh([PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    sh([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
    shutil.rmtree(MEDIA, ignore_errors=True)
    flush_broker(env)
    setup_args = {
        "participants": max(args.participants, args.check_ins),
        "delegations": args.delegations,
        "desks": args.desks,
        "check_ins": args.check_ins,
        "password": password,
    }
    world = inside_django(env, "setup", setup_args)

    recorder = Recorder()
    server = start_gunicorn(env, args.workers)
    worker = start_worker(env, args.task_workers)
    try:
        desks = [desk_login(recorder, name, password) for name in world["desks"]]
        pdf_desks = [
            desk_login(recorder, world["desks"][n % len(world["desks"])], password)
            for n in range(args.pdf_desks)
        ]
        tokens = world["tokens"]
        jobs = []
        with (
            ThreadPoolExecutor(max_workers=args.threads) as pool,
            ThreadPoolExecutor(max_workers=max(1, len(pdf_desks) * len(PDFS))) as pdf_pool,
        ):
            started = time.perf_counter()
            # Every PDF desk asks for every long document at the same moment.
            pdfs = [
                (path, pdf_pool.submit(fetch_pdf, desk, path))
                for desk in pdf_desks
                for path in PDFS
            ]
            for n, token in enumerate(tokens):
                if n % 10 == 0:  # two people submit the same delegation at once
                    jobs.append(
                        ("twice", token, pool.submit(register, recorder, token, 3, f"{n}a"))
                    )
                    jobs.append(
                        ("twice", token, pool.submit(register, recorder, token, 3, f"{n}b"))
                    )
                elif n % 10 == 1:  # more people than seats
                    jobs.append(("over", token, pool.submit(register, recorder, token, 4, f"{n}")))
                else:
                    jobs.append(("once", token, pool.submit(register, recorder, token, 3, f"{n}")))
            checks = []
            for n, person in enumerate(world["people"]):
                for desk in (desks[n % len(desks)], desks[(n + 1) % len(desks)]):
                    checks.append(pool.submit(check_in, desk, world["session"], person))
            outcomes = [(kind, token, job.result()) for kind, token, job in jobs]
            check_statuses = [job.result() for job in checks]
            wall = time.perf_counter() - started
            pdf_results = [(path, job.result()) for path, job in pdfs]
            pdf_wall = time.perf_counter() - started
    finally:
        stop_worker(worker)
        stop(server)

    verified = inside_django(
        env, "verify", {"session": world["session"], "people": world["people"]}
    )
    problems = []
    server_errors = sum(
        1 for samples in recorder.samples.values() for status, _ in samples if status >= 500
    )
    if server_errors:
        problems.append(f"{server_errors} server errors")
    by_token = {}
    for kind, token, outcome in outcomes:
        by_token.setdefault(token, []).append((kind, outcome))
    registered = 0
    for active, heads, seats in verified["delegations"].values():
        if active > seats:
            problems.append(f"a delegation holds {active} people for {seats} seats")
        if active and heads != 1:
            problems.append(f"a delegation has {heads} heads")
        registered += active > 0
    expected_registered = sum(
        1 for results in by_token.values() if any(o == "registered" for _, o in results)
    )
    if registered != expected_registered:
        problems.append(f"{expected_registered} registrations answered, {registered} stored")
    twice = [results for results in by_token.values() if results[0][0] == "twice"]
    for results in twice:
        wins = sum(1 for _, o in results if o == "registered")
        if wins < 1:
            problems.append("a delegation submitted twice was lost")
    # Each person checked in from two desks at once: exactly one row each.
    if sorted(world["people"]) != verified["attendance"]:
        problems.append("check-ins lost or duplicated")
    if any(status >= 500 for status in check_statuses):
        problems.append("check-in server error")
    undelivered = [
        f"{path}: {result[0]}" for path, result in pdf_results if result[0] != "delivered"
    ]
    if undelivered:
        problems.append(f"PDFs not delivered ({', '.join(undelivered)})")
    jobs_by_state = {}
    for _document, state in verified["pdf_jobs"]:
        jobs_by_state[state] = jobs_by_state.get(state, 0) + 1
    if jobs_by_state.get("failed"):
        problems.append(f"{jobs_by_state['failed']} PDF jobs failed")
    if verified["pdf_files_missing"]:
        problems.append(f"{verified['pdf_files_missing']} made PDFs missing from the storage")

    outcome_counts = {}
    for kind, _, outcome in outcomes:
        key = f"{kind}: {outcome}"
        outcome_counts[key] = outcome_counts.get(key, 0) + 1
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": vars(args),
        "wall_seconds": round(wall, 1),
        "requests": recorder.summary(wall),
        "registration_outcomes": outcome_counts,
        "check_ins": {
            "posts": len(check_statuses),
            "people": len(world["people"]),
            "rows": len(verified["attendance"]),
        },
        "delegations_registered": registered,
        "pdfs": {
            "desks": len(pdf_desks),
            "documents": len(PDFS),
            "rows": verified["pdf_rows"],
            "requests": len(pdf_results),
            "delivered": sum(1 for _, result in pdf_results if result[0] == "delivered"),
            "slowest_seconds": max((result[1] for _, result in pdf_results), default=0),
            "progress_pages": sum(result[2] for _, result in pdf_results),
            "wall_seconds": round(pdf_wall, 1),
            # One job per distinct PDF, however many desks asked for it: a list that
            # changed under the load (new registrations, check-ins) is a new PDF.
            "jobs": len(verified["pdf_jobs"]),
            "jobs_by_state": jobs_by_state,
            "task_workers": args.task_workers,
        },
        "problems": problems,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    if problems:
        raise SystemExit("LOAD TEST FAILED: " + "; ".join(problems))
    print("\nno 5xx, nothing lost or duplicated, seats held, every PDF delivered")


if __name__ == "__main__":
    main()
