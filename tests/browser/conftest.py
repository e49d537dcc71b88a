"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium
(`make browser` installs it). Without it the tests skip, unless BROWSER_TESTS_REQUIRED is
set (as CI does), when they fail instead.
"""

import importlib
import os
from pathlib import Path

import pytest

from agenda.seed import seed_meeting

# Playwright's sync API runs an event loop in this thread; without this, Django refuses
# the first database query of a test with SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install it with `make browser` "
            "(apt-get install -y chromium) to run the browser tests."
        )
        if os.environ.get("BROWSER_TESTS_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="en-GB")
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, page = _page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context, page = _page(browser, PHONE)
    yield page
    context.close()


# The data migrations that create the staff groups and their permissions, in order.
GROUP_MIGRATIONS = [
    ("delegations.migrations.0002_secretariat_group", "create_group"),
    ("agenda.migrations.0002_staff_groups", "create_groups"),
    ("meetingsite.migrations.0002_data_version_and_login_locks", "grant"),
    ("meetingsite.migrations.0003_desk_accounts", "grant"),
]


@pytest.fixture
def staff_groups(transactional_db):
    """The groups the migrations create, made again with the migrations' own code: a
    transactional test before this one may have flushed them."""
    from django.apps import apps

    # The migrations mark their app's models module as loaded, true already here: put
    # back what they change.
    loaded = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        for module, function in GROUP_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = loaded[config.label]


@pytest.fixture
def site(live_server):
    """The live server's URL, serving the 1996 meeting."""
    seed_meeting()
    return live_server.url
