"""The meeting's own words in the six official languages (django-modeltranslation): the
1996 meeting read in each, a meeting typed only in English shown in English and marked
lang="en", the admin editing every language on one page, the migration that kept the
organizations' hand-made translated names, and a seed that fills translations without
overwriting one."""

import datetime
import html
import importlib
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from agenda.models import AgendaItem, Room, Session
from agenda.seed import (
    MEETING_SLUG,
    OTHER_LANGUAGES,
    TRANSLATED_NAMES,
    TRANSLATIONS,
    load_meeting,
    seed_meeting,
)
from agenda.templatetags.agenda_site import lang_attr
from delegations.models import Delegation, Meeting, Official, Organization, Participant
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    SessionItemFactory,
)

pytestmark = pytest.mark.django_db

# The Secretary-General's title in each language, as the UN writes it.
SECRETARY_GENERAL = {
    "fr": "Secrétaire général",
    "es": "Secretario General",
    "ru": "Генеральный секретарь",
    "zh-hans": "秘书长",
    "ar": "الأمين العام",
}


@pytest.fixture
def seeded():
    meeting, _created = seed_meeting()
    return meeting


def page_text(response):
    """A page's markup, entities decoded, less the language switcher's buttons (each
    names its own language: lang="en" on "English")."""
    assert response.status_code == 200
    text = html.unescape(response.content.decode()).split("<body", 1)[1]
    return re.sub(r'<button[^>]*name="language".*?</button>', "", text, flags=re.S)


def english_with_a_translation(language):
    """Every English text of the seed that has another text in ``language``."""
    index = OTHER_LANGUAGES.index(language)
    table = {**TRANSLATIONS, **TRANSLATED_NAMES}
    return sorted(english for english, texts in table.items() if texts[index] != english)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_1996_pages_show_no_english_where_a_translation_exists(client, seeded, language):
    session = Session.objects.get(meeting=seeded, title_en="Opening of the meeting")
    pages = {
        "programme": client.get("/agenda/", HTTP_ACCEPT_LANGUAGE=language),
        "day": client.get("/agenda/1996-02-15/", HTTP_ACCEPT_LANGUAGE=language),
        "session": client.get(f"/agenda/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE=language),
        "participants": client.get("/participants/", HTTP_ACCEPT_LANGUAGE=language),
    }
    index = OTHER_LANGUAGES.index(language)
    for name, response in pages.items():
        text = page_text(response)
        left = [english for english in english_with_a_translation(language) if english in text]
        assert left == [], (name, left)
        # Nothing fell back, so nothing is marked English.
        assert ' lang="en"' not in text, name
    programme = page_text(pages["programme"])
    for english in ("Lunch break", "Peace-building", "Opening of the meeting"):
        assert TRANSLATIONS[english][index] in programme
    session_page = page_text(pages["session"])
    assert TRANSLATIONS["Opening of the meeting"][index] in session_page
    assert TRANSLATIONS["Conference Room 4"][index] in session_page


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_participants_page_calls_a_secretary_general_by_the_un_title(client, seeded, language):
    text = page_text(client.get("/participants/", HTTP_ACCEPT_LANGUAGE=language))
    # Wilhelm Höynck, Secretary-General of the OSCE.
    row = re.search(r"Höynck.*?</td>", text, re.S).group(0)
    assert f'<span class="d-block" dir="auto">{SECRETARY_GENERAL[language]}</span>' in row
    index = OTHER_LANGUAGES.index(language)
    osce = TRANSLATED_NAMES["Organization for Security and Co-operation in Europe"][index]
    assert osce in text


def test_honorifics_as_each_language_writes_them(seeded):
    official = Official.objects.get(family_name="Höynck")
    shown = {}
    for language in ["en", *OTHER_LANGUAGES]:
        with translation.override(language):
            shown[language] = official.full_name
    assert shown == {
        "en": "H.E. Mr. Wilhelm Höynck",
        "fr": "S. E. M. Wilhelm Höynck",
        "es": "Excmo. Sr. Wilhelm Höynck",
        "ru": "Г-н Wilhelm Höynck",
        # Chinese writes the honorific after the name.
        "zh-hans": "Wilhelm Höynck先生阁下",
        "ar": "سعادة السيد Wilhelm Höynck",
    }
    with translation.override("fr"):
        assert Meeting.objects.get(slug=MEETING_SLUG).city == "New York"
    with translation.override("es"):
        meeting = Meeting.objects.get(slug=MEETING_SLUG)
        assert (meeting.city, meeting.venue) == ("Nueva York", "Sede de las Naciones Unidas")
        assert meeting.local_time_name.endswith("Nueva York")


@pytest.fixture
def english_only():
    """A meeting typed in English alone, published and current."""
    meeting = MeetingFactory(
        title="Regional Dialogue on Water",
        short_title="Water Dialogue",
        slug="water",
        venue="Palais des Nations",
        city="Geneva",
        time_zone="Europe/Zurich",
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2026, 7, 1),
        is_published=True,
        is_current=True,
    )
    room = RoomFactory(name="Room XVII")
    session = SessionFactory(
        meeting=meeting,
        title="Water and sanitation",
        room=room,
        starts_at=datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),
    )
    item = AgendaItemFactory(meeting=meeting, number=1, title="Shared rivers", description="")
    SessionItemFactory(session=session, agenda_item=item, order=1)
    organization = OrganizationFactory(name="Nile Basin Initiative", acronym="NBI")
    delegation = DelegationFactory(meeting=meeting, organization=organization)
    official = OfficialFactory(organization=organization, position="Executive Director")
    ParticipantFactory(delegation=delegation, official=official, role=Participant.Role.HEAD)
    return meeting, session


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_meeting_typed_in_english_shows_in_english_marked_as_english(
    client, english_only, language
):
    meeting, session = english_only
    programme = page_text(client.get("/agenda/", HTTP_ACCEPT_LANGUAGE=language))
    assert '<a class="site-brand" href="/" lang="en">Water Dialogue</a>' in programme
    assert '<p class="lead print-meeting-title" lang="en">Regional Dialogue on Water</p>' in (
        programme
    )
    assert f'href="/agenda/sessions/{session.pk}/" lang="en">Water and sanitation</a>' in (
        programme
    )
    page = page_text(client.get(f"/agenda/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE=language))
    assert '<h1 lang="en"><bdi>Water and sanitation</bdi></h1>' in page
    assert '?item=1" dir="auto" lang="en">Shared rivers</a>' in page
    participants = page_text(client.get("/participants/", HTTP_ACCEPT_LANGUAGE=language))
    assert re.search(r'<th scope="row" lang="en">\s*<bdi>Nile Basin Initiative', participants)
    assert '<span class="d-block" dir="auto" lang="en">Executive Director</span>' in participants


def test_the_same_pages_in_english_carry_no_lang_mark(client, english_only):
    _meeting, session = english_only
    for url in ["/agenda/", f"/agenda/sessions/{session.pk}/", "/participants/"]:
        text = page_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        assert ' lang="en"' not in text, url


def test_a_translation_typed_later_replaces_the_english_and_its_mark(client, english_only):
    _meeting, session = english_only
    Session.objects.filter(pk=session.pk).update(title_fr="Eau et assainissement")
    page = page_text(client.get(f"/agenda/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "<h1><bdi>Eau et assainissement</bdi></h1>" in page
    assert "Water and sanitation" not in page


def render_attr(instance, field):
    return Template("{% load agenda_site %}<h1{{ obj|lang_attr:field }}>").render(
        Context({"obj": instance, "field": field})
    )


def test_lang_attr_names_the_language_shown_when_it_is_not_the_pages():
    session = Session(title_en="Lunch break", title_fr="   ", title_ar="استراحة الغداء")
    with translation.override("en"):
        assert lang_attr(session, "title") == ""
    with translation.override("fr"):
        # Blank counts as empty: English is shown, and marked.
        assert lang_attr(session, "title") == ' lang="en"'
        assert render_attr(session, "title") == '<h1 lang="en">'
    with translation.override("ar"):
        assert lang_attr(session, "title") == ""
    only_french = Session(title_en="", title_fr="Pause déjeuner")
    with translation.override("en"):
        assert lang_attr(only_french, "title") == ' lang="fr"'
        assert only_french.title == "Pause déjeuner"
    with translation.override("zh-hans"):
        assert lang_attr(Session(title_en="x", title_zh_hans="午餐休息"), "title") == ""
        assert lang_attr(Session(title_en="x"), "title") == ' lang="en"'
    # A language outside the six reads English, unmarked only when it is English itself.
    with translation.override("de"):
        assert lang_attr(session, "title") == ' lang="en"'
    assert lang_attr(None, "title") == ""
    assert lang_attr(Session(), "title") == ""


def session_post(session, titles):
    local_start, local_end = session.local_start, session.local_end
    data = {
        "meeting": session.meeting_id,
        "kind": session.kind,
        "room": session.room_id or "",
        "starts_at_0": local_start.date().isoformat(),
        "starts_at_1": local_start.strftime("%H:%M"),
        "ends_at_0": local_end.date().isoformat(),
        "ends_at_1": local_end.strftime("%H:%M"),
        "chair": "",
        "is_provisional": "on",
        "items-TOTAL_FORMS": 0,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    data.update({f"title_{code}": text for code, text in titles.items()})
    return data


TITLES = {
    "en": "Water and sanitation",
    "fr": "Eau et assainissement",
    "es": "Agua y saneamiento",
    "ru": "Водоснабжение и санитария",
    "zh_hans": "水和卫生",
    "ar": "المياه والصرف الصحي",
}


def test_the_admin_edits_a_sessions_six_titles_on_one_page(secretariat_client, geneva):
    session = SessionFactory(
        meeting=geneva,
        title="Water and sanitation",
        starts_at=datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),
    )
    url = reverse("admin:agenda_session_change", args=[session.pk])
    body = secretariat_client.get(url).content.decode()
    for code in TITLES:
        assert f'name="title_{code}"' in body
    assert 'name="title"' not in body
    # The admin brings no script from elsewhere for the translated fields.
    assert "ajax.googleapis.com" not in body

    response = secretariat_client.post(url, session_post(session, TITLES))
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert {code: getattr(session, f"title_{code}") for code in TITLES} == TITLES
    with translation.override("ru"):
        assert session.title == "Водоснабжение и санитария"
    # The history keeps every language of the change.
    record = session.history.latest()
    assert record.title_ar == "المياه والصرف الصحي"


def test_the_admin_needs_the_english_title(secretariat_client, geneva):
    session = SessionFactory(
        meeting=geneva,
        starts_at=datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),
    )
    url = reverse("admin:agenda_session_change", args=[session.pk])
    response = secretariat_client.post(url, session_post(session, {**TITLES, "en": ""}))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title_en"] == ["This field is required."]


def test_two_organizations_without_a_french_name_and_one_french_name_each(secretariat_client):
    first = OrganizationFactory(name="Andean Community", acronym="CAN")
    second = OrganizationFactory(name="Arab Maghreb Union", acronym="AMU")
    assert first.name_fr is None and second.name_fr is None
    url = reverse("admin:delegations_organization_change", args=[second.pk])
    data = {
        "name_en": "Arab Maghreb Union",
        "name_fr": "",
        "acronym": "AMU",
        "kind": "regional",
        "headquarters": "",
        "sort_name": "",
        "officials-TOTAL_FORMS": 0,
        "officials-INITIAL_FORMS": 0,
        "officials-MIN_NUM_FORMS": 0,
        "officials-MAX_NUM_FORMS": 1000,
    }
    assert secretariat_client.post(url, data).status_code == 302
    second.refresh_from_db()
    assert second.name_fr is None
    Organization.objects.filter(pk=first.pk).update(name_fr="Union du Maghreb arabe")
    response = secretariat_client.post(url, {**data, "name_fr": "Union du Maghreb arabe"})
    assert response.status_code == 200
    assert "name_fr" in response.context["adminform"].form.errors


def test_the_admin_finds_an_organization_by_its_name_in_any_language(secretariat_client):
    OrganizationFactory(name="League of Arab States", name_ar="جامعة الدول العربية")
    url = reverse("admin:delegations_organization_changelist")
    response = secretariat_client.get(url, {"q": "جامعة"})
    assert [o.name_en for o in response.context["cl"].result_list] == ["League of Arab States"]


def test_the_organizations_sort_by_their_english_name_whoever_types_them():
    with translation.override("fr"):
        organization = Organization.objects.create(name_en="European Union", name_fr="Union")
    assert organization.sort_name == "european union"


# The migration that replaced the hand-made name_fr … name_ar.


def state_apps(app_label, migration):
    executor = MigrationExecutor(connection)
    return executor.loader.project_state((app_label, migration)).apps


def test_the_migration_keeps_the_translated_names_and_fills_english():
    migration = importlib.import_module("delegations.migrations.0004_translated_content")
    apps = state_apps("delegations", "0004_translated_content")
    organization = apps.get_model("delegations", "Organization")
    rows = [
        organization.objects.create(
            name="League of Arab States",
            name_en=None,
            name_fr="Ligue des États arabes",
            name_ar="جامعة الدول العربية",
            name_es="",
            sort_name="league of arab states",
        ),
        organization.objects.create(
            name="European Union", name_en=None, name_fr="  ", sort_name="european union"
        ),
        # Already filled in English: left as it is.
        organization.objects.create(name="Old", name_en="New", sort_name="new"),
    ]
    meeting = apps.get_model("delegations", "Meeting").objects.create(
        title="A meeting",
        short_title="Meeting",
        slug="m",
        venue="Geneva",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 1, 1),
    )
    migration.forwards(apps, None)
    values = {
        row.pk: row
        for row in organization.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
    }
    league, union, old = (values[r.pk] for r in rows)
    assert (league.name_en, league.name_fr, league.name_ar) == (
        "League of Arab States",
        "Ligue des États arabes",
        "جامعة الدول العربية",
    )
    assert league.name_es is None
    assert (union.name_en, union.name_fr) == ("European Union", None)
    assert old.name_en == "New"
    meeting.refresh_from_db()
    assert (meeting.title_en, meeting.venue_en, meeting.title_fr) == ("A meeting", "Geneva", None)


def test_the_agenda_migration_fills_english_titles():
    migration = importlib.import_module("agenda.migrations.0003_translated_content")
    apps = state_apps("agenda", "0003_translated_content")
    room = apps.get_model("agenda", "Room").objects.create(name="Conference Room 4")
    migration.forwards(apps, None)
    room.refresh_from_db()
    assert (room.name_en, room.name_fr) == ("Conference Room 4", None)


# The seed.


def translation_columns():
    """Every translated column of every row the seed touches."""
    models = {
        Meeting: ["title", "short_title", "theme", "venue", "city", "background"],
        Organization: ["name"],
        Official: ["honorific", "position"],
        Delegation: ["representing"],
        Participant: ["representing"],
        Room: ["name", "location"],
        AgendaItem: ["title", "description"],
        Session: ["title", "notes"],
    }
    snapshot = {}
    for model, fields in models.items():
        columns = [
            f"{field}_{code}"
            for field in fields
            for code in ("en", "fr", "es", "ru", "zh_hans", "ar")
        ]
        snapshot[model.__name__] = sorted(model.objects.values_list("pk", *columns))
    return snapshot


def test_seeding_twice_changes_nothing():
    _meeting, created, filled = load_meeting()
    assert created and filled > 0
    before = translation_columns()
    history = Session.history.count()
    assert load_meeting()[1:] == (False, 0)
    assert translation_columns() == before
    assert Session.history.count() == history


def test_the_seed_never_overwrites_a_translation_and_fills_an_empty_one():
    meeting, _created = seed_meeting()
    lunch = Session.objects.filter(meeting=meeting, title_en="Lunch break")
    lunch.update(title_fr="Déjeuner", title_es="")
    official = Official.objects.get(family_name="Höynck")
    Official.objects.filter(pk=official.pk).update(position_en="Secretary General of the OSCE")
    Official.objects.filter(pk=official.pk).update(position_ru="")
    seed_meeting()
    assert set(lunch.values_list("title_fr", "title_es")) == {
        ("Déjeuner", "Pausa para el almuerzo")
    }
    official.refresh_from_db()
    # An edited English position has no known translation: the seed leaves it alone.
    assert official.position_ru == ""
    assert official.position_fr == "Secrétaire général"


def test_the_seed_writes_english_whatever_the_active_language():
    with translation.override("ar"):
        meeting, _created = seed_meeting()
    meeting.refresh_from_db()
    assert meeting.title_en.startswith("Second Meeting between the United Nations")
    assert meeting.title_ar.startswith("الاجتماع الثاني")
    assert Room.objects.get().name_en == "Conference Room 4"
