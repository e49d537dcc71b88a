"""The .ics and the JSON in the reader's language: ?lang= as the pages link them, else
Accept-Language; the same UIDs in every language; the page cache keeps languages apart."""

import json

import pytest
from django.core.cache import cache
from icalendar import Calendar

from agenda.models import Session
from agenda.seed import seed_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting, _created = seed_meeting()
    return meeting


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PAGE_CACHE = True
    cache.clear()


def events(response):
    return {
        str(event["uid"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")
    }


def working_session(meeting):
    return Session.objects.filter(meeting=meeting, kind=Session.Kind.WORKING).earliest("starts_at")


def test_the_ics_follows_the_lang_parameter_with_the_same_uids(client, meeting):
    session = working_session(meeting)
    uid = f"session-{session.pk}@meetingsite"

    english = events(client.get("/agenda.ics"))
    french = events(client.get("/agenda.ics", {"lang": "fr"}))
    arabic = events(client.get("/agenda.ics", {"lang": "ar"}))

    assert set(french) == set(english) == set(arabic)
    assert len(english) == Session.objects.filter(meeting=meeting).count()
    assert [str(c) for c in french[uid]["categories"].cats] == ["Séance de travail"]
    assert [str(c) for c in english[uid]["categories"].cats] == ["Working session"]
    assert "Points de l'ordre du jour : " in str(french[uid]["description"])
    assert "Présidence : " in str(french[uid]["description"])
    assert "بنود جدول الأعمال: " in str(arabic[uid]["description"])
    # Content in the meeting's own words, in the reader's language where it is translated.
    assert str(french[uid]["summary"]) == session.title_fr != session.title_en
    assert str(english[uid]["summary"]) == session.title_en


def test_a_sessions_ics_follows_accept_language_without_a_parameter(client, meeting):
    session = working_session(meeting)
    response = client.get(f"/agenda/sessions/{session.pk}.ics", HTTP_ACCEPT_LANGUAGE="es")
    (event,) = events(response).values()
    assert [str(c) for c in event["categories"].cats] == ["Sesión de trabajo"]
    assert str(event["uid"]) == f"session-{session.pk}@meetingsite"
    # The parameter wins over the browser's language.
    response = client.get(
        f"/agenda/sessions/{session.pk}.ics", {"lang": "ru"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    (event,) = events(response).values()
    assert [str(c) for c in event["categories"].cats] == ["Рабочее заседание"]


def test_the_json_in_arabic(client, meeting):
    data = json.loads(client.get("/agenda.json", {"lang": "ar"}).content)
    english = json.loads(client.get("/agenda.json").content)

    assert data["language"] == "ar"
    assert english["language"] == "en"
    kinds = {session["kind"]: session["kind_label"] for session in data["sessions"]}
    assert kinds["working"] == "جلسة عمل"
    assert [s["id"] for s in data["sessions"]] == [s["id"] for s in english["sessions"]]


def test_an_unknown_language_falls_back_to_the_browsers(client, meeting):
    data = json.loads(
        client.get("/agenda.json", {"lang": "xx-nowhere"}, HTTP_ACCEPT_LANGUAGE="fr").content
    )
    assert data["language"] == "fr"


def test_the_cache_never_serves_one_language_for_another(client, meeting, page_cache):
    french = client.get("/agenda.json", {"lang": "fr"})
    assert json.loads(french.content)["language"] == "fr"
    assert french["Content-Language"] == "fr"
    # The same URL without the parameter, then with another, then again: each its own.
    assert json.loads(client.get("/agenda.json").content)["language"] == "en"
    assert json.loads(client.get("/agenda.json", {"lang": "ar"}).content)["language"] == "ar"
    again = client.get("/agenda.json", {"lang": "fr"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert json.loads(again.content)["language"] == "fr"
    assert again.content == french.content
    browser = client.get("/agenda.json", HTTP_ACCEPT_LANGUAGE="ar")
    assert json.loads(browser.content)["language"] == "ar"


def test_the_pages_link_the_feeds_in_their_language(client, meeting):
    session = working_session(meeting)
    page = client.get(f"/agenda/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'href="/agenda.ics?lang=zh-hans"' in html
    assert 'href="/agenda.json?lang=zh-hans"' in html
    assert f'href="/agenda/sessions/{session.pk}.ics?lang=zh-hans"' in html
