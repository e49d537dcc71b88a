"""The desk in a real Chromium: keyboard-only check-in and undo, without a page reload."""

import shutil

import pytest
from django.contrib.auth.models import Group
from django.db import connections

from agenda.desk import REGISTRATION_DESK
from agenda.models import Attendance
from tests.agenda.desk_data import build_meeting, working_sessions
from tests.factories import UserFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    # A live server needs committed data; serialized_rollback brings back the groups and
    # permissions that migrations made, for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are ordinary synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()
        # The ORM calls made inside Playwright's context opened their own connections: close
        # them, or PostgreSQL refuses to drop the test database.
        connections.close_all()


def test_a_desk_officer_checks_people_in_and_out_with_the_keyboard(live_server, browser_page):
    meeting = build_meeting(delegations=2, members=2, sessions=1)
    session = working_sessions(meeting)[0]
    user = UserFactory(username="desk")
    user.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    page = browser_page

    page.goto(f"{live_server.url}/desk/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "desk-q"

    page.keyboard.type("family0001")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    address = page.url
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("tr.desk-row[data-present='1']")

    assert page.url == address  # no reload
    assert page.inner_text("[data-count='present']") == "1"
    assert page.inner_text("[data-count='absent']") == "3"
    assert page.evaluate("document.activeElement.id") == "desk-q"
    attendance = Attendance.objects.get()
    assert (
        attendance.session,
        attendance.participant.official.name,
        attendance.checked_in_by,
    ) == (
        session,
        "Given0 Family0001",
        user,
    )

    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("tr.desk-row[data-present='1']", state="detached")
    assert page.inner_text("[data-count='present']") == "0"
    assert Attendance.objects.count() == 0
