"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium
(`make browser` installs it). Without it the tests skip, unless BROWSER_TESTS_REQUIRED is
set (as CI does), when they fail instead.
"""

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


@pytest.fixture
def site(live_server):
    """The live server's URL, serving the 1996 meeting."""
    seed_meeting()
    return live_server.url
