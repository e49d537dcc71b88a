"""make load: many focal points register and many desk users check in, all at once.

Against gunicorn (several workers) on PostgreSQL on 127.0.0.1, bounded in time by the
work given. Focal points register their delegations, some twice at the same moment and
some with more people than seats; desk users check the same participants in from two
desks at once. Afterwards the database is checked: no 5xx, no lost or duplicated row,
every delegation within its seats with one head. Prints the figures and writes
bench/results/load.json.
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from run import PYTHON, ROOT, sh, start_gunicorn, stop

RESULTS = ROOT / "bench" / "results"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
DB_NAME = "meetingsite_load"


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
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(f"{BASE}{path}", body)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        self.recorder.add(kind, status, time.perf_counter() - started)
        return status, text


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
    args = parser.parse_args()
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "EMAIL_URL": "consolemail://",
        "AXES_FAILURE_LIMIT": "1000",
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "PYTHONPATH": str(ROOT),
    }
    sh(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DB_NAME], env)
    sh(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    sh([PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    sh([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
    setup_args = {
        "participants": max(300, args.check_ins),
        "delegations": args.delegations,
        "desks": args.desks,
        "check_ins": args.check_ins,
        "password": password,
    }
    world = inside_django(env, "setup", setup_args)

    recorder = Recorder()
    server = start_gunicorn(env, args.workers)
    try:
        desks = [desk_login(recorder, name, password) for name in world["desks"]]
        tokens = world["tokens"]
        jobs = []
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            started = time.perf_counter()
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
    finally:
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
        "problems": problems,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    if problems:
        raise SystemExit("LOAD TEST FAILED: " + "; ".join(problems))
    print("\nno 5xx, nothing lost or duplicated, seats held")


if __name__ == "__main__":
    main()
