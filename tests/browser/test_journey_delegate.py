"""A delegate on a phone finds the programme, a session and its calendar file, in English
and in Arabic. Every screen is checked by ``Journey.step`` (no overflow, no axe violation
with the WCAG 2.2 AA tags) and kept as a screenshot."""

import datetime
import zoneinfo
from pathlib import Path

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SEEN = {
    "en": {
        "programme": "Programme",
        "day": "Thursday, 15 February 1996",
        "session": "Evolving patterns of cooperation",
        "room": "Conference Room 4",
        "when": "11:00–13:00 (New York time)",
        "ics": "Add to calendar (.ics)",
        "over": "The meeting is over: this is the programme as last published.",
        "participants": "Participants",
        "order": "15 organizations take part, listed in English alphabetical order",
    },
    "ar": {
        "programme": "البرنامج",
        "day": "الخميس، 15 فبراير 1996",
        "session": "أنماط التعاون المتطورة",
        "room": "قاعة الاجتماعات 4",
        "when": "11:00–13:00",
        "ics": None,
        "over": "انتهى الاجتماع: هذا هو البرنامج كما نُشر آخر مرة.",
        "participants": "المشاركون",
        "order": "تشارك 15 منظمة، مدرجة حسب الترتيب الأبجدي الإنجليزي",
    },
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_delegate_on_a_phone_reads_the_programme_and_takes_a_session_to_the_calendar(
    journey, language
):
    seen = SEEN[language]
    j = journey(person="delegate", size="phone", language=language)
    page = j.page
    j.goto("/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    j.step("home")

    page.get_by_role("navigation").get_by_role("link", name=seen["programme"]).click()
    assert page.locator("h1").inner_text() == seen["programme"]
    main = page.locator("main").inner_text()
    assert seen["over"] in main
    assert "Provisional" not in main and "مؤقت" not in main
    j.step("programme")

    page.get_by_role("link", name=seen["session"]).first.click()
    assert page.locator("h1").inner_text() == seen["session"]
    assert seen["when"] in page.locator("main").inner_text()
    j.step("session")

    ics_link = page.locator("main a[href*='.ics?lang=']")
    with page.expect_download() as download_info:
        ics_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    # The calendar file is in the page's language, as the meeting's words are.
    assert str(event["SUMMARY"]) == seen["session"]
    assert event.decoded("DTSTART") == datetime.datetime(1996, 2, 15, 11, tzinfo=NEW_YORK)
    assert event.decoded("DTEND") == datetime.datetime(1996, 2, 15, 13, tzinfo=NEW_YORK)
    assert str(event["LOCATION"]).startswith(seen["room"])
    # The meeting ended in 1996: nothing in the file says the time may still change.
    assert "STATUS" not in event

    # Who takes part, in the order the page says it uses (the seed sets no protocol order).
    page.get_by_role("navigation").get_by_role("link", name=seen["participants"]).click()
    assert seen["order"] in page.locator("main").inner_text()
    j.step("participants")
