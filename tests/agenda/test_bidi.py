"""Each piece of data in its own direction: the rules (agenda.bidi), the seating plan's
SVG, and the Arabic PDFs read back with pypdfium2.

pdfium reads a page line by line across the table's columns, so the checks look at
pieces that sit whole on one line: a cell's first or last line, a running footer.
"""

import xml.etree.ElementTree as ET

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import translation

from agenda import bidi, services
from agenda.models import AgendaItem, Session
from agenda.seating import seating_plan
from agenda.seating_svg import seating_svg
from agenda.seed import seed_meeting
from delegations.models import Delegation, Organization
from tests.factories import english_only

pytestmark = pytest.mark.django_db

FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"
SVG = "{http://www.w3.org/2000/svg}"


def pdf_lines(content):
    """Every line of text of every page, as pdfium extracts it."""
    lines = []
    for page in pypdfium2.PdfDocument(content):
        lines += page.get_textpage().get_text_range().splitlines()
    return lines


# --- The rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H.E. Mr. Ivan M. Korotchenya", "ltr"),
        ("الأمين العام", "rtl"),
        ("(Mr.) الأمين", "ltr"),  # the first letter decides, punctuation does not
        ("«الأمين» Mr.", "rtl"),
        ("王毅", "ltr"),
        ("10:00–11:00", "ltr"),  # digits only: left to right in all six languages
        ("— ", ""),
        ("", ""),
    ],
)
def test_direction_is_the_first_strong_characters(text, expected):
    assert bidi.direction(text) == expected


def test_isolate_only_what_runs_against_the_language():
    with translation.override("ar"):
        assert bidi.isolate("Conference Room 4") == f"{FSI}Conference Room 4{PDI}"
        assert bidi.isolate("10:00–11:00") == f"{FSI}10:00–11:00{PDI}"
        assert bidi.isolate("قاعة المؤتمرات 4") == "قاعة المؤتمرات 4"
        assert bidi.isolate(f"{FSI}UN{PDI}") == f"{FSI}UN{PDI}"  # never twice
    with translation.override("en"):
        # English with Latin data stays byte for byte what it was.
        assert bidi.isolate("Conference Room 4") == "Conference Room 4"
        assert bidi.isolate("جامعة الدول العربية") == f"{FSI}جامعة الدول العربية{PDI}"
    assert bidi.isolate("جامعة", base="ltr") == f"{FSI}جامعة{PDI}"
    assert bidi.isolate(None) == ""


def test_isolated_html_sets_the_direction_against_the_page():
    with translation.override("ar"):
        assert bidi.isolated_html("H.E. Mr. <b>") == '<bdi dir="ltr">H.E. Mr. &lt;b&gt;</bdi>'
        assert bidi.isolated_html("الأمين العام") == "الأمين العام"
        assert bidi.isolated_html("") == ""
    with translation.override("en"):
        assert bidi.isolated_html("Ivan M. Korotchenya") == "Ivan M. Korotchenya"
        assert bidi.isolated_html("علاف") == '<bdi dir="rtl">علاف</bdi>'


def test_a_running_head_is_set_in_the_documents_direction():
    with translation.override("ar"):
        assert bidi.in_base_direction(f"{FSI}1. Opening{PDI} — بلا حد زمني") == (
            f"{RLM}{FSI}1. Opening{PDI} — بلا حد زمني"
        )
        assert bidi.in_base_direction("15–16 فبراير 1996") == "15–16 فبراير 1996"
    with translation.override("en"):
        assert bidi.in_base_direction("15–16 February 1996") == "15–16 February 1996"


# --- The 1996 meeting on paper, in Arabic --------------------------------------------------


@pytest.fixture
def meeting():
    # Typed in English only, so that the Arabic pages and papers carry Latin data.
    meeting = english_only(seed_meeting()[0])
    services.seating_draw(meeting=meeting, seed=1996)
    return meeting


def test_the_svg_isolates_right_to_left_labels_and_anchors_left_to_right(meeting):
    organization = Organization.objects.get(acronym="LAS")
    organization.acronym = ""
    organization.name = "جامعة الدول العربية"
    organization.save()

    plan = seating_plan(meeting)
    arabic = next(seat for seat in plan.seats if seat.name == "جامعة الدول العربية")
    root = ET.fromstring(seating_svg(plan))

    assert root.get("direction") == "ltr"
    labels = [text.text for text in root.iter(f"{SVG}text") if not text.text.isdigit()]
    # No acronym: the initials of the Arabic name, isolated; Latin labels as they were.
    assert bidi.direction(arabic.label) == "rtl"
    assert f"{FSI}{arabic.label}{PDI}" in labels
    assert "CIS" in labels


def test_the_arabic_seating_plan_keeps_latin_names_whole(desk_client, meeting):
    response = desk_client.get(
        reverse("desk:seating"), {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    lines = pdf_lines(response.content)
    text = "\n".join(lines)

    # A name in one line, with its punctuation where it belongs.
    assert any("H.E. Mr. Ivan M. Korotchenya" in line for line in lines)
    assert ".H.E. Mr" not in text
    # A name that wraps in the narrow column keeps its hyphen at the end of the first line.
    assert any(line.startswith("H.E. Mr. Boutros Boutros- ") for line in lines), text
    assert "-H.E. Mr. Boutros" not in text
    # The footer's English title (untranslated) does not begin with its own comma.
    footer = next(line for line in lines if "Second Meeting between" in line)
    assert footer.endswith("on cooperation in peacemaking,"), footer
    assert ",Second Meeting" not in footer


def test_the_arabic_speakers_list_keeps_latin_names_and_the_footer_whole(desk_client, meeting):
    item = AgendaItem.objects.get(meeting=meeting, number=1)
    for acronym in ("CIS", "EU"):
        delegation = Delegation.objects.get(meeting=meeting, organization__acronym=acronym)
        services.inscription_add(
            agenda_item=item, delegation=delegation, speaker=delegation.participants.first()
        )

    response = desk_client.get(
        reverse("desk:speakers", args=[1]), {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    lines = pdf_lines(response.content)

    assert any("H.E. Mr. Ivan M. Korotchenya" in line for line in lines)
    assert any("H.E. Mr. Francesco Paolo Fulci" in line for line in lines)
    footer = next(line for line in lines if "Second Meeting between" in line)
    assert footer.endswith("on cooperation in peacemaking,"), footer


def test_arabic_name_plates_keep_a_dotted_acronym_whole(desk_client, meeting):
    Organization.objects.filter(acronym="OAU").update(acronym="O.A.U.")

    response = desk_client.get(
        reverse("desk:name_plates"), {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    pages = [
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(response.content)
    ]
    plate = next(page for page in pages if "Organization of African Unity" in page)

    assert plate.splitlines().count("O.A.U.") == 2  # both faces of the card
    assert ".O.A.U" not in plate


def test_csv_cells_carry_no_isolates(desk_client, meeting):
    """A CSV cell is a paragraph of its own in a spreadsheet, which sets its direction from
    its first letter, and an Arabic name's "(LAS)" is a bracket pair the bidirectional
    algorithm keeps whole: isolates would add nothing there, and would break a search, a
    sort or a formula on the cell. So a CSV is the same bytes it was, in every language."""
    url = reverse("desk:credentials")
    # One name in Arabic (the rest left in English): a cell that mixes both directions.
    Organization.objects.filter(acronym="LAS").update(name_ar="جامعة الدول العربية")

    arabic = desk_client.get(url, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="ar").content
    english = desk_client.get(url, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en").content

    assert '"جامعة الدول العربية (LAS)"'.encode() in arabic
    assert b'"League of Arab States (LAS)"' in english
    assert FSI.encode() not in arabic + english
    assert PDI.encode() not in arabic + english


# --- The web pages, in Arabic ----------------------------------------------------------------


def test_the_arabic_session_page_isolates_its_data(client, meeting):
    session = Session.objects.get(meeting=meeting, title="Evolving patterns of cooperation")
    html = client.get(f"/agenda/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content
    html = html.decode()

    # The date with CLDR's Arabic comma, then the times kept left to right as one unit.
    assert (
        'الخميس، 15 فبراير 1996، <bdi dir="ltr"><time datetime="1996-02-15T11:00:00-05:00">'
        "11:00</time>–<time"
    ) in html
    assert "(بتوقيت نيويورك)" in html
    assert '<h1 lang="en"><bdi>Evolving patterns of cooperation</bdi></h1>' in html
    assert "<bdi>H.E. Mr. Boutros Boutros-Ghali</bdi>" in html


def test_the_arabic_participants_page_isolates_names_and_acronyms(client, meeting):
    html = client.get("/participants/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "<bdi>H.E. Mr. Ivan M. Korotchenya</bdi>" in html
    assert "<bdi>H.E. Mr. Francesco Paolo Fulci (Italy)</bdi>" in html
    assert "(<bdi>CIS</bdi>)" in html
