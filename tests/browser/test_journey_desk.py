"""The registration desk's journey in Chromium, at the door's sizes and in English and Arabic:
log in, find people by name and by a scanned badge, check in, undo, print a sign-in sheet."""

import pytest

from agenda.models import Session
from agenda.services import participants_version_issue
from delegations.models import Participant

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# WCAG 2.2's minimum is 24 px; the desk is used standing, so its own buttons are bigger.
DESK_TARGET = 44


def counts(page):
    return {
        key: int(page.inner_text(f"#desk-counts [data-count='{key}']"))
        for key in ("expected", "present", "absent")
    }


def assert_on_screen(page, locator, what):
    """Seen without scrolling sideways, and big enough to hit standing up."""
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    assert box is not None, f"{what} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{what} is off-screen: {box}"
    assert box["height"] >= DESK_TARGET, f"{what} is {box['height']}px high"


def boxes(page, *selectors):
    """The elements' boxes measured at one instant: the page may still be scrolling to the
    focused button, so separate measurements would not compare."""
    return page.evaluate(
        "selectors => selectors.map(s => document.querySelector(s).getBoundingClientRect()"
        ".toJSON())",
        list(selectors),
    )


def tops(page, selector):
    return set(
        page.evaluate(
            "s => Array.from(document.querySelectorAll(s),"
            " e => Math.round(e.getBoundingClientRect().top))",
            selector,
        )
    )


def find(j, text, *, scanner=False):
    page = j.page
    page.locator("#desk-q").fill("")
    page.locator("#desk-q").focus()
    # A USB scanner is a keyboard: it types the badge's characters fast, then Enter.
    page.keyboard.type(text, delay=5 if scanner else 40)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", ["phone", "tablet", "desktop"])
def test_desk_journey(journey, staff_groups, desk_user, size, language):
    """A member of the Registration desk group (made by the migrations' own code) at the door."""
    opening = Session.objects.get(title="Opening of the meeting")
    j = journey(person="desk", size=size, language=language)
    page = j.page
    # Scroll at once rather than smoothly, so that what is measured has stopped moving.
    page.emulate_media(reduced_motion="reduce")

    j.goto("/desk/")
    assert "/desk/login/" in page.url
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert page.get_attribute("html", "lang") == language
    j.step("login")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    j.goto(f"/desk/?session={opening.pk}")
    assert page.locator(".desk-nav .nav-link").count() == 3
    if size != "phone":
        assert len(tops(page, ".desk-nav .nav-link")) == 1, "the desk's navigation is one line"
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= (200 if size == "phone" else 120)
    before = counts(page)
    assert before["expected"] == before["present"] + before["absent"]
    j.step("desk")

    # The arrow keys walk the list; the search stays on screen, and the focused button is
    # never hidden under it (WCAG 2.4.11).
    page.locator("#desk-q").focus()
    # Going back up brings each button in from the top, where the search is.
    for key in ["ArrowDown"] * 14 + ["ArrowUp"] * 8:
        page.keyboard.press(key)
    (focused, search) = boxes(page, ":focus", ".desk-search")
    assert focused["top"] >= search["bottom"]
    assert search["top"] >= 0 and search["bottom"] <= page.viewport_size["height"]
    # Without JavaScript a check-in comes back to the row's anchor: the row shows below the
    # search, not under it.
    middle = Participant.objects.get(badge_number="96-0009")
    page.goto("about:blank")  # a new load, not a jump within the page
    j.goto(f"/desk/?session={opening.pk}#p{middle.pk}")
    # The browser goes to the anchor a moment after the load.
    page.wait_for_function(
        "id => document.getElementById(id).getBoundingClientRect().top < innerHeight / 2",
        arg=f"p{middle.pk}",
    )
    (row, search) = boxes(page, f"#p{middle.pk}", ".desk-search")
    assert row["top"] >= search["bottom"]

    # An accent-free name finds the accented one.
    find(j, "hoynck")
    rows = page.locator("tr.desk-row")
    assert rows.count() == 1
    assert "Höynck" in rows.first.inner_text()
    field, search, clear = boxes(page, "#desk-q", "#desk-search-button", "#desk-clear")
    assert field["top"] == search["top"] == clear["top"]
    assert field["height"] == search["height"] == clear["height"] >= DESK_TARGET
    assert min(box["left"] for box in (field, search, clear)) >= 0
    assert max(box["right"] for box in (field, search, clear)) <= page.viewport_size["width"]
    j.step("found-by-name")

    # The badge, as the scanner types it.
    find(j, "96-0003", scanner=True)
    row = page.locator("tr.desk-row")
    assert row.count() == 1
    assert "96-0003" in row.inner_text()
    assert row.get_attribute("data-present") == "0"
    button = row.locator(".desk-button")
    assert_on_screen(page, button, "Check in")
    j.step("found-by-badge")

    # The scanned badge's button holds the focus: Enter checks in, without a reload.
    page.wait_for_function("document.activeElement?.classList.contains('desk-button')")
    page.keyboard.press("Enter")
    page.wait_for_selector("tr.desk-row[data-present='1']")
    row = page.locator("tr.desk-row")
    assert "desk" in row.locator(".desk-status").inner_text()  # present since …, by desk
    assert counts(page) == before | {
        "present": before["present"] + 1,
        "absent": before["absent"] - 1,
    }
    assert_on_screen(page, row.locator(".desk-button"), "Undo")
    j.step("checked-in")

    row.locator(".desk-button").click()
    page.wait_for_selector("tr.desk-row[data-present='0']")
    assert "desk" not in page.locator("tr.desk-row .desk-status").inner_text()
    assert counts(page) == before
    j.step("undone")

    with page.expect_navigation():
        page.locator(".desk-nav .nav-link").nth(1).click()
    j.step("documents")
    sheet = page.locator(f"a[href$='/desk/documents/sign-in/session/{opening.pk}/?format=pdf']")
    response = page.request.get(f"{j.site}{sheet.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # The secretariat has issued the provisional list and a revision: the desk prints them.
    meeting = opening.meeting
    for kind in ("provisional", "revision"):
        participants_version_issue(
            meeting=meeting, kind=kind, user=desk_user, base_symbol="UN-RO/1996/INF/1"
        )
    with page.expect_navigation():
        page.locator("a[href$='/desk/documents/participants/versions/']").click()
    assert page.locator("main table tbody tr").count() == 2
    j.step("issued-versions")
