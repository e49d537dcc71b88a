"""The four long documents typeset by Typst (agenda.rendering.typeset_pdf): data printed as
text and never run as markup, right-to-left paper that keeps Latin data in its own order,
and dates as the public pages write them."""

import pypdfium2
import pytest
from django.utils import translation

from agenda import bidi, documents, rendering
from agenda.models import Attendance, Session
from agenda.seed import seed_meeting
from delegations.models import Meeting, Participant
from tests.agenda.desk_data import build_meeting, working_sessions
from tests.factories import (
    DelegationFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
    english_only,
)

pytestmark = pytest.mark.django_db

LETTER = (612, 792)
A4 = (595, 842)
ISOLATES = str.maketrans("", "", "\u2068\u2069")


def pdf_lines(content):
    """The text of every page as PDFium reads it (Chrome's reader: what a delegate copies
    or searches), line by line across the columns, the invisible isolates left out."""
    lines = []
    for page in pypdfium2.PdfDocument(content):
        lines += page.get_textpage().get_text_bounded().translate(ISOLATES).splitlines()
    return [" ".join(line.split()) for line in lines]


def pdf_sizes(content):
    return [tuple(round(x) for x in page.get_size()) for page in pypdfium2.PdfDocument(content)]


def render(document_class, meeting, language, **params):
    with translation.override(language):
        return rendering.render_pdf(document_class(meeting, **params))


def the_four(meeting):
    """The four typeset documents of ``meeting``, each built as the desk builds it."""
    session = Session.objects.for_desk(meeting).first()
    return {
        "sign_in": lambda: documents.SignInSheet(meeting, session=session),
        "participants": lambda: documents.ParticipantsList(meeting),
        "attendance": lambda: documents.AttendanceRecord(meeting),
        "badges": lambda: documents.Badges(meeting),
    }


HOSTILE = [
    '#panic("boom") $x^2$',
    "*bold* _emph_ `raw`",
    "\\ back\\slash <label> @ref",
    "\"Quoted\" 'single' [bracket] // not a comment",
    '#read("/etc/passwd")',
]


def test_hostile_names_print_literally_and_run_nothing():
    meeting = build_meeting(delegations=1, members=1, sessions=1)
    organization = OrganizationFactory(name="#set text(size: 40pt) & Co.", acronym="<X>")
    delegation = DelegationFactory(meeting=meeting, organization=organization, status="accredited")
    for name in HOSTILE:
        participant = ParticipantFactory(
            delegation=delegation,
            official=OfficialFactory(
                organization=organization, honorific="", given_name="", family_name=name
            ),
        )
        Attendance.objects.create(session=working_sessions(meeting)[0], participant=participant)

    session = working_sessions(meeting)[0]
    builds = the_four(meeting) | {
        "attendance (session)": lambda: documents.AttendanceRecord(meeting, session=session)
    }
    for kind, build in builds.items():
        with translation.override("en"):
            content = rendering.render_pdf(build())
        # Narrow columns wrap the names: compare what is printed, not where lines break.
        text = "".join("".join(pdf_lines(content)).split())
        for name in [*HOSTILE, "#set text(size: 40pt) & Co. (<X>)"]:
            assert "".join(name.split()) in text, (kind, name)
        assert "root:" not in text, kind


def test_the_four_documents_are_typeset_and_the_others_laid_out_by_weasyprint(monkeypatch):
    meeting = build_meeting(delegations=1, members=1, sessions=1)
    monkeypatch.setattr(rendering, "write_pdf", lambda html: pytest.fail("WeasyPrint ran"))

    for kind, build in the_four(meeting).items():
        document = build()
        assert document.typeset == f"{kind}.typ"
        assert rendering.render_pdf(document).startswith(b"%PDF-"), kind
    assert documents.SeatingPlanSheet.typeset == ""
    assert documents.NamePlates.typeset == ""


def test_english_paper_carries_no_isolates_but_arabic_data_is_isolated():
    meeting = build_meeting(delegations=1, members=1, sessions=1)
    with translation.override("en"):
        english = rendering.typst_data(
            documents.SignInSheet(meeting, day=meeting.start_date), "letter"
        )
    with translation.override("ar"):
        arabic = rendering.typst_data(documents.SignInSheet(meeting, day=meeting.start_date), "a4")

    assert english["body"]["rows"][0][2] == "H.E. Mr. Given0 Family0000"
    assert english["rtl"] is False and english["paper"] == "us-letter"
    assert arabic["body"]["rows"][0][2] == "\u2068H.E. Mr. Given0 Family0000\u2069"
    assert arabic["rtl"] is True and arabic["paper"] == "a4" and arabic["lang"] == "ar"
    # A Hebrew or Arabic name is isolated in a left-to-right document too.
    assert bidi.isolate("علاف", base="ltr") == "\u2068علاف\u2069"
    assert bidi.isolate("Höynck", base="ltr") == "Höynck"


@pytest.fixture
def meeting_1996():
    meeting, _created = seed_meeting()
    opening = Session.objects.for_desk(meeting).first()
    korotchenya = Participant.objects.get(
        delegation__meeting=meeting, official__family_name="Korotchenya"
    )
    Attendance.objects.create(session=opening, participant=korotchenya)
    return meeting


def test_arabic_paper_keeps_latin_data_in_its_own_order(meeting_1996):
    meeting_1996 = english_only(meeting_1996)
    participants = pdf_lines(render(documents.ParticipantsList, meeting_1996, "ar"))
    text = " ".join(participants)
    # Values in a column wide enough not to wrap, read across the line.
    assert "H.E. Mr. Ivan M. Korotchenya" in text
    assert ".H.E. Mr. Ivan M" not in text
    assert "Assistant Secretary-General" in text
    assert "-Assistant Secretary" not in text
    assert "President of the Security Council for February 1996" in text
    assert "for February (United States) 1996" not in text
    assert "The presidency of the European Union, with representatives of" in text

    session = Session.objects.for_desk(meeting_1996).first()
    sign_in = pdf_lines(render(documents.SignInSheet, meeting_1996, "ar", session=session))
    header = sign_in[0]
    assert "10:00–11:00" in header and "11:00–10:00" not in header
    assert "Conference Room 4" in header and "Opening of the meeting" in header

    attendance = pdf_lines(render(documents.AttendanceRecord, meeting_1996, "ar"))
    assert "H.E. Mr. Ivan M. Korotchenya" in " ".join(attendance)
    badges = pdf_lines(render(documents.Badges, meeting_1996, "ar"))
    assert "H.E. Mr. Ivan M. Korotchenya" in badges

    for lines in (participants, sign_in, attendance, badges):
        # No line, the footers' included, begins with punctuation pushed off its end.
        assert not [line for line in lines if line[:1] in ",."]
        # The foot of the last page: the meeting's title, its comma at the end of its first
        # line, and "Page x of y" in Arabic.
        pages = sum(line.startswith("Second Meeting between") for line in lines)
        assert lines[-3:] == [
            "Second Meeting between the United Nations and Regional Organizations on "
            "cooperation in peacemaking,",
            "peacekeeping and other fields",
            f"الصفحة {pages} من {pages}",
        ]


def test_chinese_paper_writes_dates_as_the_pages_do(meeting_1996):
    lines = pdf_lines(render(documents.ParticipantsList, meeting_1996, "zh-hans"))

    assert "1996年2月15日" in lines[0] and "1996年2月16日" in lines[0]
    assert "二月" not in " ".join(lines)
    assert lines[0].startswith("与会者名单")

    session = Session.objects.for_desk(meeting_1996).first()
    sign_in = pdf_lines(render(documents.SignInSheet, meeting_1996, "zh-hans", session=session))
    assert "1996年2月15日" in sign_in[0]


def test_an_arabic_list_in_geneva_prints_on_a4_with_every_script(geneva):
    Meeting.objects.filter(pk=geneva.pk).update(paper=Meeting.Paper.A4)
    geneva.refresh_from_db()
    organization = OrganizationFactory(name="Лига арабских государств", acronym="LAS")
    delegation = DelegationFactory(meeting=geneva, organization=organization, status="accredited")
    for given, family in (("Ahmed", "Aboul-Gheit"), ("أحمد", "أبو الغيط"), ("Сергей", "Лавров")):
        ParticipantFactory(
            delegation=delegation,
            official=OfficialFactory(
                organization=organization,
                honorific="H.E. Mr.",
                given_name=given,
                family_name=family,
                position="Director-General, Unit 2",
            ),
        )

    content = render(documents.ParticipantsList, geneva, "ar")

    assert pdf_sizes(content) == [A4]
    text = " ".join(pdf_lines(content))
    assert "H.E. Mr. Ahmed Aboul-Gheit" in text
    assert "Director-General, Unit 2" in text and ",Director-General" not in text
    assert "Лига арабских государств (LAS)" in text
    assert "Сергей Лавров" in text
