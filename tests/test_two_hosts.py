"""Two hosts, one PostgreSQL database: a credentials file sent through one is downloaded
through the other, byte for byte, although each has its own MEDIA_ROOT."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection

from agenda.seed import seed_meeting
from delegations import services
from delegations.groups import SECRETARIAT
from delegations.models import Credentials, Delegation
from meetingsite.models import StoredFile
from tests.test_two_processes import free_port

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database two processes can share: run with DATABASE_URL=postgres://…",
    ),
]

# Not a toy file: every byte value, so no layer may decode, strip or re-encode it.
CONTENT = b"%PDF-1.4\n" + bytes(range(256)) * 4000 + b"\n%%EOF\n"


@pytest.fixture
def hosts(tmp_path):
    params = connection.settings_dict
    url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"
    processes, bases = [], []
    for n in range(2):
        media = tmp_path / f"host{n}-media"
        media.mkdir()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
            "DEBUG": "true",
            "MEDIA_ROOT": str(media),
        }
        env.pop("REDIS_URL", None)
        port = free_port()
        processes.append(
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
        )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
    yield bases, [tmp_path / f"host{n}-media" for n in range(2)]
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def browser():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_file_sent_through_one_host_is_downloaded_through_the_other(staff_groups, hosts):
    (first, second), media_roots = hosts
    meeting, _ = seed_meeting()
    delegation = Delegation.objects.filter(meeting=meeting).order_by("pk").first()
    token = services.link_issue(delegation=delegation)

    # The focal point, on the first host, through its private link.
    focal_point = browser()
    form_url = f"{first}/register/{token}/credentials/"
    token_field = csrf_token(focal_point.open(form_url).read().decode())
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token_field}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="letter.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + CONTENT
        + f"\r\n--{boundary}--\r\n".encode()
    )
    sent = focal_point.open(
        urllib.request.Request(
            form_url,
            body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": form_url,
            },
        )
    )
    assert sent.geturl() == form_url  # redirected back to the form: stored
    credentials = Credentials.objects.get(delegation=delegation)
    assert StoredFile.objects.get().name == credentials.file.name
    assert [list(root.iterdir()) for root in media_roots] == [[], []]  # no host kept a copy

    # The secretariat, on the second host, logged in.
    password = PBKDF2PasswordHasher().encode("a-long-test-password", "saltsaltsalt")
    secretary = get_user_model().objects.create(
        username="secretary", password=password, is_staff=True
    )
    secretary.groups.add(Group.objects.get(name=SECRETARIAT))
    secretariat = browser()
    login_url = f"{second}/admin/login/"
    login = secretariat.open(
        urllib.request.Request(
            login_url,
            urllib.parse.urlencode(
                {
                    "username": "secretary",
                    "password": "a-long-test-password",
                    "next": "/admin/",
                    "csrfmiddlewaretoken": csrf_token(secretariat.open(login_url).read().decode()),
                }
            ).encode(),
            headers={"Referer": login_url},
        )
    )
    assert login.geturl() == f"{second}/admin/"
    with secretariat.open(
        f"{second}/desk/documents/credentials/{credentials.pk}/file/"
    ) as download:
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.read() == CONTENT
