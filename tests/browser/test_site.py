"""What delegates do on the public site, in a real Chromium."""

import datetime
import os
import zoneinfo
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from icalendar import Calendar

# serialized_rollback: put back what migrations created (groups, permissions) after the
# flush, for the tests that run after these in the same process.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
PUBLIC_PAGES = [
    "/",
    "/agenda/",
    "/agenda/1996-02-15/",
    "/agenda/?item=3",
    "/participants/",
    "/background/",
    "/meetings/",
]


def test_delegate_goes_from_home_to_a_day_to_a_session_and_downloads_its_ics(page, site):
    page.goto(f"{site}/")
    page.get_by_role("link", name="Thursday, 15 February 1996").click()
    assert page.locator("h1").inner_text() == "Thursday, 15 February 1996"
    page.get_by_role("link", name="Evolving patterns of cooperation").click()
    assert page.locator("h1").inner_text() == "Evolving patterns of cooperation"
    assert "11:00–13:00 (New York time)" in page.locator("main").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Evolving patterns of cooperation"
    assert event.decoded("DTSTART") == datetime.datetime(1996, 2, 15, 11, tzinfo=NEW_YORK)


def test_phone_width_pages_have_no_horizontal_scroll(phone, site):
    for path in PUBLIC_PAGES:
        phone.goto(f"{site}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px phone"


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "zh-hans", "ar"])
def test_axe_finds_no_accessibility_violations(browser, site, language):
    context = browser.new_context(
        locale=language, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    axe = Axe()
    found = {}
    try:
        for path in PUBLIC_PAGES:
            page.goto(f"{site}{path}")
            results = axe.run(page)
            if results.violations_count:
                found[path] = results.generate_report()
    finally:
        context.close()
    assert found == {}


def test_switching_to_french_with_the_language_buttons(page, site):
    page.goto(f"{site}/agenda/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.url == f"{site}/agenda/"
    main = page.locator("main").inner_text()
    assert "jeudi 15 février 1996" in main
    assert "Point 2 : Évolution des formes de coopération" in main
    page.get_by_role("link", name="Participants").click()
    assert page.locator("h1").inner_text() == "Participants"
    assert page.get_by_role("columnheader", name="Chef de délégation").is_visible()
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"


def test_arabic_reads_right_to_left(page, site, tmp_path):
    page.goto(f"{site}/agenda/")
    # The switcher posts and redirects: read the page only once the Arabic one has loaded.
    with page.expect_navigation():
        page.get_by_role("button", name="العربيّة").click()
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator("h1").inner_text() == "البرنامج"
    assert "الخميس، 15 فبراير 1996" in page.locator("main").inner_text()
    # Bootstrap's RTL stylesheet: the brand sits on the right, the language buttons on the left.
    width = page.viewport_size["width"]
    brand = page.locator(".site-brand").bounding_box()
    switcher = page.locator(".language-switcher").bounding_box()
    assert brand["x"] > width / 2 > switcher["x"] + switcher["width"]
    assert page.locator("body").evaluate("body => getComputedStyle(body).direction") == "rtl"
    # Kept for a person to look at: SCREENSHOT_DIR=... make browser
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(folder / "arabic-agenda.png"), full_page=True)
    page.get_by_role("link", name="المشاركون").first.click()
    assert page.locator("h1").inner_text() == "المشاركون"
    main = page.locator("main").inner_text()
    assert "جامعة الدول العربية (LAS)" in main
    assert "League of Arab States" not in main
    page.screenshot(path=str(folder / "arabic-participants.png"), full_page=True)


def test_keyboard_user_skips_to_the_content(page, site):
    page.goto(f"{site}/agenda/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next stop is inside the content: the agenda-item filter.
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_agenda_prints_as_a_clean_programme(page, site):
    page.goto(f"{site}/agenda/")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".language-switcher").is_visible()
    assert not page.locator("form.item-filter").is_visible()
    assert page.locator("h1").is_visible()
    assert page.locator("table.programme-table").count() == 2
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF")
