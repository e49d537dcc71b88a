"""Rows Typst need not measure (agenda.rendering.line_breaks, common.typ's row-heights): the
heights Python predicts from the fonts are the heights Typst sets, and a long document
prints exactly as it would with every row measured by Typst."""

import json

import pypdfium2
import pytest
import typst
from django.utils import translation

from agenda import documents, rendering
from agenda.models import Attendance
from delegations.models import Delegation, Meeting
from tests.agenda.desk_data import build_meeting, working_sessions
from tests.factories import (
    DelegationFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
)

LATIN, ARABIC = 1.362, 2.112  # Noto Sans's and Noto Sans Arabic's ascender to descender

TEXTS = [
    "Counsellor",
    "Secretary-General",
    "Deputy Secretary-General of the Organization",
    "Permanent Observer to the United Nations",
    "Organization for Security and Co-operation in Europe (OSCE)",
    "H.E. Mr. Boutros Boutros-Ghali",
    "Сергей Викторович Лавров",
    "Ελένη Νικολάου",
    "H.E. Mr. أحمد أبو الغيط",
    "Mr. 陈 Mensah",
    "Ambassador Nguyễn Thị Ramanathan",
    "\u2068Ms. Ingrid Ødegaard\u2069",
    "Conseiller : affaires politiques et « consolidation de la paix »",
    "Director (Political Affairs) / Deputy",
]


def test_a_text_of_one_line_has_its_width_and_a_line_of_noto_sans():
    (width, height), *more = rendering.line_breaks("Counsellor")
    assert more == []
    assert 4.5 < width < 5.5 and height == pytest.approx(LATIN)
    assert rendering.line_breaks("") == [[0, 0]]


def test_a_hyphen_between_letters_breaks_and_keeps_its_hyphen_on_the_first_line():
    (whole, one), (part, two) = rendering.line_breaks("Secretary-General")
    assert one == pytest.approx(LATIN) and two == pytest.approx(2 * LATIN)
    assert part == pytest.approx(rendering.word_metrics("Secretary-")[0], abs=0.001)
    assert part < whole


def test_arabic_lines_are_taller_and_a_line_of_cjk_alone_is_unknown():
    assert rendering.line_breaks("أحمد")[0][1] == pytest.approx(ARABIC)
    # Each line as tall as its tallest word: "Mr. أحمد" / "Zhang", then a word a line.
    assert [height for _width, height in rendering.line_breaks("Mr. أحمد Zhang")] == [
        pytest.approx(ARABIC),
        pytest.approx(ARABIC + LATIN),
        pytest.approx(ARABIC + 2 * LATIN),
    ]
    assert rendering.line_breaks("陈太郎") is None
    # "Mr. 陈" / "Mensah", but never "陈" on a line of its own.
    assert [height for _width, height in rendering.line_breaks("Mr. 陈 Mensah")] == [
        pytest.approx(LATIN),
        pytest.approx(2 * LATIN),
    ]


def test_no_line_breaks_before_a_closing_mark_or_after_an_opening_one():
    # "Conseiller :" on one line, never ":" at the start of the next.
    (_one, _height), (two, _two_lines), *_more = rendering.line_breaks("Conseiller : affaires")
    assert two == pytest.approx(rendering.line_breaks("Conseiller :")[0][0], abs=0.001)
    assert [len(rendering.line_breaks(text)) for text in ("« Paix »", "( b )")] == [1, 1]


def test_unknown_characters_and_unusual_spaces_are_left_to_typst():
    assert rendering.line_breaks("Smile \U0001f600") is None
    assert rendering.line_breaks("two  spaces") is None
    assert rendering.line_breaks(" leading") is None
    assert rendering.row_breaks(["Counsellor", "two  spaces"]) is None


def test_without_the_fonts_every_row_is_left_to_typst(monkeypatch):
    monkeypatch.setattr(rendering, "measured_fonts", lambda: None)
    for cached in (rendering.space_width, rendering.word_metrics, rendering.line_breaks):
        cached.cache_clear()
    try:
        assert rendering.line_breaks("Counsellor") is None
        assert rendering.row_breaks(["Counsellor", ""]) is None
    finally:
        for cached in (rendering.space_width, rendering.word_metrics, rendering.line_breaks):
            cached.cache_clear()


def test_predicted_heights_are_the_heights_typst_sets(tmp_path):
    """Each text at widths from narrow to wide: where Python knows its height, Typst sets it
    exactly that tall (the fonts, breaks and edges of common.typ)."""
    rooms = [40 + 15 * step for step in range(20)]  # points
    cases = []
    for text in TEXTS:
        for room in rooms:
            known = rendering.line_breaks(text)
            if known is None:
                continue
            height = next((height for width, height in known if width * 10 <= room), None)
            if height is not None:
                cases.append({"text": text, "room": room, "height": height * 10})
    assert len(cases) > 150
    source = tmp_path / "heights.typ"
    source.write_text(
        '#import "common.typ": *\n'
        "#show: document\n"
        "#for case in json(bytes(sys.inputs.cases)) {\n"
        "  context [#metadata(measure(block(width: case.room * 1pt, case.text)).height.pt())"
        " <height>]\n"
        "}\n"
    )
    (tmp_path / "common.typ").symlink_to(rendering.TYPST_DIR / "common.typ")
    data = {
        "lang": "en",
        "rtl": False,
        "paper": "us-letter",
        "fonts": rendering.TYPST_FONTS,
        **dict.fromkeys(["title", "subtitle", "meeting", "short_title"], ""),
        "page": [],
    }
    compiler = typst.Compiler(
        str(source),
        root=str(tmp_path),
        font_paths=[str(folder) for folder in rendering.SYSTEM_FONT_DIRS],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data), "cases": json.dumps(cases)},
    )
    measured = json.loads(compiler.query("<height>", field="value"))
    assert len(measured) == len(cases)
    wrong = [
        (case["text"], case["room"], case["height"], height)
        for case, height in zip(cases, measured, strict=True)
        if abs(case["height"] - height) > 0.01
    ]
    assert wrong == []


@pytest.fixture
def geneva_meeting():
    """A meeting in Geneva on A4, its names in Latin, Arabic, Cyrillic and Chinese, long
    organizations' names that wrap, positions that break after a hyphen, and notes."""
    meeting = build_meeting(delegations=2, members=3, sessions=2)
    Meeting.objects.filter(pk=meeting.pk).update(paper=Meeting.Paper.A4, time_zone="Europe/Zurich")
    meeting.refresh_from_db()
    session = working_sessions(meeting)[0]
    for name, acronym, people in (
        (
            "Organization for Security and Co-operation in Europe",
            "OSCE",
            [("H.E. Mr.", "Сергей", "Лавров"), ("Ms.", "Ελένη", "Νικολάου")],
        ),
        (
            "League of Arab States",
            "LAS",
            [
                ("H.E. Mr.", "أحمد", "أبو الغيط"),
                ("Mr.", "陈", "Mensah"),
                ("Dr.", "Ahmed", "Aboul-Gheit"),
            ],
        ),
    ):
        organization = OrganizationFactory(name=name, acronym=acronym)
        delegation = DelegationFactory(
            meeting=meeting,
            organization=organization,
            status=Delegation.Status.ACCREDITED,
            seats_allowed=5,
        )
        for honorific, given, family in people:
            participant = ParticipantFactory(
                delegation=delegation,
                official=OfficialFactory(
                    organization=organization,
                    honorific=honorific,
                    given_name=given,
                    family_name=family,
                    position="Deputy Secretary-General for Political and Peacebuilding Affairs",
                ),
            )
            Attendance.objects.create(session=session, participant=participant)
    return meeting


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(
    "build",
    [
        lambda meeting: documents.SignInSheet(meeting, session=working_sessions(meeting)[0]),
        lambda meeting: documents.ParticipantsList(meeting),
        lambda meeting: documents.AttendanceRecord(meeting),
    ],
    ids=["sign_in", "participants", "attendance"],
)
def test_a_document_prints_as_it_would_with_every_row_measured(
    geneva_meeting, monkeypatch, build, language
):
    with translation.override(language):
        predicted = rendering.render_pdf(build(geneva_meeting))
        monkeypatch.setattr(documents, "row_breaks", lambda texts: None)
        measured = rendering.render_pdf(build(geneva_meeting))
    assert page_layout(predicted) == page_layout(measured)


def page_layout(content):
    """Each page's text, and where each run of it stands to a tenth of a point: the same
    for two PDFs that differ at most in a coordinate's last digits."""
    pages = []
    for page in pypdfium2.PdfDocument(content):
        text = page.get_textpage()
        rects = [text.get_rect(index) for index in range(text.count_rects())]
        pages.append((text.get_text_bounded(), [tuple(round(x, 1) for x in r) for r in rects]))
    return pages
