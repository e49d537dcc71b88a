"""The interface in the six official languages of the United Nations: every page renders in
each, Arabic right to left, dates in each language's conventions, complete catalogues and
organization names in the reader's language."""

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from agenda.documents import organization_label
from agenda.models import Session
from agenda.seed import seed_meeting
from agenda.templatetags.agenda_site import long_date
from delegations import services
from delegations.models import Delegation, Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "ru", "zh-hans", "ar"]
# Catalogues translated so far (locale directory names).
CATALOGUES = ["fr", "es", "ru", "zh_Hans", "ar"]
RTL_CSS = "bootstrap/css/bootstrap.rtl.min.css"
LTR_CSS = "bootstrap/css/bootstrap.min.css"


@pytest.fixture
def meeting():
    meeting, _ = seed_meeting()
    return meeting


def public_urls(meeting):
    session = Session.objects.filter(meeting=meeting).order_by("starts_at").first()
    return [
        "/",
        "/agenda/",
        f"/agenda/{meeting.start_date.isoformat()}/",
        f"/agenda/sessions/{session.pk}/",
        "/participants/",
        "/background/",
        "/meetings/",
        f"/meetings/{meeting.slug}/",
    ]


def desk_urls(meeting):
    session = Session.objects.filter(meeting=meeting).order_by("starts_at").first()
    return [
        reverse("desk:index"),
        reverse("desk:documents"),
        reverse("desk:sign_in_session", args=[session.pk]),
        reverse("desk:sign_in_day", args=[meeting.start_date.isoformat()]),
        reverse("desk:participants"),
        reverse("desk:attendance"),
        reverse("desk:badges"),
    ]


def html_tag(body):
    return re.search(r"<html[^>]*>", body).group(0)


def assert_in_language(response, language):
    assert response.status_code == 200
    body = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert html_tag(body) == f'<html lang="{language}" dir="{direction}">'
    assert response["Content-Language"] == language
    return body


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_renders_in_each_language(client, meeting, language):
    for url in public_urls(meeting):
        body = assert_in_language(client.get(url, HTTP_ACCEPT_LANGUAGE=language), language)
        # Bootstrap's right-to-left stylesheet for Arabic only, the left-to-right one otherwise.
        assert (RTL_CSS in body) == (language == "ar"), url
        assert (LTR_CSS in body) == (language != "ar"), url


@pytest.mark.parametrize("language", LANGUAGES)
def test_registration_pages_render_in_each_language(client, meeting, language):
    delegation = Delegation.objects.filter(meeting=meeting).first()
    token = services.link_issue(delegation=delegation)
    for name in ["register", "decline"]:
        url = reverse(f"registration:{name}", args=[token])
        body = assert_in_language(client.get(url, HTTP_ACCEPT_LANGUAGE=language), language)
        assert (RTL_CSS in body) == (language == "ar")


@pytest.mark.parametrize("language", LANGUAGES)
def test_desk_pages_and_printed_documents_render_in_each_language(desk_client, meeting, language):
    for url in [reverse("desk:login"), *desk_urls(meeting)]:
        assert_in_language(desk_client.get(url, HTTP_ACCEPT_LANGUAGE=language), language)


def test_switcher_names_each_language_in_that_language(client, meeting):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    buttons = re.findall(r'value="([a-z-]+)" lang="[a-z-]+"[^>]*>([^<]+)</button>', body)
    assert buttons == [
        ("en", "English"),
        ("fr", "Français"),
        ("es", "Español"),
        ("ru", "Русский"),
        ("zh-hans", "简体中文"),
        ("ar", "العربيّة"),
    ]


def test_switching_to_arabic_with_the_switcher(client, meeting):
    response = client.get("/language/", {"language": "ar", "next": "/agenda/"})
    assert response["Location"] == "/agenda/"
    body = assert_in_language(client.get("/agenda/"), "ar")
    assert "البرنامج" in body


# CLDR's full dates (meetingsite.dates): Russian writes the weekday in lower case and a
# narrow no-break space before "г."; Chinese sets the weekday close.
LONG_DATES = {
    "en": "Thursday, 15 February 1996",
    "fr": "jeudi 15 février 1996",
    "es": "jueves, 15 de febrero de 1996",
    "ru": "четверг, 15 февраля 1996\u202fг.",
    "zh-hans": "1996年2月15日星期四",
    "ar": "الخميس، 15 فبراير 1996",
}


@pytest.mark.parametrize(
    "language",
    [code for code in LANGUAGES if code == "en" or translation.to_locale(code) in CATALOGUES],
)
def test_long_dates_follow_each_language(language):
    with translation.override(language):
        assert long_date(datetime.date(1996, 2, 15)) == LONG_DATES[language]


PROGRAMME = {"es": "Programa", "ru": "Программа", "zh_Hans": "日程", "ar": "البرنامج"}


@pytest.mark.parametrize("language", [code for code in CATALOGUES if code != "fr"])
def test_programme_page_is_translated_with_localized_dates(client, meeting, language):
    code = translation.to_language(language)
    body = client.get("/agenda/", HTTP_ACCEPT_LANGUAGE=code).content.decode()
    assert f"<h1>{PROGRAMME[language]}</h1>" in body
    assert LONG_DATES[code] in body


@pytest.mark.parametrize("language", CATALOGUES)
def test_catalogue_is_complete(language):
    catalogue = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert len(catalogue.translated_entries()) == len(catalogue) > 400
    plurals = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
    for entry in catalogue:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(plurals)), entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", CATALOGUES)
def test_catalogues_keep_every_placeholder(language):
    catalogue = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")
    for entry in catalogue:
        if "date" in (entry.msgctxt or "") or "time" in (entry.msgctxt or ""):
            continue
        if entry.msgid_plural:
            # A form may leave out the number ("one organization"), never add a placeholder.
            allowed = set(placeholder.findall(entry.msgid + entry.msgid_plural))
            for translated in entry.msgstr_plural.values():
                assert set(placeholder.findall(translated)) <= allowed, (entry.msgid, translated)
        else:
            expected = sorted(set(placeholder.findall(entry.msgid)))
            assert sorted(set(placeholder.findall(entry.msgstr))) == expected, entry.msgid


def test_organization_name_in_the_active_language_falls_back_to_english():
    organization = OrganizationFactory(
        name="League of Arab States",
        acronym="LAS",
        name_fr="Ligue des États arabes",
        name_ar="جامعة الدول العربية",
    )
    shown = {}
    for language in LANGUAGES:
        with translation.override(language):
            shown[language] = organization.display_name
    assert shown == {
        "en": "League of Arab States",
        "fr": "Ligue des États arabes",
        "es": "League of Arab States",
        "ru": "League of Arab States",
        "zh-hans": "League of Arab States",
        "ar": "جامعة الدول العربية",
    }
    with translation.override("ar"):
        assert organization_label(organization) == "جامعة الدول العربية (LAS)"


def test_blank_translated_name_falls_back_to_english():
    organization = OrganizationFactory(name="European Union", name_fr="   ")
    assert organization.name_in("fr") == "European Union"
    assert organization.name_in("de") == "European Union"


def test_seeded_organizations_have_their_french_names(meeting):
    names = dict(Organization.objects.values_list("name", "name_fr"))
    assert names["North Atlantic Treaty Organization"] == (
        "Organisation du Traité de l'Atlantique Nord"
    )
    assert names["League of Arab States"] == "Ligue des États arabes"
    assert names["Organization of African Unity"] == "Organisation de l'unité africaine"
    assert names["Organization of American States"] == "Organisation des États américains"


def test_participants_page_and_printed_list_show_translated_names(client, desk_client, meeting):
    public = client.get("/participants/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ligue des États arabes" in public
    assert "League of Arab States" not in public
    printed = desk_client.get(reverse("desk:participants"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ligue des États arabes (LAS)" in printed.content.decode()
    english = client.get("/participants/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "League of Arab States" in english


def test_admin_edits_the_translated_names(secretariat_client):
    organization = OrganizationFactory(name="Commonwealth of Independent States", acronym="CIS")
    url = reverse("admin:delegations_organization_change", args=[organization.pk])
    body = secretariat_client.get(url).content.decode()
    for field in ["name_fr", "name_es", "name_ru", "name_zh_hans", "name_ar"]:
        assert f'name="{field}"' in body


@pytest.mark.parametrize(
    "language, head, count",
    [
        ("es", "Jefe de delegación", "Participan 15 organizaciones"),
        ("ru", "Глава делегации", "Участвуют 15 организаций"),
        ("zh-hans", "代表团团长", "15 个组织参加会议"),
        ("ar", "رئيس الوفد", "تشارك 15 منظمة"),
    ],
)
def test_participants_page_speaks_each_language(client, meeting, language, head, count):
    body = client.get("/participants/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<th scope="col">{head}</th>' in body
    assert count in body
