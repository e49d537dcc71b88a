"""Two hosts, one PostgreSQL database: a credentials file sent through one is downloaded
through the other, byte for byte, although each has its own MEDIA_ROOT."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection

from agenda.seed import seed_meeting
from delegations import services
from delegations.groups import SECRETARIAT
from delegations.models import Credentials, Delegation
from meetingsite.models import StoredFile
from tests.app_processes import shared_database_url, start_app, stop

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
    processes, bases, media_roots = [], [], []
    for n in range(2):
        media = tmp_path / f"host{n}-media"
        media.mkdir()
        process, base = start_app(shared_database_url(), MEDIA_ROOT=str(media))
        processes.append(process)
        bases.append(base)
        media_roots.append(media)
    yield bases, media_roots
    stop(*processes)


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
