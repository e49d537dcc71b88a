"""The seating plan in protocol order, the draw by lot, and the name plates."""

import datetime
import random
import xml.etree.ElementTree as ET

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenda import documents, seating, services
from agenda.generate import generate_meeting
from agenda.models import SeatingDraw
from agenda.seating_svg import GAP, MARGIN, seating_svg
from agenda.seed import seed_meeting
from delegations.models import Delegation, Meeting, Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"

# The 1996 meeting's thirteen regional organizations in English alphabetical order (their
# protocol sort names: "organization for …" before "organization of …").
ALPHABETICAL_1996 = [
    "Association of South-East Asian Nations",
    "Caribbean Community",
    "Commonwealth of Independent States",
    "Commonwealth Secretariat",
    "Economic Community of West African States",
    "European Union",
    "League of Arab States",
    "North Atlantic Treaty Organization",
    "Organization for Security and Co-operation in Europe",
    "Organization of African Unity",
    "Organization of American States",
    "Organization of the Islamic Conference",
    "Western European Union",
]

# Worked by hand for seed 1996: random.Random(1996).choice over the thirteen names picks the
# tenth (index 9), the Organization of African Unity. The presiding officers first, then the
# alphabetical order from OAU, wrapping round after WEU to ASEAN.
EXPECTED_1996 = [
    "Secretary-General of the United Nations",
    "President of the General Assembly",
    "President of the Security Council",
    "Organization of African Unity",
    "Organization of American States",
    "Organization of the Islamic Conference",
    "Western European Union",
    "Association of South-East Asian Nations",
    "Caribbean Community",
    "Commonwealth of Independent States",
    "Commonwealth Secretariat",
    "Economic Community of West African States",
    "European Union",
    "League of Arab States",
    "North Atlantic Treaty Organization",
    "Organization for Security and Co-operation in Europe",
]

# What the drawing prints at each place: the acronym, or where there is none a short name
# (the Commonwealth Secretariat's initials: its full name, drawn along a radius, reached
# across the middle of the horseshoe).
LABELS_1996 = [
    "UN", "PGA", "PSC", "OAU", "OAS", "OIC", "WEU", "ASEAN", "CARICOM", "CIS",
    "CS", "ECOWAS", "EU", "LAS", "NATO", "OSCE",
]  # fmt: skip


@pytest.fixture
def meeting():
    meeting, _created = seed_meeting()
    return meeting


def test_the_seed_marks_the_presiding_officers(meeting):
    marked = Organization.objects.filter(presiding_order__isnull=False).order_by("presiding_order")
    assert [(o.acronym, o.kind, o.presiding_order) for o in marked] == [
        ("UN", "un", 1),
        ("PGA", "un", 2),
        ("PSC", "un", 3),
    ]


def test_the_draw_is_among_the_regional_organizations_in_alphabetical_order(meeting):
    names = [d.organization.name for d in services.seating_candidates(meeting)]
    assert names == ALPHABETICAL_1996


def test_a_draw_is_reproduced_from_its_recorded_seed(meeting, secretariat_user):
    draw = services.seating_draw(meeting=meeting, by=secretariat_user)
    draw.refresh_from_db()
    assert draw.candidates == 13
    assert draw.drawn_by == secretariat_user
    assert draw.table_shape == SeatingDraw.TableShape.HORSESHOE
    # The draw as documented: random.Random(seed) over the names in alphabetical order.
    again = random.Random(draw.seed).choice(ALPHABETICAL_1996)
    assert draw.starting_organization.name == again
    candidates = services.seating_candidates(meeting)
    picked = services.seating_draw_pick(draw.seed, candidates)
    assert picked.organization == draw.starting_organization


def test_the_hand_worked_draw_for_seed_1996():
    assert random.Random(1996).choice(ALPHABETICAL_1996) == "Organization of African Unity"


def test_drawing_again_keeps_the_earlier_draws(meeting):
    first = services.seating_draw(meeting=meeting, seed=1996)
    second = services.seating_draw(
        meeting=meeting, seed=7, table_shape=SeatingDraw.TableShape.RECTANGLE
    )
    assert SeatingDraw.objects.filter(meeting=meeting).count() == 2
    assert SeatingDraw.objects.latest_for(meeting) == second
    first.refresh_from_db()
    assert first.starting_organization.acronym == "OAU"
    assert second.starting_organization.name == random.Random(7).choice(ALPHABETICAL_1996)
    assert seating.seating_plan(meeting).table_shape == "rectangle"


def test_the_1996_seating_order_for_seed_1996(meeting):
    services.seating_draw(meeting=meeting, seed=1996)
    plan = seating.seating_plan(meeting)
    assert [seat.name for seat in plan.seats] == EXPECTED_1996
    assert [seat.number for seat in plan.seats] == list(range(1, 17))
    assert [seat.presiding for seat in plan.seats] == [True] * 3 + [False] * 13
    assert plan.seats[0].head == "H.E. Mr. Boutros Boutros-Ghali"
    assert plan.seats[3].head == "H.E. Mr. Salim Ahmed Salim"
    assert [seat.seats_behind for seat in plan.seats] == [4] * 16


def test_without_a_draw_the_order_is_alphabetical_from_the_first_name(meeting):
    plan = seating.seating_plan(meeting)
    assert plan.draw is None
    assert [seat.name for seat in plan.floor] == ALPHABETICAL_1996


def test_a_withdrawn_drawn_delegation_falls_back_to_the_first_name(meeting):
    draw = services.seating_draw(meeting=meeting, seed=1996)
    Delegation.objects.filter(meeting=meeting, organization=draw.starting_organization).update(
        status=Delegation.Status.WITHDRAWN
    )
    plan = seating.seating_plan(meeting)
    assert plan.draw_stale is True
    assert [seat.name for seat in plan.floor] == [
        name for name in ALPHABETICAL_1996 if name != "Organization of African Unity"
    ]
    assert "no longer takes part" in documents.SeatingPlanSheet(meeting).subtitle


def test_the_conveners_own_delegation_sits_first_once(meeting):
    secretariat = Organization.objects.get(acronym="UN")
    Delegation.objects.create(meeting=meeting, organization=secretariat)
    services.seating_draw(meeting=meeting, seed=1996)
    names = [seat.name for seat in seating.seating_plan(meeting).seats]
    assert names == ["United Nations Secretariat", *EXPECTED_1996[1:]]


def test_nothing_to_draw_is_refused_with_a_message():
    empty = Meeting.objects.create(
        title="Empty",
        short_title="Empty",
        slug="empty",
        venue="Geneva",
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2030, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.seating_draw(meeting=empty)
    assert error.value.messages == [
        "No delegation takes part in Empty (2030): there is no name to draw."
    ]
    assert not SeatingDraw.objects.exists()


def places_in_svg(svg):
    root = ET.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if "place" in g.get("class", "").split()]
    return [(int(g.get("data-number")), g.get("class")) for g in groups]


def labels_in_svg(svg):
    root = ET.fromstring(svg)
    return [text.text for text in root.iter(f"{SVG}text") if text.text and not text.text.isdigit()]


def test_the_svg_shows_every_delegation_in_order(meeting):
    services.seating_draw(meeting=meeting, seed=1996)
    svg = seating_svg(seating.seating_plan(meeting))
    assert places_in_svg(svg) == [
        (1, "place presiding"),
        (2, "place presiding"),
        (3, "place presiding"),
    ] + [(number, "place") for number in range(4, 17)]
    assert labels_in_svg(svg) == LABELS_1996
    root = ET.fromstring(svg)
    # Four chairs behind each of the sixteen places (five seats per delegation).
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "behind"]) == 64


def test_a_rectangular_table(meeting):
    services.seating_draw(meeting=meeting, seed=1996, table_shape="rectangle")
    svg = seating_svg(seating.seating_plan(meeting))
    root = ET.fromstring(svg)
    assert "seating-rectangle" in root.get("class")
    path = next(root.iter(f"{SVG}path")).get("d")
    assert " A" not in path  # straight sides, no arc
    assert [n for n, _cls in places_in_svg(svg)] == list(range(1, 17))


def test_names_are_escaped_in_the_svg(meeting):
    Organization.objects.filter(acronym="EU").update(acronym="<b>&EU")
    svg = seating_svg(seating.seating_plan(meeting))
    assert "&lt;b&gt;&amp;EU" in svg
    assert "<b>" not in svg
    assert "<b>&EU" in labels_in_svg(svg)


def test_a_place_without_an_acronym_is_labelled_with_initials_inside_the_drawing(meeting):
    for shape in SeatingDraw.TableShape.values:
        services.seating_draw(meeting=meeting, seed=1996, table_shape=shape)
        root = ET.fromstring(seating_svg(seating.seating_plan(meeting)))
        _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
        table = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "table")
        table_top = float(table.get("transform").removeprefix("translate(0,").rstrip(")"))
        label = next(t for t in table.iter(f"{SVG}text") if t.text == "CS")
        x, y = float(label.get("x")), float(label.get("y")) + table_top
        assert 0 < x < width and 0 < y < height
        # Anchored inside the U, between its two arms, and short: it reads from the arm
        # inwards and stops well before the middle (its whole name reached across it).
        left, right = MARGIN + 60, MARGIN + 60 + GAP
        assert left < x < right
        assert len(label.text) <= seating.LABEL_LENGTH


def test_an_abbreviation_is_the_initials_of_the_main_words():
    assert seating.abbreviation("Commonwealth Secretariat") == "CS"
    assert seating.abbreviation("Association of South-East Asian Nations") == "ASEAN"
    assert seating.abbreviation("Holy See") == "Holy See"  # short enough to print whole
    assert all(
        len(seating.abbreviation(name)) <= seating.LABEL_LENGTH
        for name in ALPHABETICAL_1996 + ["The " * 20 + "End of a very long name"]
    )


def test_without_a_lot_the_paper_says_so_and_gives_no_admin_instructions(desk_client, meeting):
    response = desk_client.get(reverse("desk:seating"), {"format": "pdf"})
    text = " ".join(" ".join(t.split()) for _size, t in pdf_pages(response.content))
    assert "No lot drawn yet: alphabetical order from the first name." in text
    assert "Place 4, the first name in alphabetical order, is at their right" in text
    assert "drawn by lot" not in text
    assert "admin" not in text
    assert "initials" in text  # the legend explains the Commonwealth Secretariat's "CS"
    # The desk's page keeps the hint, in its toolbar, which does not print.
    html = desk_client.get(reverse("desk:seating")).content.decode()
    toolbar = html[html.index('<nav class="toolbar"') : html.index("</nav>")]
    assert "The secretariat draws the lot in the admin" in toolbar


def test_the_seating_page(desk_client, meeting):
    services.seating_draw(meeting=meeting, seed=1996)
    response = desk_client.get(reverse("desk:seating"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert "Lot drawn on" in body and "Organization of African Unity (seed 1996)" in body
    positions = [body.index(f"<td>{name}</td>") for name in EXPECTED_1996[3:]]
    assert positions == sorted(positions)
    assert ' style="' not in body  # the CSP allows no style attributes


def test_the_seating_csv(desk_client, meeting):
    services.seating_draw(meeting=meeting, seed=1996)
    response = desk_client.get(reverse("desk:seating"), {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == '"Place","Organization","Acronym","Head of delegation"'
    assert lines[4] == '"4","Organization of African Unity","OAU","H.E. Mr. Salim Ahmed Salim"'
    assert len(lines) == 17


def pdf_pages(content):
    document = pypdfium2.PdfDocument(content)
    return [
        (page.get_size(), page.get_textpage().get_text_range().replace("\r\n", "\n"))
        for page in document
    ]


def test_the_seating_pdf(desk_client, meeting):
    services.seating_draw(meeting=meeting, seed=1996)
    response = desk_client.get(reverse("desk:seating"), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    assert pages[0][0] == pytest.approx((612, 792), abs=1)
    text = " ".join(" ".join(t.split()) for _size, t in pages)
    # The drawing prints acronyms (initials where there is none); the table full names.
    assert text.count("Commonwealth Secretariat") == 1
    assert text.count("OAU") == 2
    text = text[text.index("Place Organization") :]  # the table under the drawing
    # A row: place, name, then the acronym (or, without one, the head of delegation).
    after = [*LABELS_1996[:10], "Chief Emeka Anyaoku", *LABELS_1996[11:]]
    positions = [
        text.index(f"{number} {name} {after[number - 1]}")
        for number, name in enumerate(EXPECTED_1996, start=1)
    ]
    assert positions == sorted(positions)
    assert "Page 2 of 2" in text  # the table in one piece on the second page


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_list_of_places_prints_in_one_piece(desk_client, meeting, paper):
    services.seating_draw(meeting=meeting, seed=1996)
    response = desk_client.get(reverse("desk:seating"), {"format": "pdf", "paper": paper})
    (_size, drawing), (_size, table) = pdf_pages(response.content)
    # The drawing and its legend on the first page, every place's row on the second (split,
    # a few rows were left under the legend).
    assert "Place Organization" not in drawing
    assert all(name in " ".join(table.split()) for name in EXPECTED_1996)


def test_the_name_plates_pdf(desk_client, meeting):
    services.seating_draw(meeting=meeting, seed=1996)
    response = desk_client.get(reverse("desk:name_plates"), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 16  # one tent card per place
    assert [size for size, _text in pages] == [pytest.approx((792, 612), abs=1)] * 16
    for (_size, text), name in zip(pages, EXPECTED_1996, strict=True):
        # The name on both faces of the card.
        assert " ".join(text.split()).count(name) == 2, name


def test_name_plates_on_a4(desk_client, meeting):
    response = desk_client.get(reverse("desk:name_plates"), {"format": "pdf", "paper": "a4"})
    pages = pdf_pages(response.content)
    assert len(pages) == 16
    assert pages[0][0] == pytest.approx((842, 595), abs=1)


@pytest.mark.parametrize("name", ["desk:seating", "desk:name_plates"])
def test_a_user_without_the_desk_right_is_refused(client, meeting, name):
    client.force_login(UserFactory(username="visitor"))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["desk:seating", "desk:name_plates"])
def test_anonymous_visitors_are_sent_to_the_login(client, meeting, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))


def test_the_secretariat_draws_from_the_admin(secretariat_client, meeting, secretariat_user):
    response = secretariat_client.post(
        reverse("admin:delegations_meeting_changelist"),
        {"action": "draw_seating_rectangle", "_selected_action": [meeting.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draw = SeatingDraw.objects.get()
    assert draw.drawn_by == secretariat_user
    assert draw.table_shape == "rectangle"
    assert draw.starting_organization.name == random.Random(draw.seed).choice(ALPHABETICAL_1996)
    assert f"the lot fell on {draw.starting_organization.name}" in response.content.decode()
    # The record of draws is read-only.
    assert (
        secretariat_client.get(reverse("admin:agenda_seatingdraw_changelist")).status_code == 200
    )
    change = reverse("admin:agenda_seatingdraw_change", args=[draw.pk])
    assert secretariat_client.get(change).status_code == 200  # read only
    assert secretariat_client.post(change, {"table_shape": "horseshoe"}).status_code == 403


def test_adding_a_draw_in_the_admin_draws_the_lot(secretariat_client, meeting, secretariat_user):
    response = secretariat_client.post(
        reverse("admin:agenda_seatingdraw_add"),
        {"meeting": meeting.pk, "table_shape": "horseshoe"},
    )
    assert response.status_code == 302
    draw = SeatingDraw.objects.get()
    assert draw.drawn_by == secretariat_user
    assert draw.starting_organization.name == random.Random(draw.seed).choice(ALPHABETICAL_1996)


def test_the_admin_refuses_a_draw_with_no_names(secretariat_client):
    empty = Meeting.objects.create(
        title="Empty",
        short_title="Empty",
        slug="empty",
        venue="Geneva",
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2030, 1, 1),
    )
    response = secretariat_client.post(
        reverse("admin:agenda_seatingdraw_add"),
        {"meeting": empty.pk, "table_shape": "horseshoe"},
    )
    assert response.status_code == 200
    assert "there is no name to draw" in response.content.decode()
    assert not SeatingDraw.objects.exists()


def test_staff_without_the_right_cannot_draw(client, meeting):
    clerk = UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)
    client.post(
        reverse("admin:delegations_meeting_changelist"),
        {"action": "draw_seating_horseshoe", "_selected_action": [meeting.pk]},
    )
    assert not SeatingDraw.objects.exists()


@pytest.mark.parametrize(
    ("organizations", "participants"), [(4, 20), (40, 200)], ids=["small", "10x"]
)
@pytest.mark.parametrize(
    ("name", "fmt"),
    [("desk:seating", "html"), ("desk:seating", "csv"), ("desk:name_plates", "html")],
)
def test_queries_do_not_grow_with_the_meeting(desk_client, organizations, participants, name, fmt):
    meeting = generate_meeting(
        organizations=organizations, participants=participants, days=1, seed=3, current=True
    )
    services.seating_draw(meeting=meeting, seed=5)
    with CaptureQueriesContext(connection) as queries:
        response = desk_client.get(reverse(name), {"format": fmt})
    assert response.status_code == 200
    # Session, user, permissions (one query), meeting, draw, convener, delegations and
    # their heads.
    assert len(queries) == 7


def test_a_large_delegation_shows_how_many_chairs_are_not_drawn(meeting):
    Delegation.objects.filter(meeting=meeting, organization__acronym="EU").update(seats_allowed=12)
    root = ET.fromstring(seating_svg(seating.seating_plan(meeting)))
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "more-chairs"] == ["+7"]
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "behind"]) == 64
