"""The programme as rows (agenda/programme.py): what the programme, the day, the feeds
and the JSON show of each session, read from the translated columns in the reader's
language with English as the fallback, for a meeting in Geneva on a server set to UTC;
and the session table that Jinja2 renders, in French and Arabic."""

import datetime
import re

import pytest
from django.utils import translation

from agenda.models import Session
from agenda.programme import ProgrammeItem, by_day, programme_sessions, session_rows
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    OfficialFactory,
    RoomFactory,
    SessionFactory,
    SessionItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def geneva(settings):
    settings.TIME_ZONE = "UTC"
    meeting = MeetingFactory(
        title="Regional Dialogue on Water",
        short_title="Water Dialogue",
        slug="water",
        venue="Palais des Nations",
        city="Geneva",
        city_fr="Genève",
        time_zone="Europe/Zurich",
        start_date=datetime.date(2027, 7, 1),
        end_date=datetime.date(2027, 7, 2),
        is_published=True,
        is_current=True,
    )
    room = RoomFactory(name="Room XVII", name_fr="Salle XVII", location="")
    chair = OfficialFactory(
        honorific="H.E. Mr.",
        honorific_fr="S. E. M.",
        honorific_zh_hans="先生阁下",
        given_name="Сергей",
        family_name="Лавров",
    )
    opening = SessionFactory(
        meeting=meeting,
        kind=Session.Kind.OPENING,
        title="Opening",
        title_fr="Ouverture",
        room=room,
        chair=chair,
        is_provisional=True,
        notes="Doors open at 8:30",
        starts_at=datetime.datetime(2027, 7, 1, 7, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 7, 1, 8, 30, tzinfo=datetime.UTC),
    )
    lunch = SessionFactory(
        meeting=meeting,
        kind=Session.Kind.BREAK,
        title="Lunch",
        room=None,
        chair=None,
        starts_at=datetime.datetime(2027, 7, 1, 10, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 7, 1, 11, 0, tzinfo=datetime.UTC),
    )
    rivers = AgendaItemFactory(meeting=meeting, number=1, title="Shared rivers")
    wells = AgendaItemFactory(meeting=meeting, number=2, title="Wells", title_fr="Puits")
    SessionItemFactory(session=opening, agenda_item=wells, order=1)
    SessionItemFactory(session=opening, agenda_item=rivers, order=2)
    return meeting, opening, lunch


def test_sessions_read_in_french_with_english_where_french_is_missing(geneva):
    meeting, opening, lunch = geneva
    with translation.override("fr"):
        first, second = programme_sessions(meeting, Session.objects.filter(meeting=meeting))
    assert (first.pk, first.title, first.title_language) == (opening.pk, "Ouverture", "fr")
    assert (second.pk, second.title, second.title_language) == (lunch.pk, "Lunch", "en")
    # Geneva is UTC+2 in July, whatever the server's zone; the clock is French.
    assert first.start_iso == "2027-07-01T09:00:00+02:00"
    assert (first.start_clock, first.end_clock) == ("09 h 00", "10 h 30")
    assert first.start_local.date() == datetime.date(2027, 7, 1)
    assert (first.kind, first.kind_label) == ("opening", "Ouverture")
    assert (first.room_name, first.location) == (
        "Salle XVII",
        "Salle XVII, Palais des Nations, Genève",
    )
    assert first.chair and first.chair_name == "S. E. M. Сергей Лавров"
    assert first.notes == "Doors open at 8:30"
    assert first.pending and first.is_provisional
    assert first.entries == [
        ProgrammeItem(pk=first.entries[0].pk, number=2, title="Puits"),
        ProgrammeItem(pk=first.entries[1].pk, number=1, title="Shared rivers"),
    ]
    assert first.item_titles == [(2, "Puits"), (1, "Shared rivers")]
    # No room: the meeting's venue and city; no chair: nothing said of one.
    assert (second.room_name, second.location) == ("", "Palais des Nations, Genève")
    assert (second.chair, second.chair_name) == (False, "")
    assert second.entries == []


def test_times_keep_their_seconds_and_each_its_own_offset(geneva):
    """The times are read as the database writes them (SQLite without an offset,
    PostgreSQL with one) and parsed once each: an instant on either side of the autumn
    change of clocks keeps its own offset, its seconds and its microseconds."""
    meeting, opening, _lunch = geneva
    Session.objects.filter(pk=opening.pk).update(
        starts_at=datetime.datetime(2027, 10, 31, 0, 59, 59, 250000, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 10, 31, 1, 0, 1, tzinfo=datetime.UTC),
    )
    first = programme_sessions(meeting, Session.objects.filter(pk=opening.pk))[0]
    assert (first.start_iso, first.end_iso) == (
        "2027-10-31T02:59:59.250000+02:00",
        "2027-10-31T02:00:01+01:00",
    )
    # 02:59:59 happens twice that night: this is the first time, in summer time.
    assert first.start_local.astimezone(datetime.UTC) == datetime.datetime(
        2027, 10, 31, 0, 59, 59, 250000, tzinfo=datetime.UTC
    )
    assert first.start_local.utcoffset() == datetime.timedelta(hours=2)


def test_chinese_puts_the_honorific_after_the_name(geneva):
    meeting, _opening, _lunch = geneva
    with translation.override("zh-hans"):
        first = programme_sessions(meeting, Session.objects.filter(meeting=meeting))[0]
    assert first.chair_name == "Сергей Лавров先生阁下"
    assert first.title == "Opening"  # no Chinese title: English
    assert first.title_language == "en"


def test_sessions_read_in_a_constant_number_of_queries(geneva, django_assert_num_queries):
    meeting, opening, _lunch = geneva
    for n in range(20):
        SessionFactory(
            meeting=meeting,
            room=RoomFactory(),
            chair=OfficialFactory(),
            starts_at=opening.starts_at + datetime.timedelta(hours=n),
            ends_at=opening.starts_at + datetime.timedelta(hours=n, minutes=30),
        )
    # The sessions with rooms and chairs, the agenda items, which session takes which.
    with django_assert_num_queries(3):
        sessions = programme_sessions(meeting, Session.objects.filter(meeting=meeting))
    assert len(sessions) == 22


def test_rows_compose_each_piece_and_keep_each_name_in_its_direction(geneva):
    meeting, opening, lunch = geneva
    with translation.override("ar"):
        sessions = programme_sessions(meeting, Session.objects.filter(meeting=meeting))
        first, second = session_rows(sessions, lambda pk: f"/agenda/sessions/{pk}/")
    assert (first.url, first.title, first.title_lang) == (
        f"/agenda/sessions/{opening.pk}/",
        "Opening",
        ' lang="en"',
    )
    assert first.kind_badge and not first.is_break and first.pending
    assert first.item_lines == [
        'البند 2: <bdi dir="ltr">Wells</bdi>',
        'البند 1: <bdi dir="ltr">Shared rivers</bdi>',
    ]
    # The room, then the chair: a Cyrillic name inside Arabic text keeps its own order.
    assert first.facts.startswith("<bdi>Room XVII</bdi> · ")
    assert first.facts.endswith('<bdi dir="ltr">H.E. Mr. Сергей Лавров</bdi>')
    assert (second.is_break, second.facts, second.item_lines) == (True, "", [])
    days = by_day(meeting, [first, second], all_days=True)
    assert days == [(datetime.date(2027, 7, 1), [first, second]), (datetime.date(2027, 7, 2), [])]


def test_the_session_table_in_french(client, geneva):
    _meeting, opening, lunch = geneva
    page = client.get("/agenda/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<th scope="col" class="col-time">Heure</th>' in page
    assert '<span class="caption-note">(heure de Genève)</span>' in page
    assert (
        f'<a class="session-title" dir="auto" href="/agenda/sessions/{opening.pk}/">Ouverture</a>'
    ) in page
    # A break is not a link; its English title says it is English.
    assert '<span class="session-title" dir="auto" lang="en">Lunch</span>' in page
    assert '<span class="badge badge-provisional ms-1">Provisoire</span>' in page
    assert "<li>Point 2 : Puits</li><li>Point 1 : Shared rivers</li>" in page
    assert "<bdi>Salle XVII</bdi> · Présidence : S. E. M. Сергей Лавров</p>" in page
    assert (
        '<time datetime="2027-07-01T09:00:00+02:00">09 h 00</time>–'
        '<time datetime="2027-07-01T10:30:00+02:00">10 h 30</time>'
    ) in page
    # The second day has no session and says so.
    assert page.count("Aucune séance prévue.") == 1
    assert lunch.pk != opening.pk


def test_the_day_page_escapes_what_it_shows(client, geneva):
    meeting, opening, _lunch = geneva
    Session.objects.filter(pk=opening.pk).update(title_en="<b>Opening</b> & welcome")
    page = client.get(f"/agenda/{meeting.start_date}/").content.decode()
    assert "&lt;b&gt;Opening&lt;/b&gt; &amp; welcome" in page
    assert "<b>Opening</b>" not in page
    assert re.search(
        r"<caption>Sessions <span class=\"caption-note\">\(Geneva time\)</span>", page
    )
