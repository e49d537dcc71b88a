"""Headers, cookies and login throttling."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_security_headers_on_a_page(client):
    response = client.get(reverse("admin:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_over_https(client):
    response = client.get(reverse("admin:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_login_with_a_message(client, secretariat_user):
    url = reverse("admin:login")
    credentials = {"username": "secretary", "password": "wrong", "next": "/admin/"}
    for _ in range(2):
        response = client.post(url, credentials)
        assert response.status_code == 200  # the ordinary "wrong password" form
    response = client.post(url, credentials)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is blocked after 3 failed attempts." in page
    assert "Try again in 30 minutes." in page
    # Even the right password is refused while the lock holds.
    right = {**credentials, "password": "a-long-test-password"}
    assert client.post(url, right).status_code == 429
    assert AccessAttempt.objects.get().failures_since_start >= 3


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_the_secretariat_sees_and_lifts_locks(client, secretariat_client):
    UserFactory(username="desk1")
    for _ in range(3):
        client.post(reverse("admin:login"), {"username": "desk1", "password": "x"})
    changelist = secretariat_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "desk1" in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username="desk1")
    response = secretariat_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()


def _login(client, username, password, forwarded_for):
    # The load balancer connects from 10.0.0.2 and appends the client's address.
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, PROXY_COUNT=1)
def test_behind_the_proxy_a_lockout_hits_the_attackers_address_not_everyone(client):
    UserFactory(username="victim")
    UserFactory(username="colleague", is_staff=True)
    for _ in range(4):
        assert _login(client, "victim", "wrong", "203.0.113.9").status_code == 200
    assert _login(client, "victim", "wrong", "203.0.113.9").status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", "username")) == [
        ("203.0.113.9", "victim")
    ]
    # The attacker's address is locked, whatever username it tries next, and even a
    # forged X-Forwarded-For entry to its left changes nothing.
    assert _login(client, "colleague", "wrong", "203.0.113.9").status_code == 429
    assert _login(client, "colleague", "x", "192.0.2.1, 203.0.113.9").status_code == 429
    # Another client, through the same proxy, signs in as another user.
    other = _login(client, "colleague", "a-long-test-password", "198.51.100.7")
    assert other.status_code == 302
    assert other["Location"] == "/admin/"
    # The attacked username is locked too (AXES_LOCKOUT_PARAMETERS: address, and
    # separately username), from any address: a guessed password is never tried.
    client.logout()
    assert _login(client, "victim", "a-long-test-password", "198.51.100.7").status_code == 429


@override_settings(PROXY_COUNT=2)
def test_the_client_address_is_the_entry_the_outermost_proxy_wrote(rf):
    from meetingsite.proxies import client_ip

    def address(forwarded_for):
        request = rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR=forwarded_for)
        return client_ip(request)

    assert address("1.1.1.1, 203.0.113.9, 10.0.0.2") == "203.0.113.9"
    assert address("203.0.113.9,10.0.0.2") == "203.0.113.9"
    # Fewer entries than proxies: the request did not come through them all.
    assert address("203.0.113.9") == "10.0.0.3"
    assert address("") == "10.0.0.3"


def test_without_proxies_the_address_is_the_connections(rf, settings):
    from meetingsite.proxies import client_ip

    settings.PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "192.0.2.5"


def _gunicorn_conf():
    import importlib.util

    from django.conf import settings

    path = settings.BASE_DIR / "meetingsite" / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_access_log_masks_registration_tokens():
    mask = _gunicorn_conf().mask_tokens
    assert mask("GET /register/Abc-123_xyz/ HTTP/1.1") == "GET /register/…masked…/ HTTP/1.1"
    assert mask("/register/Abc-123_xyz/credentials/file/") == (
        "/register/…masked…/credentials/file/"
    )
    assert mask("https://meetings.example.org/meetings/geneva/register/tok?x=1") == (
        "https://meetings.example.org/meetings/geneva/register/…masked…?x=1"
    )
    assert mask("GET /agenda/ HTTP/1.1") == "GET /agenda/ HTTP/1.1"
    assert mask(200) == 200


def test_the_access_log_line_shows_no_token():
    import datetime
    import logging
    from types import SimpleNamespace

    from gunicorn.config import Config

    conf = _gunicorn_conf()
    config = Config()
    config.set("accesslog", "-")
    logger = conf.MaskingLogger(config)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.access_log.addHandler(handler)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/register/s3cret-token/credentials/",
        "PATH_INFO": "/register/s3cret-token/credentials/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_REFERER": "https://meetings.example.org/register/s3cret-token/",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0))
    line = records[-1].getMessage()
    assert "s3cret-token" not in line
    assert '"GET /register/…masked…/credentials/ HTTP/1.1" 200' in line
    assert '"https://meetings.example.org/register/…masked…/"' in line


def test_make_serve_runs_gunicorn_with_the_masking_config():
    from django.conf import settings

    makefile = (settings.BASE_DIR / "Makefile").read_text()
    (gunicorn,) = [line for line in makefile.splitlines() if "/gunicorn " in line]
    assert "--config meetingsite/gunicorn.conf.py" in gunicorn
    assert "--access-logfile" not in gunicorn  # the config's, with its logger class
    assert _gunicorn_conf().logger_class.__name__ == "MaskingLogger"


@override_settings(LANGUAGE_COOKIE_SECURE=True)
def test_the_language_cookie_is_secure_and_same_site_lax_under_https(client):
    response = client.get("/language/", {"language": "fr", "next": "/"}, secure=True)
    cookie = response.cookies["django_language"]
    assert (cookie.value, cookie["secure"], cookie["samesite"]) == ("fr", True, "Lax")


@pytest.mark.parametrize(("secure_cookies", "expected"), [("true", "True"), ("false", "False")])
def test_the_language_cookie_follows_the_session_cookies_switch(secure_cookies, expected):
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "from meetingsite import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    env = {**os.environ, "SECURE_COOKIES": secure_cookies}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [expected, expected, "Lax"]


def test_the_production_settings_pass_the_deploy_check_without_a_warning():
    """What `make serve` runs before it starts (a warning there stops it)."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    # Only what a production shell would hold: nothing another test set leaks in.
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "https://meetings.example.org",
        "AXES_PROXY_COUNT": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
