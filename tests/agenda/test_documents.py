import csv
import ctypes
import datetime
import io
import itertools
import re

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from django.core.management import call_command
from django.http import Http404
from django.urls import get_resolver, reverse
from django.utils import translation
from django.utils.formats import date_format

from agenda import desk, documents, rendering
from agenda.models import Attendance
from agenda.rendering import css_string, neutralise, page_counter_css
from agenda.services import participants_version_issue
from delegations.models import Delegation, Meeting, Participant
from tests.agenda.desk_data import build_meeting, checked_in, working_sessions
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LETTER = (612, 792)  # points
A4 = (595, 842)


@pytest.fixture
def meeting():
    return build_meeting(delegations=2, members=2, sessions=2)


def pdf_pages(content):
    """Text of each page of a PDF, and each page's size in points."""
    document = pypdfium2.PdfDocument(content)
    pages = []
    for page in document:
        text = page.get_textpage().get_text_bounded()
        # Cells wrap long names over lines: compare words, not line breaks.
        pages.append((" ".join(text.split()), tuple(round(x) for x in page.get_size())))
    return pages


def pdf_fonts(content):
    """The font each character of the PDF is drawn with, by character."""
    fonts = {}
    for page in pypdfium2.PdfDocument(content):
        textpage = page.get_textpage()
        for index in range(textpage.count_chars()):
            name = ctypes.create_string_buffer(256)
            flags = ctypes.c_int()
            pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, 256, ctypes.byref(flags))
            fonts[chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))] = name.value.decode()
    return fonts


def csv_rows(content):
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def cells(html, table_class):
    """The text of each row's cells in the HTML table of class ``table_class``."""
    table = re.search(rf'<table class="{table_class}">(.*?)</table>', html, re.S).group(1)
    body = table.split("</thead>", 1)[-1]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def in_order(text, names):
    positions = [text.index(name) for name in names]
    return positions == sorted(positions)


# --- Sign-in sheet ---------------------------------------------------------------------------


def test_sign_in_sheet_csv_lists_every_expected_participant(desk_client, meeting):
    session = working_sessions(meeting)[0]

    response = desk_client.get(
        reverse("desk:sign_in_session", args=[session.pk]), {"format": "csv"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{meeting.slug}-sign-in-1996-02-15-1000.csv"'
    )
    assert csv_rows(response.content) == [
        ["No.", "Organization", "Name", "Position"],
        ["1", "Organization 0000 (O0000)", "H.E. Mr. Given0 Family0000", "Secretary-General"],
        ["2", "Organization 0000 (O0000)", "H.E. Mr. Given1 Family0000", "Adviser"],
        ["3", "Organization 0001 (O0001)", "H.E. Mr. Given0 Family0001", "Secretary-General"],
        ["4", "Organization 0001 (O0001)", "H.E. Mr. Given1 Family0001", "Adviser"],
    ]


def test_sign_in_sheet_html_has_a_signature_column_and_walk_in_rows(desk_client, meeting):
    session = working_sessions(meeting)[0]

    response = desk_client.get(reverse("desk:sign_in_session", args=[session.pk]))

    html = response.content.decode()
    assert html.count('<td class="signature"></td>') == 4 + 8
    assert html.count('<tr class="walk-in">') == 8
    assert '<td class="number">12</td>' in html
    assert "thead { display: table-header-group; }" in html
    assert "break-inside: avoid" in html
    assert "size: letter;" in html


def test_sign_in_sheet_pdf_reads_right_on_letter_paper(desk_client, meeting):
    session = working_sessions(meeting)[0]

    response = desk_client.get(
        reverse("desk:sign_in_session", args=[session.pk]), {"format": "pdf"}
    )

    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text, size = pages[0]
    assert size == LETTER
    assert "Sign-in sheet" in text
    # The date as the public pages write it (long_date).
    assert "Session 1 — Thursday, 15 February 1996, 10:00–12:00" in text
    assert meeting.title in text
    assert "Page 1 of 1" in text
    assert in_order(
        text,
        [
            "H.E. Mr. Given0 Family0000",
            "H.E. Mr. Given1 Family0000",
            "H.E. Mr. Given0 Family0001",
            "H.E. Mr. Given1 Family0001",
        ],
    )


def test_sign_in_sheet_prints_on_a4_on_request(desk_client, meeting):
    session = working_sessions(meeting)[0]

    response = desk_client.get(
        reverse("desk:sign_in_session", args=[session.pk]), {"format": "pdf", "paper": "a4"}
    )

    assert [size for _text, size in pdf_pages(response.content)] == [A4]


def test_long_sign_in_sheet_repeats_title_header_and_page_numbers(desk_client):
    meeting = build_meeting(delegations=30, members=2, sessions=1)
    session = working_sessions(meeting)[0]

    response = desk_client.get(
        reverse("desk:sign_in_session", args=[session.pk]), {"format": "pdf"}
    )

    pages = pdf_pages(response.content)
    # 60 rows and 8 walk-ins, 20 rows 32pt tall a page (room to sign; WeasyPrint made them
    # 38pt, its 32pt and the padding): four pages.
    assert len(pages) == 4
    for number, (text, _size) in enumerate(pages, start=1):
        assert "Sign-in sheet" in text
        assert "No. Organization Name Position Signature" in text
        assert f"Page {number} of 4" in text
    everyone = "".join(text for text, _size in pages)
    names = [f"H.E. Mr. Given{m} Family{d:04d}" for d in range(30) for m in range(2)]
    assert in_order(everyone, names)
    # No row is split across two pages: every name is whole on one page.
    assert all(sum(name in text for text, _size in pages) == 1 for name in names)


def char_box(page, text):
    """The box (left, bottom, right, top), in points, of the first character of ``text``."""
    textpage = page.get_textpage()
    index, _count = textpage.search(text, match_case=True).get_next()
    return textpage.get_charbox(index)


@pytest.mark.parametrize(("paper", "size"), [("letter", LETTER), ("a4", A4)])
def test_the_signature_column_is_a_third_of_the_width_and_rows_are_tall(
    desk_client, meeting, paper, size
):
    session = working_sessions(meeting)[0]
    response = desk_client.get(
        reverse("desk:sign_in_session", args=[session.pk]), {"format": "pdf", "paper": paper}
    )

    page = pypdfium2.PdfDocument(response.content)[0]
    margin = 0.6 * 72  # the page's left and right margins (templates/documents/base.html)
    width = size[0] - 2 * margin
    padding = 4  # a cell's padding before its heading (templates/documents/_print.css)
    column = size[0] - margin - (char_box(page, "Signature")[0] - padding)
    assert width / 3 - 1 <= column <= width / 2
    # The table stays within the margins: the position heading is left of the signature's.
    assert char_box(page, "Position")[0] < char_box(page, "Signature")[0]
    # One row to the next (the numbers in the first column): room to sign, 11 mm at least.
    textpage = page.get_textpage()
    tops = sorted(
        {
            round(textpage.get_charbox(index)[3])
            for index in range(textpage.count_chars())
            if textpage.get_text_range(index, 1).isdigit()
            # Right-aligned in the first column (5% and its padding), clear of the names.
            and textpage.get_charbox(index)[2] < margin + 0.05 * width + 3 * padding
        },
        reverse=True,
    )
    # The digits of one number ("10") may differ by a point in the tops of their glyphs.
    tops = [top for top, below in itertools.zip_longest(tops, tops[1:]) if below != top - 1]
    assert len(tops) == 4 + 8
    assert all(upper - lower >= 31 for upper, lower in itertools.pairwise(tops))


@pytest.mark.parametrize("delegations", range(5, 13))
def test_walk_in_rows_never_stand_alone_on_a_page(desk_client, delegations):
    meeting = build_meeting(delegations=delegations, members=2, sessions=1)
    session = working_sessions(meeting)[0]
    response = desk_client.get(
        reverse("desk:sign_in_session", args=[session.pk]), {"format": "pdf"}
    )

    pages = pdf_pages(response.content)
    listed = delegations * 2
    # A page's text: the title and date, the table's head, its rows, then the meeting's
    # title and the page number at the foot.
    tables = [text.split("Signature", 1)[1].split(meeting.title, 1)[0] for text, _ in pages]
    # The last page carries the last listed delegate as well as every walk-in row.
    assert f"H.E. Mr. Given1 Family{delegations - 1:04d}" in tables[-1]
    walk_ins = [str(number) for number in range(listed + 1, listed + 9)]
    assert tables[-1].split()[-8:] == walk_ins
    assert all(walk_in not in table.split() for table in tables[:-1] for walk_in in walk_ins)


def test_sign_in_sheet_of_a_day(desk_client, meeting):
    response = desk_client.get(reverse("desk:sign_in_day", args=["1996-02-16"]), {"format": "pdf"})

    text = pdf_pages(response.content)[0][0]
    assert "Friday, 16 February 1996" in text
    assert desk_client.get(reverse("desk:sign_in_day", args=["1996-02-17"])).status_code == 404
    assert desk_client.get(reverse("desk:sign_in_day", args=["tomorrow"])).status_code == 404


def test_unknown_format_is_not_found_and_unknown_paper_is_letter(desk_client, meeting):
    url = reverse("desk:participants")

    assert desk_client.get(url, {"format": "docx"}).status_code == 404
    assert "size: letter;" in desk_client.get(url, {"paper": "legal"}).content.decode()


# --- List of participants --------------------------------------------------------------------


@pytest.fixture
def eu(meeting):
    """The European Union, first in protocol order, with a head, an alternate and an adviser."""
    organization = OrganizationFactory(name="European Union", acronym="EU")
    delegation = DelegationFactory(
        meeting=meeting,
        organization=organization,
        status=Delegation.Status.ACCREDITED,
        protocol_order=1,
        representing="The presidency of the European Union",
    )
    for role, family in (
        (Participant.Role.ADVISER, "Aardvark"),
        (Participant.Role.HEAD, "Fulci"),
        (Participant.Role.ALTERNATE, "Zweig"),
    ):
        ParticipantFactory(
            delegation=delegation,
            official=OfficialFactory(
                organization=organization,
                given_name="Francesco" if family == "Fulci" else "Anna",
                family_name=family,
                position="Permanent Representative",
                email=f"{family.lower()}@example.org",
                phone="+1 212 555 0199",
            ),
            role=role,
            representing="European Commission" if family == "Zweig" else "",
        )
    return delegation


def test_participants_list_in_protocol_order_head_first(desk_client, eu):
    response = desk_client.get(reverse("desk:participants"), {"format": "csv"})

    assert csv_rows(response.content) == [
        ["Organization", "Role", "Name", "Position", "Representing"],
        [
            "European Union (EU)",
            "Head of delegation",
            "H.E. Mr. Francesco Fulci",
            "Permanent Representative",
            "The presidency of the European Union",
        ],
        [
            "European Union (EU)",
            "Alternate",
            "H.E. Mr. Anna Zweig",
            "Permanent Representative",
            "European Commission",
        ],
        [
            "European Union (EU)",
            "Adviser",
            "H.E. Mr. Anna Aardvark",
            "Permanent Representative",
            "The presidency of the European Union",
        ],
        [
            "Organization 0000 (O0000)",
            "Head of delegation",
            "H.E. Mr. Given0 Family0000",
            "Secretary-General",
            "",
        ],
        ["Organization 0000 (O0000)", "Adviser", "H.E. Mr. Given1 Family0000", "Adviser", ""],
        [
            "Organization 0001 (O0001)",
            "Head of delegation",
            "H.E. Mr. Given0 Family0001",
            "Secretary-General",
            "",
        ],
        ["Organization 0001 (O0001)", "Adviser", "H.E. Mr. Given1 Family0001", "Adviser", ""],
    ]


def test_participants_list_pdf_and_html_show_notes_but_never_contact_details(desk_client, eu):
    url = reverse("desk:participants")
    html = desk_client.get(url).content.decode()
    pdf = desk_client.get(url, {"format": "pdf"}).content
    text = "".join(page for page, _size in pdf_pages(pdf))
    csv_text = desk_client.get(url, {"format": "csv"}).content.decode("utf-8-sig")

    assert "Representing: The presidency of the European Union" in html
    assert "Representing: European Commission" in html
    assert in_order(
        text,
        [
            "European Union (EU)",
            "H.E. Mr. Francesco Fulci",
            "H.E. Mr. Anna Zweig",
            "H.E. Mr. Anna Aardvark",
            "Organization 0000 (O0000)",
            "Organization 0001 (O0001)",
        ],
    )
    for output in (html, text, csv_text):
        assert "@example.org" not in output
        assert "555 0" not in output


def test_participants_list_leaves_out_declined_delegations_and_cancelled_people(
    desk_client, meeting, eu
):
    Participant.objects.filter(official__family_name="Zweig").update(
        status=Participant.Status.CANCELLED
    )
    Delegation.objects.filter(organization__acronym="O0001").update(
        status=Delegation.Status.DECLINED
    )

    rows = csv_rows(desk_client.get(reverse("desk:participants"), {"format": "csv"}).content)

    assert [row[2] for row in rows[1:]] == [
        "H.E. Mr. Francesco Fulci",
        "H.E. Mr. Anna Aardvark",
        "H.E. Mr. Given0 Family0000",
        "H.E. Mr. Given1 Family0000",
    ]


def test_non_latin_names_come_through_the_pdf(desk_client, meeting):
    organization = OrganizationFactory(name="Лига арабских государств", acronym="")
    delegation = DelegationFactory(meeting=meeting, organization=organization, status="accredited")
    for family in ("علاف", "Корочення", "王毅"):
        ParticipantFactory(
            delegation=delegation,
            official=OfficialFactory(
                organization=organization, honorific="", given_name="", family_name=family
            ),
        )

    pdf = desk_client.get(reverse("desk:participants"), {"format": "pdf"}).content

    text = "".join(page for page, _size in pdf_pages(pdf))
    for name in ("Лига арабских государств", "Корочення", "王毅"):
        assert name in text
    # Arabic comes back shaped (lam-alef is one ligature), so compare its letters.
    assert "عالف" in text
    # Each script is drawn with a font that has it (installed by `make fonts`), embedded as
    # a subset (the six letters and "+" before the name).
    fonts = pdf_fonts(pdf)
    assert re.fullmatch(r"[A-Z]{6}\+NotoSansCJKsc-Regular", fonts["王"]), fonts["王"]
    assert re.fullmatch(r"[A-Z]{6}\+NotoSansArabic-Regular", fonts["ع"]), fonts["ع"]
    assert re.fullmatch(r"[A-Z]{6}\+NotoSans-Regular", fonts["К"]), fonts["К"]


# --- Attendance record -----------------------------------------------------------------------


def test_attendance_record_lists_who_was_present_with_totals(desk_client, meeting):
    first, second = working_sessions(meeting)
    people = list(Participant.objects.filter(delegation__meeting=meeting).order_by("pk"))
    for participant in people[:3]:
        Attendance.objects.create(session=first, participant=participant)
    Attendance.objects.create(session=second, participant=people[3])
    url = reverse("desk:attendance")

    rows = csv_rows(desk_client.get(url, {"format": "csv"}).content)
    html = desk_client.get(url).content.decode()
    text = "".join(
        page for page, _size in pdf_pages(desk_client.get(url, {"format": "pdf"}).content)
    )

    assert rows[0] == [
        "Session",
        "Date",
        "Start",
        "Organization",
        "Name",
        "Role",
        "Checked in at",
    ]
    assert [row[:6] for row in rows[1:]] == [
        ["Session 1", "1996-02-15", "10:00", "Organization 0000 (O0000)",
         "H.E. Mr. Given0 Family0000", "Head of delegation"],
        ["Session 1", "1996-02-15", "10:00", "Organization 0000 (O0000)",
         "H.E. Mr. Given1 Family0000", "Adviser"],
        ["Session 1", "1996-02-15", "10:00", "Organization 0001 (O0001)",
         "H.E. Mr. Given0 Family0001", "Head of delegation"],
        ["Session 2", "1996-02-16", "10:00", "Organization 0001 (O0001)",
         "H.E. Mr. Given1 Family0001", "Adviser"],
    ]  # fmt: skip
    # The meeting's record: each session's totals, then each person's days and sessions.
    assert cells(html, "summary") == [
        ["Session 1", "Thu 15 Feb, 10:00", str(first.room), "3", "1", "4"],
        ["Session 2", "Fri 16 Feb, 10:00", str(second.room), "1", "3", "4"],
    ]
    assert cells(html, "participants people") == [
        ["Organization 0000 (O0000)"],
        ["H.E. Mr. Given0 Family0000", "Head of delegation", "15 Feb", "1"],
        ["H.E. Mr. Given1 Family0000", "Adviser", "15 Feb", "1"],
        ["Organization 0001 (O0001)"],
        ["H.E. Mr. Given0 Family0001", "Head of delegation", "15 Feb", "1"],
        ["H.E. Mr. Given1 Family0001", "Adviser", "16 Feb", "1"],
    ]
    assert "present of" not in html
    assert in_order(
        text,
        [
            "Attendance record",
            "Totals",
            f"Session 1 Thu 15 Feb, 10:00 {first.room} 3 1 4",
            f"Session 2 Fri 16 Feb, 10:00 {second.room} 1 3 4",
            "Organization 0000 (O0000)",
            "H.E. Mr. Given0 Family0000 Head of delegation 15 Feb 1",
            "H.E. Mr. Given1 Family0001 Adviser 16 Feb 1",
        ],
    )


def test_a_sessions_attendance_record_lists_who_checked_in_and_when(desk_client, meeting):
    first, second = working_sessions(meeting)
    people = list(Participant.objects.filter(delegation__meeting=meeting).order_by("pk"))
    for participant in people[:3]:
        Attendance.objects.create(session=first, participant=participant)
    Attendance.objects.create(session=second, participant=people[3])
    url = reverse("desk:attendance_session", args=[first.pk])

    response = desk_client.get(url, {"format": "csv"})
    rows = csv_rows(response.content)
    html = desk_client.get(url).content.decode()
    text = pdf_pages(desk_client.get(url, {"format": "pdf"}).content)[0][0]

    assert response["Content-Disposition"] == (
        f'attachment; filename="{meeting.slug}-attendance-record-1996-02-15-1000.csv"'
    )
    assert [row[4] for row in rows[1:]] == [
        "H.E. Mr. Given0 Family0000",
        "H.E. Mr. Given1 Family0000",
        "H.E. Mr. Given0 Family0001",
    ]
    assert [row[:4] for row in cells(html, "present")] == [
        ["1", "Organization 0000 (O0000)", "H.E. Mr. Given0 Family0000", "Head of delegation"],
        ["2", "Organization 0000 (O0000)", "H.E. Mr. Given1 Family0000", "Adviser"],
        ["3", "Organization 0001 (O0001)", "H.E. Mr. Given0 Family0001", "Head of delegation"],
        ["3 present of 4 expected"],
    ]
    assert "Totals" not in html
    assert "3 present of 4 expected" in text
    assert "Given1 Family0001" not in text
    # The check-in's time as the page prints it, not as the spreadsheet has it.
    checked_in = Attendance.objects.filter(session=first).first().checked_in_at
    assert date_format(checked_in.astimezone(meeting.tz), "j M Y, H:i") in text
    assert desk_client.get(reverse("desk:attendance_session", args=[0])).status_code == 404


def test_a_sessions_total_prints_once_after_its_last_row(desk_client):
    meeting = build_meeting(delegations=20, members=2, sessions=1)
    session = working_sessions(meeting)[0]
    for participant in Participant.objects.filter(delegation__meeting=meeting):
        Attendance.objects.create(session=session, participant=participant)

    response = desk_client.get(
        reverse("desk:attendance_session", args=[session.pk]), {"format": "pdf"}
    )

    pages = [text for text, _size in pdf_pages(response.content)]
    assert len(pages) > 1
    # Not at the foot of every page, where it read as the total of that page's rows.
    assert [text.count("40 present of 40 expected") for text in pages] == [0] * (
        len(pages) - 1
    ) + [1]
    assert pages[-1].index("H.E. Mr. Given1 Family0019") < pages[-1].index("40 present of 40")
    assert "#}" not in "".join(pages)  # no template comment printed


# --- Badges ----------------------------------------------------------------------------------


def test_badges_carry_name_organization_role_and_a_qr_code_of_the_badge_number(
    desk_client, meeting
):
    participant = Participant.objects.filter(delegation__meeting=meeting).first()
    url = reverse("desk:badges")

    html = desk_client.get(url).content.decode()
    rows = csv_rows(desk_client.get(url, {"format": "csv"}).content)
    pdf = pdf_pages(desk_client.get(url, {"format": "pdf"}).content)

    assert rendering.qr_svg(participant.badge_number) in html
    assert html.count('<article class="badge">') == 4
    # Version 1 (21 modules and a quiet zone of 4 each side), error correction M.
    assert rendering.qr_code(participant.badge_number)[0] == 29
    assert rows[1] == [
        participant.badge_number,
        "H.E. Mr. Given0 Family0000",
        "Organization 0000 (O0000)",
        "Head of delegation",
    ]
    assert len(pdf) == 1
    assert "H.E. Mr. Given0 Family0000" in pdf[0][0]
    assert participant.badge_number in pdf[0][0]
    # What the code holds is what the desk's search finds.
    found = desk_client.get(reverse("desk:index"), {"q": participant.badge_number})
    assert [row["pk"] for row in found.context["rows"]] == [participant.pk]


def scanned(pdf):
    """What a scanner reads of the QR codes on the PDF's first page, top to bottom."""
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_a_badge_printed_again_carries_its_new_number(desk_client, meeting):
    # The codes reach Typst as a file it reads again at each print (rendering.typst_root).
    url = reverse("desk:badges")
    before = scanned(desk_client.get(url, {"format": "pdf"}).content)
    participant = Participant.objects.get(badge_number=before[0])
    participant.badge_number = "NEW-0001"
    participant.save()

    after = scanned(desk_client.get(url, {"format": "pdf"}).content)

    assert "NEW-0001" in after
    assert before[0] not in after
    assert len(after) == len(before)


def test_badge_qr_codes_scan_as_their_badge_numbers_on_paper_and_on_screen(desk_client, meeting):
    numbers = list(
        Participant.objects.filter(delegation__meeting=meeting)
        .order_by("delegation__organization__sort_name", "role_order", "official__sort_key")
        .values_list("badge_number", flat=True)
    )
    url = reverse("desk:badges")

    printed = scanned(desk_client.get(url, {"format": "pdf"}).content)
    html = desk_client.get(url).content.decode()
    screen = [
        scanned(rendering.write_pdf(f"<html><body>{svg}</body></html>"))
        for svg in re.findall(r"<svg .*?</svg>", html)
    ]

    assert sorted(printed) == sorted(numbers)
    assert screen == [[number] for number in numbers]


# --- CSV safety ------------------------------------------------------------------------------


def test_csv_round_trip_leaves_formulas_inert(desk_client, meeting):
    organization = OrganizationFactory(name="@SUM(1+1)", acronym="")
    delegation = DelegationFactory(meeting=meeting, organization=organization, status="accredited")
    ParticipantFactory(
        delegation=delegation,
        official=OfficialFactory(
            organization=organization,
            honorific="",
            given_name="",
            family_name='=HYPERLINK("http://x")',
            position="-2+3",
        ),
    )
    session = working_sessions(meeting)[0]

    rows = csv_rows(
        desk_client.get(
            reverse("desk:sign_in_session", args=[session.pk]), {"format": "csv"}
        ).content
    )

    assert ["1", "'@SUM(1+1)", '\'=HYPERLINK("http://x")', "'-2+3"] in rows


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Höynck", "Höynck"),
        ("a=b", "a=b"),
        ("Smith-Jones", "Smith-Jones"),
        ("Envoy;=1+1", "'Envoy;=1+1"),
        ("a,=1", "'a,=1"),
        ("a,+1", "'a,+1"),
        ("Envoy;-2", "'Envoy;-2"),
        ("x\t@A1", "'x\t@A1"),
        ("line\n=1", "'line\n=1"),
        ("a, -1", "a, -1"),
        ("'; DROP TABLE x; --", "'; DROP TABLE x; --"),
        (12, "12"),
        (None, ""),
    ],
)
def test_neutralise(value, written):
    assert neutralise(value) == written


def test_csv_cells_are_all_quoted_so_a_semicolon_cannot_split_one():
    from agenda.rendering import render_csv

    class Document:
        csv_header = ["Name", "Seats"]
        csv_rows = [["Envoy;=1+1", 2], ["Höynck", None]]

    content = render_csv(Document()).decode("utf-8-sig")
    assert content.splitlines() == [
        '"Name","Seats"',
        '"\'Envoy;=1+1","2"',
        '"Höynck",""',
    ]


def test_css_string_cannot_break_out_of_the_style_element():
    assert css_string('Höynck </style>"x"') == '"Höynck \\3c \\2f style\\3e \\22 x\\22 "'
    assert page_counter_css() == '"Page " counter(page) " of " counter(pages)'


# --- Queries do not grow with the meeting ----------------------------------------------------


@pytest.mark.parametrize("size", [2, 10])
@pytest.mark.parametrize(
    ("name", "queries"),
    [("sign_in_session", 6), ("sign_in_day", 5), ("participants", 6),
     # The meeting's record counts the check-ins; its CSV lists them.
     ("attendance", {"html": 8, "csv": 6}), ("badges", 5)],
)  # fmt: skip
def test_document_query_count_does_not_grow(
    desk_client, django_assert_num_queries, size, name, queries
):
    meeting = build_meeting(delegations=size, members=3, sessions=3)
    sessions = working_sessions(meeting)
    for participant in Participant.objects.filter(delegation__meeting=meeting):
        Attendance.objects.create(session=sessions[0], participant=participant)
    args = {
        "sign_in_session": [sessions[0].pk],
        "sign_in_day": ["1996-02-15"],
    }.get(name, [])
    url = reverse(f"desk:{name}", args=args)

    for fmt in ("html", "csv"):
        with django_assert_num_queries(queries[fmt] if isinstance(queries, dict) else queries):
            response = desk_client.get(url, {"format": fmt})
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("time_zone", "city", "start", "at", "line", "cell", "csv_row"),
    [
        (
            "Europe/Vienna",
            "Vienna",
            datetime.datetime(1996, 2, 15, 10),
            datetime.datetime(1996, 2, 15, 9, 5, tzinfo=datetime.UTC),
            "Plenary — Thursday, 15 February 1996, 10:00–12:00",
            "<td>15 Feb 1996, 10:05</td>",
            ["1996-02-15", "10:00", "1996-02-15 10:05"],
        ),
        # Geneva in summer, checked in the evening before the session.
        (
            "Europe/Zurich",
            "Geneva",
            datetime.datetime(2026, 7, 1, 10),
            datetime.datetime(2026, 6, 30, 19, 45, tzinfo=datetime.UTC),
            "Plenary — Wednesday, 1 July 2026, 10:00–12:00",
            "<td>30 Jun 2026, 21:45</td>",
            ["2026-07-01", "10:00", "2026-06-30 21:45"],
        ),
    ],
)
def test_attendance_record_gives_the_day_and_time_in_the_meetings_time_zone(
    desk_client, server_time_zone, time_zone, city, start, at, line, cell, csv_row
):
    session = checked_in(
        time_zone=time_zone, city=city, start=start, at=at, title="Plenary", room=None
    )
    url = reverse("desk:attendance_session", args=[session.pk])

    html = desk_client.get(url).content.decode()
    rows = csv_rows(desk_client.get(url, {"format": "csv"}).content)
    meeting_rows = csv_rows(desk_client.get(reverse("desk:attendance"), {"format": "csv"}).content)
    summary = cells(desk_client.get(reverse("desk:attendance")).content.decode(), "summary")

    assert line in html
    assert cell in html
    assert [*rows[1][1:3], rows[1][6]] == csv_row
    assert meeting_rows == rows
    assert summary[0][1] == date_format(start, "D j M, H:i")


def test_document_page_lets_only_its_own_stylesheet_through_the_csp(desk_client, meeting):
    response = desk_client.get(reverse("desk:participants"))

    html = response.content.decode()
    nonce = re.search(r'<style nonce="([^"]+)">', html).group(1)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["style-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["script-src"] == "'self'"
    assert "onclick" not in html
    assert '<script src="/static/desk/documents.js" defer></script>' in html


def test_benchmark_command_times_every_document_and_leaves_nothing_behind(tmp_path):
    out = io.StringIO()
    meetings_before = list(Meeting.objects.values_list("pk", flat=True))

    call_command(
        "bench_documents",
        "--participants=20",
        "--pdf=sign_in",
        f"--output={tmp_path}",
        stdout=out,
    )

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Generated 20 participants in 4 delegations, ")
    assert [line.split()[:3] for line in lines[1:]] == [
        ["sign_in", "20", "rows"],
        ["participants", "20", "rows"],
        ["attendance", lines[3].split()[1], "rows"],
        ["badges", "20", "rows"],
    ]
    assert " pdf " in lines[1] and " pdf " not in lines[2]
    assert len(pdf_pages((tmp_path / "sign_in.pdf").read_bytes())) == 2  # 20 rows, 8 walk-ins
    assert list(Meeting.objects.values_list("pk", flat=True)) == meetings_before
    assert Participant.objects.count() == 0


# --- The registry of documents ---------------------------------------------------------------


@pytest.fixture
def printable(meeting, desk_user):
    """Every desk URL that serves a registered document, reversed with what it needs."""
    session = working_sessions(meeting)[0]
    item = AgendaItemFactory(meeting=meeting, number=3, title="Peace-keeping")
    version = participants_version_issue(
        meeting=meeting, kind="provisional", user=desk_user, base_symbol="UN/INF/1"
    )
    arguments = {
        "sign_in_session": [session.pk],
        "sign_in_day": [meeting.start_date.isoformat()],
        "attendance_session": [session.pk],
        "speakers": [item.number],
        "participant_version": [version.pk],
    }
    urls = {}
    for pattern in get_resolver("agenda.desk_urls").url_patterns:
        kind = getattr(pattern, "default_args", {}).get("kind")
        if kind is not None:
            url = reverse(f"desk:{pattern.name}", args=arguments.get(pattern.name, []))
            urls[url] = documents.REGISTRY[kind]
    return urls


def test_every_registered_document_has_a_desk_url_and_declares_itself(printable):
    assert {cls.identifier for cls in printable.values()} == set(documents.REGISTRY)
    for identifier, cls in documents.REGISTRY.items():
        assert cls.identifier == identifier
        assert cls.title and cls.template.startswith("documents/")
        assert cls.permission == "agenda.use_desk"
        assert [column for column in cls.columns if column.csv], identifier


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("html", "text/html; charset=utf-8"), ("csv", "text/csv; charset=utf-8"),
     ("pdf", "application/pdf")],
)  # fmt: skip
def test_every_registered_document_renders_in_every_format(
    desk_client, printable, fmt, content_type
):
    for url, cls in printable.items():
        response = desk_client.get(url, {"format": fmt})

        assert (response.status_code, response["Content-Type"]) == (200, content_type), url
        if fmt == "pdf":
            assert pdf_pages(response.content), url
        if fmt == "html":
            title = f"<title>{cls.title}".replace("'", "&#x27;")
            assert title in response.content.decode(), url


def test_the_csv_header_is_the_declared_column_headings(desk_client, printable):
    for url, cls in printable.items():
        rows = csv_rows(desk_client.get(url, {"format": "csv"}).content)

        assert rows[0] == [str(column.heading) for column in cls.columns if column.csv], url


def test_a_tabular_documents_html_headings_are_its_declared_columns(desk_client, meeting):
    html = desk_client.get(reverse("desk:credentials")).content.decode()

    headings = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headings == [str(column.heading) for column in documents.CredentialsReport.columns]


def test_an_unknown_document_is_not_found(rf, desk_user, meeting):
    request = rf.get("/desk/documents/nothing/")
    request.user = desk_user

    with pytest.raises(Http404):
        desk.document(request, kind="nothing")


def test_a_user_without_a_documents_permission_is_refused(client, printable):
    client.force_login(UserFactory(username="visitor"))

    for url in printable:
        assert client.get(url).status_code == 403, url


def test_the_desk_asks_for_the_permission_the_document_declares(desk_client, meeting, monkeypatch):
    monkeypatch.setattr(documents.Badges, "permission", "delegations.view_credentials")

    assert desk_client.get(reverse("desk:badges")).status_code == 403
    assert desk_client.get(reverse("desk:participants")).status_code == 200


# --- Each meeting's paper -------------------------------------------------------------------


@pytest.fixture
def geneva(meeting):
    """The same meeting, held at the Palais des Nations on A4 paper."""
    Meeting.objects.filter(pk=meeting.pk).update(
        venue="Palais des Nations",
        city="Geneva",
        time_zone="Europe/Zurich",
        paper=Meeting.Paper.A4,
    )
    meeting.refresh_from_db()
    return meeting


def test_a_geneva_meeting_prints_on_a4_without_being_asked(desk_client, geneva):
    url = reverse("desk:sign_in_session", args=[working_sessions(geneva)[0].pk])

    pdf = desk_client.get(url, {"format": "pdf"})
    html = desk_client.get(url).content.decode()

    assert [size for _text, size in pdf_pages(pdf.content)] == [A4]
    assert "size: A4;" in html
    # The toolbar's PDF keeps the meeting's paper and offers the other one.
    assert '<a href="?format=pdf&amp;paper=a4">PDF</a>' in html
    assert '<a href="?paper=letter">US Letter paper</a>' in html


def test_paper_in_the_address_still_overrides_the_meetings(desk_client, geneva):
    url = reverse("desk:sign_in_session", args=[working_sessions(geneva)[0].pk])

    pdf = desk_client.get(url, {"format": "pdf", "paper": "letter"})

    assert [size for _text, size in pdf_pages(pdf.content)] == [LETTER]


def test_the_1996_meeting_prints_on_letter(desk_client):
    from agenda.seed import seed_meeting

    meeting, _created = seed_meeting()
    assert meeting.paper == Meeting.Paper.LETTER
    session = working_sessions(meeting)[0]

    pdf = desk_client.get(reverse("desk:sign_in_session", args=[session.pk]), {"format": "pdf"})

    assert {size for _text, size in pdf_pages(pdf.content)} == {LETTER}


def test_two_badges_across_a4_as_on_letter(desk_client, meeting):
    # Six badges a sheet, two across and three down, on either paper (the body's default
    # margin left room for one across A4).
    sizes = {}
    for paper in ("letter", "a4"):
        response = desk_client.get(reverse("desk:badges"), {"format": "pdf", "paper": paper})
        sizes[paper] = [size for _text, size in pdf_pages(response.content)]
    assert sizes == {"letter": [LETTER], "a4": [A4]}


def test_arabic_name_plates_carry_the_acronym_and_centre_the_name(desk_client, meeting):
    with translation.override("ar"):
        content = rendering.render_pdf(documents.NamePlates(meeting), paper="a4")

    page = pypdfium2.PdfDocument(content)[0]
    textpage = page.get_textpage()
    text = textpage.get_text_bounded()
    acronym = meeting.delegations.order_by("pk").first().organization.acronym
    assert text.count(acronym) == 2  # on both faces (a flex box had pushed it off the card)
    # The lower face (the lower half of the sheet): its words centred across the card.
    width, height = page.get_size()
    lower = [
        textpage.get_charbox(index)
        for index in range(textpage.count_chars())
        if textpage.get_charbox(index)[3] < height / 2 and not text[index].isspace()
    ]
    middle = (min(box[0] for box in lower) + max(box[2] for box in lower)) / 2
    assert middle == pytest.approx(width / 2, abs=6)


def test_name_plates_follow_the_meetings_paper(desk_client, geneva):
    html = desk_client.get(reverse("desk:name_plates")).content.decode()

    assert "width: 297mm" in html
    assert '<a href="?paper=letter">US Letter paper</a>' in html
