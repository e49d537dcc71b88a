"""A delegation's focal point, on a phone and on a laptop, in English and in Arabic: registers
the delegation, replaces a participant, sends the credentials, inscribes on a speakers' list
and withdraws. Every screen is checked by ``Journey.step`` (no overflow, no axe violation
with the WCAG 2.2 AA tags) and kept as a screenshot.

Fields are found by name and the texts expected are the catalogue's, so that the same
journey runs in both languages.
"""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from agenda.models import Inscription
from delegations import services
from delegations.models import Credentials, Delegation, Participant
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def invited(site):
    """An invited delegation of a meeting a month away, with one known official, and the
    path of its private link."""
    start = datetime.date.today() + datetime.timedelta(days=30)
    meeting = MeetingFactory(
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        time_zone="Europe/Zurich",
        city="Geneva",
        seats_per_delegation=3,
    )
    services.meeting_make_current(meeting=meeting)
    AgendaItemFactory(meeting=meeting, number=1, title="Evolving patterns of cooperation")
    AgendaItemFactory(meeting=meeting, number=2, title="Peace-building")
    organization = OrganizationFactory(name="Andean Community", acronym="CAN")
    delegation = DelegationFactory(meeting=meeting, organization=organization)
    head = OfficialFactory(
        organization=organization,
        honorific="H.E. Mr.",
        given_name="Esmat",
        family_name="Abdel Meguid",
        position="Secretary-General",
        email="esmat.abdelmeguid@can.example",
    )
    token = services.link_issue(delegation=delegation)
    return delegation, head, f"/register/{token}/"


def texts(language, *messages):
    with translation.override(language):
        return [_(message) for message in messages]


def submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit].btn-primary").click()


def participant_names(page):
    return page.locator("main table tbody tr td:first-child").all_inner_texts()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_focal_point_registers_replaces_sends_credentials_and_speaks(
    journey, invited, size, language
):
    delegation, head, path = invited
    thanks, not_verified, nobody_inscribed, inscribed = texts(
        language,
        "Thank you. This is what is registered for your delegation.",
        "No credentials have been sent yet.",
        "Your delegation is not inscribed on any list yet.",
        "Inscribed",
    )
    j = journey(person="focal", size=size, language=language)
    page = j.page

    # 1. Registers the delegation: the head, known to the secretariat, and an adviser.
    j.goto(path)
    j.step("register")
    page.locator("[name=delegation-focal_point_name]").fill("Hanan Ashrawi")
    page.locator("[name=delegation-focal_point_email]").fill("focal@can.example")
    page.locator("[name=participants-0-official]").select_option(str(head.pk))
    page.locator("[name=participants-0-role]").select_option("head")
    page.locator("[name=participants-1-given_name]").fill("Ahmed")
    page.locator("[name=participants-1-family_name]").fill("Ben Helli")
    page.locator("[name=participants-1-position]").fill("Adviser")
    submit(page)
    assert page.url.endswith(f"{path}done/")
    assert thanks in page.locator("main").inner_text()
    assert participant_names(page) == ["H.E. Mr. Esmat Abdel Meguid", "Ahmed Ben Helli"]
    j.step("registered")

    # 2. Replaces the adviser by somebody new.
    page.locator(f"main a[href='{path}']").click()
    page.locator("[name=participants-1-DELETE]").check()
    page.locator("[name=participants-2-given_name]").fill("Nasser")
    page.locator("[name=participants-2-family_name]").fill("Al-Kidwa")
    page.locator("[name=participants-2-position]").fill("Counsellor")
    j.step("replacing")
    submit(page)
    assert participant_names(page) == ["H.E. Mr. Esmat Abdel Meguid", "Nasser Al-Kidwa"]
    assert [
        p.official.family_name for p in Participant.objects.filter(delegation=delegation).listed()
    ] == ["Abdel Meguid", "Al-Kidwa"]
    j.step("replaced")

    # 3. Sends the credentials, a small PDF.
    page.locator(f"main a[href='{path}credentials/']").click()
    assert nobody_inscribed not in page.locator("main").inner_text()
    assert not_verified in page.locator("main").inner_text()
    j.step("credentials")
    page.locator("[name=file]").set_input_files(
        {"name": "credentials.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    submit(page)
    with translation.override(language):
        received = _(
            "Thank you: the secretariat has received the credentials of %(organization)s."
        ) % {"organization": delegation.organization}
    shown = page.locator("main [role=status]").all_inner_texts()
    assert shown[0] == received
    assert "credentials.pdf" in shown[1]
    assert Credentials.objects.get(delegation=delegation).original_name == "credentials.pdf"
    j.step("credentials-sent")

    # 4. Inscribes the head on the list of item 2, then withdraws.
    page.locator(f"main a[href='{path}done/']").click()
    page.locator(f"main a[href='{path}speakers/']").click()
    assert nobody_inscribed in page.locator("main").inner_text()
    j.step("speakers")
    page.locator("[name=item]").select_option("2")
    page.locator("[name=speaker]").select_option(
        str(Participant.objects.get(delegation=delegation, role="head").pk)
    )
    submit(page)
    row = page.locator("main table tbody tr")
    assert row.locator("td").all_inner_texts()[:4] == [
        "2. Peace-building",
        "H.E. Mr. Esmat Abdel Meguid",
        "1",
        inscribed,
    ]
    j.step("inscribed")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    with translation.override(language):
        withdrawn = _("Withdrawn: your delegation's inscription on %(item)s.") % {
            "item": "2. Peace-building"
        }
    assert page.locator("main [role=status]").first.inner_text() == withdrawn
    assert nobody_inscribed in page.locator("main").inner_text()
    assert Inscription.objects.get().status == Inscription.Status.WITHDRAWN
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.REGISTERED
    j.step("withdrawn")
