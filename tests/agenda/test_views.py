import datetime
import json
import re
import zoneinfo
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agenda.models import Session
from agenda.seed import MEETING_SLUG, seed_meeting
from delegations.models import Delegation, Meeting, Participant
from tests.factories import (
    NEW_YORK,
    AgendaItemFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    SessionItemFactory,
)

pytestmark = pytest.mark.django_db

SEEDED_TITLES = [
    "Opening of the meeting",
    "Evolving patterns of cooperation",
    "Lunch break",
    "Principles for improved cooperation",
    "Peace-building",
    "Lunch break",
    "Modalities for continuing dialogue",
    "Closing of the meeting",
]


@pytest.fixture
def meeting():
    meeting, _ = seed_meeting()
    return meeting


def at(day, hour, minute=0, tz=NEW_YORK):
    return datetime.datetime(1996, 2, day, hour, minute, tzinfo=tz)


@pytest.fixture
def frozen_now(monkeypatch):
    """Set the clock the views read; returns a setter."""

    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def text(response):
    """The response's visible text with tags removed and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"</?(time|a|abbr|strong|bdi)\b[^>]*>", "", body)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def session_titles(response):
    return re.findall(r'class="session-title"[^>]*>([^<]+)<', response.content.decode())


# --- the home page -----------------------------------------------------------------


def test_home_shows_the_meeting_at_a_glance(client, meeting):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert response.content.decode().count("<h1") == 1
    assert (
        "Dates Thursday, 15 February 1996 to Friday, 16 February 1996 "
        "Venue United Nations Headquarters, New York "
        "Convened by H.E. Mr. Boutros Boutros-Ghali, Secretary-General of the United Nations "
        "Participating organizations 15 · List of participants"
    ) in page


def test_home_before_the_meeting_shows_the_first_session(client, meeting, frozen_now):
    frozen_now(at(1, 9))
    page = text(client.get("/"))
    assert (
        "First session Opening of the meeting Provisional "
        "Thursday, 15 February 1996, 10:00–11:00 (New York time) · Conference Room 4"
    ) in page


def test_home_while_the_meeting_runs_shows_now_and_next(client, meeting, frozen_now):
    frozen_now(at(15, 11, 30))
    page = text(client.get("/"))
    assert "Today Thursday, 15 February 1996, New York time" in page
    assert (
        "Now Evolving patterns of cooperation Provisional 11:00–13:00 (New York time) "
        "· Conference Room 4"
    ) in page
    assert (
        "Next Lunch break Provisional Thursday, 15 February 1996, 13:00–15:00 (New York time)"
    ) in page


def test_home_between_days_has_no_current_session(client, meeting, frozen_now):
    # 22:00 in New York is 03:00 UTC on the 16th: still the first day for the meeting.
    frozen_now(at(15, 22))
    page = text(client.get("/"))
    assert "Today Thursday, 15 February 1996" in page
    assert "Now No session is in progress." in page
    assert "Next Peace-building Provisional Friday, 16 February 1996, 10:00–13:00" in page


def test_home_after_the_meeting_says_it_has_ended(client, meeting, frozen_now):
    frozen_now(at(17, 9))
    page = text(client.get("/"))
    assert (
        "The meeting has ended The meeting closed on Friday, 16 February 1996. "
        "Its programme remains available below."
    ) in page


def test_home_without_a_current_meeting_lists_the_published_ones(client):
    MeetingFactory(title="A published meeting", slug="published", is_current=False)
    MeetingFactory(title="A draft meeting", slug="draft", is_published=False)
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "No meeting is being featured at the moment." in page
    assert "A published meeting" in page
    assert "A draft meeting" not in page
    assert 'href="/meetings/published/"' in response.content.decode()


def test_home_with_no_meeting_at_all(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No meeting has been published yet. Please come back later." in text(response)


def test_an_unpublished_current_meeting_is_not_shown(client):
    MeetingFactory(title="Secret", is_current=True, is_published=False)
    response = client.get("/")
    assert response.status_code == 200
    assert "Secret" not in text(response)


@pytest.mark.parametrize(
    "url", ["/agenda/", "/agenda/1996-02-15/", "/participants/", "/background/", "/agenda.ics"]
)
def test_pages_without_a_current_meeting_answer_404_with_the_list(client, url):
    MeetingFactory(title="A published meeting", slug="published")
    response = client.get(url)
    assert response.status_code == 404
    assert "A published meeting" in text(response)


def test_meeting_list_page(client, meeting):
    MeetingFactory(
        title="Another meeting",
        start_date=datetime.date(1994, 8, 1),
        end_date=datetime.date(1994, 8, 1),
    )
    response = client.get("/meetings/")
    assert response.status_code == 200
    page = text(response)
    assert "No meeting is being featured" not in page
    assert page.index(meeting.title) < page.index("Another meeting")
    assert "Monday, 1 August 1994" in page


# --- every meeting under /meetings/<slug>/ ------------------------------------------


# Sessions added beside the seeded meeting take no room: the factory's "Conference Room
# <n>" could collide with the seed's "Conference Room 4".
def test_a_published_meeting_answers_under_its_slug(client, meeting):
    other = MeetingFactory(title="Third meeting", slug="third", city="Geneva")
    SessionFactory(meeting=other, title="Only session", room=None)
    response = client.get("/meetings/third/agenda/")
    assert response.status_code == 200
    assert session_titles(response) == ["Only session"]
    assert 'href="/meetings/third/agenda/1996-02-15/"' in response.content.decode()
    assert client.get("/meetings/third/").status_code == 200
    assert session_titles(client.get("/agenda/")) == SEEDED_TITLES


def test_the_current_meeting_also_answers_under_its_slug(client, meeting):
    response = client.get(f"/meetings/{MEETING_SLUG}/agenda/")
    assert response.status_code == 200
    assert session_titles(response) == SEEDED_TITLES
    first = Session.objects.get(meeting=meeting, title="Opening of the meeting")
    assert f'href="/meetings/{MEETING_SLUG}/agenda/sessions/{first.pk}/"' in (
        response.content.decode()
    )


def test_not_found_page_is_friendly_and_translated(client, meeting):
    response = client.get("/agenda/sessions/999999/")
    assert response.status_code == 404
    page = text(response)
    assert "Page not found There is no page at this address." in page
    assert 'action="/language/"' in response.content.decode()
    response = client.get("/agenda/sessions/999999/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Page introuvable" in text(response)


def test_unknown_or_unpublished_slug_is_404(client):
    MeetingFactory(slug="draft", is_published=False)
    assert client.get("/meetings/draft/").status_code == 404
    assert client.get("/meetings/nothing/agenda/").status_code == 404


# --- the programme ------------------------------------------------------------------


def test_programme_lists_every_session_by_day(client, meeting):
    response = client.get("/agenda/")
    assert response.status_code == 200
    assert session_titles(response) == SEEDED_TITLES
    page = text(response)
    assert page.index("Thursday, 15 February 1996") < page.index("10:00–11:00 Opening")
    assert page.index("Principles for improved cooperation") < page.index(
        "Friday, 16 February 1996"
    )
    # The meeting ended in 1996: its unconfirmed times are history, not pending changes.
    assert (
        "10:00–11:00 Opening of the meeting Opening Item 1: Opening of the meeting Conference"
        in page
    )
    assert "Provisional" not in page
    assert "may still change" not in page
    assert (
        "Times are New York time. The meeting is over: this is the programme as last published."
        in page
    )
    assert "Item 2: Evolving patterns of cooperation Conference Room 4" in page


def test_before_the_meeting_ends_unconfirmed_sessions_are_provisional(client, meeting, frozen_now):
    frozen_now(at(15, 12))
    page = text(client.get("/agenda/"))
    assert (
        "10:00–11:00 Opening of the meeting Opening Provisional Item 1: Opening of the meeting"
        in page
    )
    assert "Times are New York time. Sessions marked provisional may still change" in page
    session = Session.objects.get(meeting=meeting, title="Principles for improved cooperation")
    assert "Provisional: times and room not yet confirmed." in text(
        client.get(f"/agenda/sessions/{session.pk}/")
    )
    event = Calendar.from_ical(client.get(f"/agenda/sessions/{session.pk}.ics").content).walk(
        "VEVENT"
    )[0]
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "Provisional: times and room not yet confirmed." in str(event["DESCRIPTION"])


def test_programme_filtered_by_agenda_item(client, meeting):
    response = client.get("/agenda/", {"item": 3})
    assert session_titles(response) == ["Principles for improved cooperation"]
    assert "Sessions that take up item 3: Principles for improved cooperation." in text(response)
    assert re.findall(r'<h2 id="day-([\d-]+)"', response.content.decode()) == ["1996-02-15"]


def test_programme_filter_with_a_bad_item_says_so_and_shows_everything(client, meeting):
    response = client.get("/agenda/", {"item": "99"})
    assert response.status_code == 200
    assert "There is no such agenda item: choose one listed." in text(response)
    assert session_titles(response) == SEEDED_TITLES
    response = client.get("/agenda/", {"item": "x"})
    assert "There is no such agenda item: choose one listed." in text(response)
    assert session_titles(response) == SEEDED_TITLES


def test_programme_shows_days_without_sessions(client):
    empty = MeetingFactory(slug="empty")
    page = text(client.get("/meetings/empty/agenda/"))
    assert "Thursday, 15 February 1996" in page
    assert page.count("No sessions scheduled.") == 2
    assert empty.days == [datetime.date(1996, 2, 15), datetime.date(1996, 2, 16)]


def test_day_page_shows_that_days_sessions_only(client, meeting):
    response = client.get("/agenda/1996-02-16/")
    assert response.status_code == 200
    assert session_titles(response) == SEEDED_TITLES[4:]
    page = text(response)
    assert "Friday, 16 February 1996" in page
    assert 'rel="prev"' in response.content.decode()
    assert 'rel="next"' not in response.content.decode()


@pytest.mark.parametrize("day", ["1996-02-14", "1996-02-17", "1996-02-30", "1996-2-15"])
def test_day_outside_the_meeting_or_not_a_date_is_404(client, meeting, day):
    assert client.get(f"/agenda/{day}/").status_code == 404


def test_late_evening_session_belongs_to_its_local_day(client):
    other = MeetingFactory(slug="late")
    # 23:30 in New York is 04:30 UTC the next day.
    SessionFactory(
        meeting=other, title="Night session", starts_at=at(15, 23, 30), ends_at=at(15, 23, 55)
    )
    first = client.get("/meetings/late/agenda/1996-02-15/")
    second = client.get("/meetings/late/agenda/1996-02-16/")
    assert session_titles(first) == ["Night session"]
    assert "23:30–23:55" in text(first)
    assert session_titles(second) == []


def test_times_are_shown_in_the_meetings_own_time_zone(client):
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    other = MeetingFactory(slug="tokyo", time_zone="Asia/Tokyo", city="Tokyo")
    # 09:00 in Tokyo on the 15th is 19:00 in New York on the 14th.
    SessionFactory(
        meeting=other,
        title="Morning in Tokyo",
        starts_at=at(15, 9, tz=tokyo),
        ends_at=at(15, 10, tz=tokyo),
    )
    page = text(client.get("/meetings/tokyo/agenda/1996-02-15/"))
    assert "09:00–10:00 Morning in Tokyo" in page
    assert "Times are Tokyo time." in page


# --- sessions -----------------------------------------------------------------------


def test_session_page(client, meeting):
    session = Session.objects.get(meeting=meeting, title="Principles for improved cooperation")
    response = client.get(f"/agenda/sessions/{session.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Provisional" not in page
    assert (
        "When Thursday, 15 February 1996, 15:00–18:00 (New York time) "
        "Kind Working session "
        "Room Conference Room 4, United Nations Headquarters, New York "
        "Chair H.E. Mr. Boutros Boutros-Ghali, Secretary-General of the United Nations"
    ) in page
    assert (
        "Agenda items Principles for improved cooperation Agreed mechanisms for consultation"
    ) in page
    assert f'href="/agenda/sessions/{session.pk}.ics?lang=en"' in response.content.decode()


def test_session_of_another_meeting_is_404_here(client, meeting):
    other_session = SessionFactory(meeting=MeetingFactory(slug="other"), room=None)
    assert client.get(f"/agenda/sessions/{other_session.pk}/").status_code == 404
    assert client.get(f"/agenda/sessions/{other_session.pk}.ics").status_code == 404
    assert client.get(f"/meetings/other/agenda/sessions/{other_session.pk}/").status_code == 200
    assert client.get("/agenda/sessions/999999/").status_code == 404


# --- participants and background ------------------------------------------------------


def test_participants_in_protocol_order_with_heads_and_titles(client, meeting):
    Delegation.objects.filter(meeting=meeting, organization__acronym="WEU").update(
        protocol_order=1
    )
    Delegation.objects.filter(meeting=meeting, organization__acronym="OAU").update(
        status=Delegation.Status.DECLINED
    )
    response = client.get("/participants/")
    assert response.status_code == 200
    organizations = re.findall(
        r'<th scope="row">\s*<bdi>([^<(]+?)\s*[<(]', response.content.decode()
    )
    assert organizations[:3] == [
        "Western European Union",
        "Association of South-East Asian Nations",
        "Caribbean Community",
    ]
    assert len(organizations) == 14
    assert "Organization of African Unity" not in organizations
    page = text(response)
    assert (
        "14 organizations take part, listed with their heads of delegation: first in the "
        "protocol order set by the secretariat, then in English alphabetical order."
    ) in page
    assert "Wilhelm Höynck Secretary-General" in page
    assert (
        "H.E. Mr. Francesco Paolo Fulci (Italy) Permanent Representative of Italy to the United "
        "Nations Representing: The presidency of the European Union"
    ) in page


def test_participants_say_the_order_they_are_in(client, meeting):
    """The seed sets no protocol order: the list is alphabetical and must say so."""
    page = text(client.get("/participants/"))
    assert (
        "15 organizations take part, listed in English alphabetical order with their heads "
        "of delegation."
    ) in page
    assert "protocol order" not in page
    delegations = Delegation.objects.filter(meeting=meeting).order_by("-organization__sort_name")
    for number, delegation in enumerate(delegations, start=1):
        delegation.protocol_order = number
        delegation.save(update_fields=["protocol_order"])
    response = client.get("/participants/")
    organizations = re.findall(
        r'<th scope="row">\s*<bdi>([^<(]+?)\s*[<(]', response.content.decode()
    )
    assert organizations[0] == delegations[0].organization.display_name
    assert (
        "15 organizations take part, listed in protocol order with their heads of delegation."
    ) in text(response)


def test_participants_show_no_contact_details_and_only_live_heads(client):
    delegation = DelegationFactory(meeting=MeetingFactory(slug="m"))
    head = ParticipantFactory(
        delegation=delegation, role=Participant.Role.HEAD, status=Participant.Status.CANCELLED
    )
    adviser = ParticipantFactory(delegation=delegation, role=Participant.Role.ADVISER)
    page = client.get("/meetings/m/participants/").content.decode()
    assert head.official.email not in page
    assert "+1 212 555 0100" not in page
    assert head.official.family_name not in page
    assert adviser.official.family_name not in page
    assert "To be announced" in page


def test_background_page(client, meeting):
    response = client.get("/background/")
    assert response.status_code == 200
    page = text(response)
    assert response.content.decode().count("<h1") == 1
    assert "Chapter VIII of the Charter" in page
    assert "“Nothing in the present Charter precludes the existence of regional arrangements" in (
        page
    )
    assert "Ten regional organizations attended the first meeting" in page
    html = response.content.decode()
    for heading in (
        "Chapter VIII of the Charter",
        "The first meeting, 1 August 1994",
        "Five forms of cooperation",
        "Four principles",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "<li><strong>Consultation</strong>, held regularly" in html
    assert '<a class="nav-link" href="/background/" aria-current="page">Background</a>' in html


def test_background_is_the_meetings_own_text_with_scripts_and_javascript_links_stripped(client):
    MeetingFactory(
        slug="geneva",
        background=(
            "## Context\n\n"
            "A *first* meeting in [Geneva](https://www.ungeneva.org/).\n\n"
            "<script>alert('page')</script>\n\n"
            "[Click](javascript:void%200) "
            '<a href="javascript:alert(1)" onclick="alert(2)">here</a> '
            '<img src="x" onerror="alert(3)">\n\n'
            "> A quotation.\n"
        ),
    )

    html = client.get("/meetings/geneva/background/").content.decode()

    body = html[html.index('<div class="prose">') :]
    body = body[: body.index("</div>")]
    assert body.split("\n", 2)[2].strip() == (
        "<h2>Context</h2>\n"
        '<p>A <em>first</em> meeting in <a href="https://www.ungeneva.org/" '
        'rel="noopener noreferrer">Geneva</a>.</p>\n\n\n'  # The script left its lines.
        '<p><a rel="noopener noreferrer">Click</a> <a rel="noopener noreferrer">here</a> </p>\n'
        "<blockquote>\n<p>A quotation.</p>\n</blockquote>"
    )
    assert "alert" not in html
    assert "javascript:" not in html


def test_a_meeting_without_background_has_no_link_and_no_page(client):
    MeetingFactory(slug="bare", background="")

    home = client.get("/meetings/bare/").content.decode()

    assert "/meetings/bare/background/" not in home
    assert ">Background<" not in home
    assert client.get("/meetings/bare/background/").status_code == 404


# --- calendar and JSON ------------------------------------------------------------------


def test_programme_ics_parses_with_every_session_at_new_york_time(client, meeting):
    response = client.get("/agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{MEETING_SLUG}.ics"'
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == SEEDED_TITLES
    opening = events[0]
    assert opening.decoded("DTSTART") == at(15, 10)
    assert opening.decoded("DTSTART").tzinfo.key == "America/New_York"
    assert opening["DTSTART"].params["TZID"] == "America/New_York"
    assert opening.decoded("DTEND") == at(15, 11)
    assert opening.decoded("DTSTART").astimezone(datetime.UTC).hour == 15
    assert str(opening["LOCATION"]) == "Conference Room 4, United Nations Headquarters, New York"
    # Over since 1996: an unconfirmed session is neither tentative nor confirmed now.
    assert "STATUS" not in opening
    assert str(opening["DESCRIPTION"]).splitlines()[:3] == [
        "Opening",
        "Agenda items: 1. Opening of the meeting",
        "Chair: H.E. Mr. Boutros Boutros-Ghali",
    ]
    assert "Provisional" not in str(opening["DESCRIPTION"])
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    session = Session.objects.get(meeting=meeting, title="Opening of the meeting")
    assert str(opening["UID"]) == f"session-{session.pk}@meetingsite"
    assert str(opening["URL"]) == f"http://testserver/agenda/sessions/{session.pk}/"


def test_ics_uids_are_stable_and_shared_with_the_session_file(client, meeting):
    first = Calendar.from_ical(client.get("/agenda.ics").content)
    second = Calendar.from_ical(client.get(f"/meetings/{MEETING_SLUG}/agenda.ics").content)
    uids = [str(event["UID"]) for event in first.walk("VEVENT")]
    assert uids == [str(event["UID"]) for event in second.walk("VEVENT")]
    assert len(set(uids)) == 8
    session = Session.objects.get(meeting=meeting, title="Peace-building")
    single = client.get(f"/agenda/sessions/{session.pk}.ics")
    assert single["Content-Disposition"] == (
        f'attachment; filename="{MEETING_SLUG}-session-{session.pk}.ics"'
    )
    events = Calendar.from_ical(single.content).walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [f"session-{session.pk}@meetingsite"]
    assert events[0].decoded("DTSTART") == at(16, 10)


def test_ics_in_summer_time_carries_the_daylight_offset(client):
    other = MeetingFactory(
        slug="summer", start_date=datetime.date(1996, 7, 1), end_date=datetime.date(1996, 7, 1)
    )
    SessionFactory(
        meeting=other,
        starts_at=datetime.datetime(1996, 7, 1, 10, tzinfo=NEW_YORK),
        ends_at=datetime.datetime(1996, 7, 1, 11, tzinfo=NEW_YORK),
    )
    calendar = Calendar.from_ical(client.get("/meetings/summer/agenda.ics").content)
    start = calendar.walk("VEVENT")[0].decoded("DTSTART")
    assert start.astimezone(datetime.UTC).hour == 14
    names = {str(part["TZNAME"]) for part in calendar.walk("DAYLIGHT")}
    assert names == {"EDT"}


def test_programme_json(client, meeting):
    response = client.get("/agenda.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["meeting"] == {
        "title": meeting.title,
        "short_title": "Second UN–Regional Organizations Meeting",
        "slug": MEETING_SLUG,
        "venue": "United Nations Headquarters",
        "city": "New York",
        "start_date": "1996-02-15",
        "end_date": "1996-02-16",
        "time_zone": "America/New_York",
        "url": "http://testserver/",
        "ics": "http://testserver/agenda.ics",
    }
    assert [session["title"] for session in data["sessions"]] == SEEDED_TITLES
    pk = data["sessions"][1]["id"]
    assert data["sessions"][1] == {
        "id": pk,
        "title": "Evolving patterns of cooperation",
        "kind": "working",
        "kind_label": "Working session",
        "starts_at": "1996-02-15T11:00:00-05:00",
        "ends_at": "1996-02-15T13:00:00-05:00",
        "room": "Conference Room 4",
        "chair": "H.E. Mr. Boutros Boutros-Ghali",
        "provisional": True,
        "agenda_items": [{"number": 2, "title": "Evolving patterns of cooperation"}],
        "url": f"http://testserver/agenda/sessions/{pk}/",
        "ics": f"http://testserver/agenda/sessions/{pk}.ics",
    }
    assert data["sessions"][2]["room"] is None


def test_no_public_page_or_export_shows_contact_details(client, meeting):
    official = OfficialFactory(email="private@example.org", phone="+1 212 555 0199")
    delegation = DelegationFactory(meeting=meeting, organization=official.organization)
    ParticipantFactory(delegation=delegation, official=official, role=Participant.Role.HEAD)
    Session.objects.filter(meeting=meeting).update(chair=official)
    delegation.focal_point_email = "focal@example.org"
    delegation.save()
    session = Session.objects.filter(meeting=meeting).first()
    for url in [
        "/",
        "/agenda/",
        "/agenda/1996-02-15/",
        f"/agenda/sessions/{session.pk}/",
        f"/agenda/sessions/{session.pk}.ics",
        "/agenda.ics",
        "/agenda.json",
        "/participants/",
        "/background/",
    ]:
        body = client.get(url).content.decode()
        for secret in ["private@example.org", "555 0199", "focal@example.org"]:
            assert secret not in body, (url, secret)


# --- languages ----------------------------------------------------------------------


def test_french_from_the_browser_language(client, meeting):
    response = client.get("/agenda/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="fr"' in response.content.decode()
    assert "Programme" in page
    assert "jeudi 15 février 1996" in page
    assert "heure de New York" in page
    assert "Point 2 : Évolution des formes de coopération" in page


def test_language_switcher_sets_french(client, meeting):
    response = client.get("/language/", {"language": "fr", "next": "/participants/"})
    assert response.status_code == 302
    assert response["Location"] == "/participants/"
    page = text(client.get("/participants/"))
    assert "Participants" in page
    assert "Chef de délégation" in page
    assert "15 organisations participent" in page


def test_switcher_is_on_every_page(client, meeting):
    body = client.get("/background/").content.decode()
    assert 'action="/language/"' in body
    assert 'name="language" value="fr" lang="fr"' in body
    assert 'name="next" value="/background/"' in body


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.po"))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert len(catalogue.translated_entries()) > 200


# --- query counts: the same for the seeded meeting and one ten times its size ---------


@pytest.fixture
def large_meeting():
    """Ten times the seeded meeting: 10 days, 80 sessions, 60 items, 150 delegations."""
    meeting = MeetingFactory(
        slug="large",
        start_date=datetime.date(1996, 3, 1),
        end_date=datetime.date(1996, 3, 10),
        background="## Context\n\nA page of its own.",
    )
    items = AgendaItemFactory.create_batch(60, meeting=meeting)
    room = RoomFactory()
    chair = OfficialFactory()
    for index, day in enumerate(meeting.days):
        for hour in range(8, 16):
            start = datetime.datetime.combine(day, datetime.time(hour), NEW_YORK)
            session = SessionFactory(
                meeting=meeting,
                room=room,
                chair=chair,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=50),
            )
            SessionItemFactory(session=session, agenda_item=items[(index * 8 + hour) % 60])
    for _ in range(150):
        delegation = DelegationFactory(meeting=meeting)
        ParticipantFactory(delegation=delegation, role=Participant.Role.HEAD)
        ParticipantFactory(delegation=delegation)
    return meeting


@pytest.fixture(params=["seeded", "large"])
def sized_meeting(request):
    if request.param == "seeded":
        return seed_meeting()[0]
    return request.getfixturevalue("large_meeting")


@pytest.mark.parametrize(
    ("page", "queries"),
    [
        # Each count includes the page cache's read of the data version.
        ("home", 4),
        ("programme", 5),
        ("programme_filtered", 5),
        # The sessions, then the meeting's agenda items and which session takes which.
        ("day", 5),
        ("session", 4),
        ("session_ics", 5),
        ("programme_ics", 5),
        ("programme_json", 5),
        ("participants", 4),
        ("background", 2),
    ],
)
def test_query_count_does_not_grow_with_the_meeting(
    client, django_assert_num_queries, sized_meeting, page, queries
):
    session = Session.objects.filter(meeting=sized_meeting).first()
    args = {
        "day": [sized_meeting.start_date],
        "session": [session.pk],
        "session_ics": [session.pk],
    }.get(page, [])
    name = "programme" if page == "programme_filtered" else page
    url = reverse(f"agenda:meeting_{name}", args=[sized_meeting.slug, *args])
    if page == "programme_filtered":
        url += f"?item={session.items.get().agenda_item.number}"
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


def test_home_query_count_while_running(
    client, django_assert_num_queries, sized_meeting, frozen_now
):
    first = Session.objects.filter(meeting=sized_meeting).order_by("starts_at").first()
    frozen_now(first.starts_at + datetime.timedelta(minutes=5))
    with django_assert_num_queries(9):
        response = client.get(reverse("agenda:meeting_home", args=[sized_meeting.slug]))
    assert len(response.context["on_now"]) == 1
    assert len(response.context["up_next"]) == 1


def test_meetings_are_distinct(sized_meeting):
    assert Meeting.objects.filter(pk=sized_meeting.pk).exists()


# --- any meeting, in its own zone whatever the server's ---------------------------------------

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


def test_a_geneva_meeting_is_shown_in_geneva_time_named_after_its_city(
    client, geneva, server_time_zone
):
    session = SessionFactory(
        meeting=geneva,
        title="Opening",
        room=None,
        starts_at=datetime.datetime(2026, 7, 1, 10, tzinfo=ZURICH),
        ends_at=datetime.datetime(2026, 7, 1, 11, 30, tzinfo=ZURICH),
    )

    day = text(client.get("/meetings/geneva/agenda/2026-07-01/"))
    detail = text(client.get(f"/meetings/geneva/agenda/sessions/{session.pk}/"))
    data = client.get("/meetings/geneva/agenda.json").json()
    event = Calendar.from_ical(client.get("/meetings/geneva/agenda.ics").content).walk("VEVENT")[0]

    assert "All times are Geneva time." in day
    assert "Times are Geneva time." in day
    assert "10:00–11:30 Opening" in day
    assert "When Wednesday, 1 July 2026, 10:00–11:30 (Geneva time)" in detail
    assert data["sessions"][0]["starts_at"] == "2026-07-01T10:00:00+02:00"
    assert data["meeting"]["time_zone"] == "Europe/Zurich"
    assert event["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert event["DTSTART"].to_ical() == b"20260701T100000"
    assert event.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2026, 7, 1, 8, tzinfo=datetime.UTC
    )


def test_without_a_city_the_zone_is_named_after_the_tz_databases_city(client, geneva):
    Meeting.objects.filter(pk=geneva.pk).update(city="")

    assert "All times are Zurich time." in text(client.get("/meetings/geneva/agenda/"))


def test_a_session_across_the_spring_clock_change_keeps_its_local_hours(client, server_time_zone):
    # Summer time starts in Geneva on Sunday 29 March 2026 at 02:00 (UTC+1 → UTC+2).
    meeting = MeetingFactory(
        slug="spring",
        city="Geneva",
        time_zone="Europe/Zurich",
        start_date=datetime.date(2026, 3, 28),
        end_date=datetime.date(2026, 3, 30),
    )
    for day in (28, 30):
        SessionFactory(
            meeting=meeting,
            title=f"Session of the {day}th",
            room=None,
            starts_at=datetime.datetime(2026, 3, day, 10, tzinfo=ZURICH),
            ends_at=datetime.datetime(2026, 3, day, 12, tzinfo=ZURICH),
        )

    data = client.get("/meetings/spring/agenda.json").json()
    page = text(client.get("/meetings/spring/agenda/"))

    assert [s["starts_at"] for s in data["sessions"]] == [
        "2026-03-28T10:00:00+01:00",
        "2026-03-30T10:00:00+02:00",
    ]
    assert page.count("10:00–12:00") == 2


def test_the_1996_meeting_reads_the_same_with_the_server_in_utc(client, meeting, settings):
    settings.TIME_ZONE = "UTC"
    opening = Session.objects.get(meeting=meeting, title="Opening of the meeting")

    data = client.get("/agenda.json").json()
    detail = text(client.get(f"/agenda/sessions/{opening.pk}/"))

    assert data["sessions"][0]["starts_at"] == "1996-02-15T10:00:00-05:00"
    assert "Thursday, 15 February 1996, 10:00–11:00 (New York time)" in detail
    assert "All times are New York time." in detail


@pytest.fixture
def cached_site(settings):
    """The page cache on, any Host accepted (as behind a proxy that passes it on), and
    the links' origin configured apart from the test client's host."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://meetings.example.org"
    from django.core.cache import cache

    cache.clear()


def test_a_forged_host_never_reaches_the_feeds_links(client, meeting, cached_site):
    session = Session.objects.get(meeting=meeting, title="Opening of the meeting")
    forged = {"HTTP_HOST": "127.0.0.1:31337"}
    # The forged request comes first, so it is the one that renders and caches the feeds.
    first_json = client.get("/agenda.json", **forged)
    first_ics = client.get("/agenda.ics", **forged)
    for response in (first_json, first_ics, client.get("/agenda.json"), client.get("/agenda.ics")):
        assert response.status_code == 200
        assert b"31337" not in response.content
        assert b"testserver" not in response.content
    data = json.loads(client.get("/agenda.json").content)
    assert data["meeting"]["url"] == "https://meetings.example.org/"
    assert data["meeting"]["ics"] == "https://meetings.example.org/agenda.ics"
    assert data["sessions"][0]["url"].startswith("https://meetings.example.org/agenda/sessions/")
    calendar = Calendar.from_ical(client.get("/agenda.ics").content)
    urls = {str(event["URL"]) for event in calendar.walk("VEVENT")}
    assert f"https://meetings.example.org/agenda/sessions/{session.pk}/" in urls
    assert all(url.startswith("https://meetings.example.org/agenda/sessions/") for url in urls)
