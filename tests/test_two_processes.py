"""Two app processes, one PostgreSQL database: a change made through one is served by
the other on the next request, although each caches pages in its own memory."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from agenda.seed import seed_meeting
from delegations.models import Official
from tests.app_processes import shared_database_url, start_app, stop

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database two processes can share: run with DATABASE_URL=postgres://…",
    ),
]


@pytest.fixture
def app_processes():
    url = shared_database_url()
    (first, first_base), (second, second_base) = (
        start_app(url, PAGE_CACHE="true") for _ in range(2)
    )
    yield [first_base, second_base]
    stop(first, second)


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
