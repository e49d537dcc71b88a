"""Two app processes, one PostgreSQL database: a change made through one is served by
the other on the next request, although each caches pages in its own memory."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from agenda.seed import seed_meeting
from delegations.models import Official

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database two processes can share: run with DATABASE_URL=postgres://…",
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_processes():
    params = connection.settings_dict
    url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "DEBUG": "true",
        "PAGE_CACHE": "true",
    }
    env.pop("REDIS_URL", None)
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "meetingsite.wsgi",
                "--workers=1",
                f"--bind=127.0.0.1:{port}",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    for base in bases:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
    yield bases
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_a_change_through_one_process_is_served_by_the_other(app_processes):
    first, second = app_processes
    seed_meeting()
    # Hashed for the app processes' settings, not the test settings' fast hasher.
    password = PBKDF2PasswordHasher().encode("a-long-test-password", "saltsaltsalt")
    get_user_model().objects.create(
        username="chief", password=password, is_staff=True, is_superuser=True
    )

    def participants(base):
        with urllib.request.urlopen(f"{base}/participants/") as response:
            return response.read().decode()

    assert "Executive Secretary" in participants(first)
    assert "Executive Secretary" in participants(second)  # both caches now warm

    # Through the first process's admin, as a secretary would.
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path, data):
        page = browser.open(f"{first}{path}").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"{first}{path}", body, headers={"Referer": first})
        return browser.open(request)

    login = post(
        "/admin/login/",
        {"username": "chief", "password": "a-long-test-password", "next": "/admin/"},
    )
    assert login.geturl() == f"{first}/admin/"
    official = Official.objects.get(family_name="Korotchenya")
    saved = post(
        f"/admin/delegations/official/{official.pk}/change/",
        {
            "organization": official.organization_id,
            # The admin edits every language of the honorific and the position at once.
            **{
                f"{field}_{code}": getattr(official, f"{field}_{code}") or ""
                for field in ("honorific", "position")
                for code in ("en", "fr", "es", "ru", "zh_hans", "ar")
            },
            "given_name": official.given_name,
            "family_name": official.family_name,
            "position_en": "Chairman of the Executive Committee",
            "country": "",
            "email": "",
            "phone": "",
        },
    )
    assert saved.geturl() == f"{first}/admin/delegations/official/", saved.read().decode()[-3000:]
    official.refresh_from_db()
    assert official.position == "Chairman of the Executive Committee"

    page = participants(second)
    assert "Chairman of the Executive Committee" in page
    assert "Executive Secretary" not in page.split("Korotchenya")[1][:400]
