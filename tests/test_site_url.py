"""SITE_URL: the origin of every absolute link, required when DEBUG is off."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from meetingsite.site import site_url


def load_settings(**environ):
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DEBUG", "SECRET_KEY")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", "import meetingsite.settings as s; print(s.SITE_URL)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_site_url_is_required_when_debug_is_off():
    result = load_settings(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode == 1
    assert "ImproperlyConfigured: SITE_URL (e.g. https://meetings.example.org) must be set" in (
        result.stderr
    )


def test_site_url_defaults_in_development_and_loses_its_trailing_slash():
    assert load_settings(DEBUG="true").stdout == "http://127.0.0.1:8000\n"
    configured = load_settings(DEBUG="false", SECRET_KEY="x" * 50, SITE_URL="https://m.example/")
    assert configured.stdout == "https://m.example\n"


def test_site_url_must_be_an_origin():
    result = load_settings(DEBUG="true", SITE_URL="meetings.example.org/register")
    assert result.returncode == 1
    assert "SITE_URL must be an origin" in result.stderr


def test_site_url_joins_a_root_path(settings):
    settings.SITE_URL = "https://meetings.example.org"
    assert site_url("/agenda.ics") == "https://meetings.example.org/agenda.ics"
    with pytest.raises(ValueError):
        site_url("agenda.ics")
