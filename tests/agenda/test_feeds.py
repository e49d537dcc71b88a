"""The iCalendar feeds as our own writer makes them: valid for a real parser, folded and
escaped as RFC 5545 says, and the same bytes from one render to the next while the data
does not change."""

import datetime
import json
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from agenda import ical
from agenda.seed import seed_meeting
from meetingsite.caching import page_versions
from tests.factories import AgendaItemFactory, MeetingFactory, SessionFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def uncached(settings):
    """Every request renders: what a first visitor after a change gets."""
    settings.PAGE_CACHE = False


@pytest.fixture
def meeting():
    meeting, _ = seed_meeting()
    return meeting


def lines(body):
    assert body.endswith(b"\r\n")
    return body[:-2].split(b"\r\n")


@pytest.mark.parametrize("url", ["/agenda.ics", "/agenda.json"])
def test_two_renders_of_unchanged_data_are_byte_identical(client, meeting, uncached, url):
    first = client.get(url).content
    assert client.get(url).content == first
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").content == first


def test_dtstamp_is_when_the_data_last_changed_and_a_change_moves_it(
    client, uncached, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting, _ = seed_meeting()
    _number, changed_at = page_versions(meeting.slug)
    before = client.get("/agenda.ics").content
    stamps = {str(e.decoded("DTSTAMP")) for e in Calendar.from_ical(before).walk("VEVENT")}
    assert stamps == {str(changed_at.astimezone(datetime.UTC).replace(microsecond=0))}

    # After the seeding (its own version is "now"): the page shows the later of the two.
    later = datetime.datetime(2099, 3, 4, 5, 6, 7, 890, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: later)
    session = meeting.sessions.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        session.title = "Opening of the meeting, as amended"
        session.save()
    assert page_versions(meeting.slug)[1] == later
    after = client.get("/agenda.ics").content
    assert after != before
    assert b"DTSTAMP:20990304T050607Z\r\n" in after
    assert (
        b"DTSTAMP:20990304T050607Z\r\n" in client.get(f"/agenda/sessions/{session.pk}.ics").content
    )
    assert after.count(b"DTSTAMP:") == meeting.sessions.count()


def test_long_and_non_latin_values_fold_at_75_octets_and_parse_back_exactly(client, uncached):
    meeting = MeetingFactory(
        slug="folding",
        start_date=datetime.date(2030, 5, 6),
        end_date=datetime.date(2030, 5, 6),
        is_published=True,
    )
    title = "اجتماع رفيع المستوى بشأن التعاون بين الأمم المتحدة والمنظمات الإقليمية، الجلسة الأولى"
    notes = (
        "Simultaneous interpretation; see room 3, level B\\C.\r\n会议记录：第一次会议\nLast line"
    )
    item = AgendaItemFactory(meeting=meeting, number=4, title="Coopération, paix; sécurité")
    session = SessionFactory(
        meeting=meeting,
        title=title,
        notes=notes,
        starts_at=datetime.datetime(2030, 5, 6, 10, tzinfo=NEW_YORK),
        ends_at=datetime.datetime(2030, 5, 6, 11, 30, tzinfo=NEW_YORK),
    )
    session.items.create(agenda_item=item, order=1)
    body = client.get("/meetings/folding/agenda.ics").content
    for line in lines(body):
        assert len(line) <= 75, line
        line.decode()  # no line cuts a character in two
    assert b"\\;" in body and b"\\," in body and b"\\\\" in body
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == title
    description = str(event["DESCRIPTION"]).split("\n")
    assert description[1] == "Agenda items: 4. Coopération, paix; sécurité"
    assert description[-4:-1] == [
        "Simultaneous interpretation; see room 3, level B\\C.",
        "会议记录：第一次会议",
        "Last line",
    ]
    assert event.decoded("DTSTART") == datetime.datetime(2030, 5, 6, 10, tzinfo=NEW_YORK)
    assert event.decoded("DTEND").tzinfo.key == "America/New_York"
    assert str(event["STATUS"]) == "TENTATIVE"  # provisional, and the meeting is ahead


def test_fold_cuts_ascii_and_multibyte_lines_without_losing_a_character():
    for line in ["x" * 75, "y" * 76, "DESCRIPTION:" + "z" * 300, "SUMMARY:" + "é" * 80]:
        folded = ical.fold(line)
        parts = folded[:-2].split("\r\n")
        assert all(len(part.encode()) <= 75 for part in parts)
        assert all(part.startswith(" ") for part in parts[1:])
        assert parts[0] + "".join(part[1:] for part in parts[1:]) == line
    assert ical.fold("x" * 75) == "x" * 75 + "\r\n"


def test_json_lists_one_session_a_line_and_parses(client, meeting, uncached):
    body = client.get("/agenda.json").content.decode()
    data = json.loads(body)
    session_lines = [line for line in body.splitlines() if line.startswith('{"id": ')]
    assert len(session_lines) == len(data["sessions"]) == meeting.sessions.count()
    assert [json.loads(line.rstrip(","))["id"] for line in session_lines] == [
        session["id"] for session in data["sessions"]
    ]
