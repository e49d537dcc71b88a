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
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 900}
SIZES = {"phone": PHONE, "tablet": TABLET, "desktop": DESKTOP}

# What every journey's page must pass: WCAG 2.0, 2.1 and 2.2, levels A and AA (target size
# included).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Screenshots of each journey's steps, for people to look at (git-ignored).
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))


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
@pytest.fixture
def site(live_server):
    """The live server's URL, serving the 1996 meeting."""
    seed_meeting()
    return live_server.url


class Journey:
    """One person's way through the site at one size and in one language.

    ``step(name)`` is what every page of a journey must pass: nothing wider than the
    screen, no axe violation with the WCAG 2.2 AA tags; it keeps a screenshot of the step.
    """

    def __init__(self, browser, site, *, person, size, language="en"):
        self.site = site
        self.name = f"{person}-{size}-{language}"
        self.language = language
        self.context = browser.new_context(
            viewport=SIZES[size],
            locale=language,
            extra_http_headers={"Accept-Language": language},
            accept_downloads=True,
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.steps = 0

    def goto(self, path):
        self.page.goto(path if path.startswith("http") else f"{self.site}{path}")

    def step(self, name):
        """Check the page as it is now and keep a screenshot of it."""
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        self.steps += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SHOTS / f"{self.name}-{self.steps:02d}-{name}.png"), full_page=True
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert width <= inner, f"{self.name} {name}: {width}px wide on a {inner}px screen"
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{self.name} {name}: " + results.generate_report()

    def close(self):
        self.context.close()


@pytest.fixture
def journey(browser, site):
    """Start journeys with ``journey(person=…, size="phone"|"tablet"|"desktop", language=…)``;
    each is closed at the end of the test."""
    started = []

    def start(**kwargs):
        started.append(Journey(browser, site, **kwargs))
        return started[-1]

    yield start
    for each in started:
        each.close()
