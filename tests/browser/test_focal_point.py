"""What a delegation's focal point does through its private link, in a real Chromium.

The test client sends no Origin header, so it cannot see what a browser's CSRF check
meets: these forms are submitted by Chromium itself.
"""

import datetime
import os
from pathlib import Path

import pytest

from agenda.models import Inscription
from delegations import services
from delegations.models import Delegation, Participant
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def focal_point(live_server):
    """A registered delegation of a meeting a month away, with its head, and its link."""
    start = datetime.date.today() + datetime.timedelta(days=30)
    meeting = MeetingFactory(
        is_current=True,
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        time_zone="Europe/Zurich",
        city="Geneva",
    )
    AgendaItemFactory(meeting=meeting, number=1, title="Evolving patterns of cooperation")
    AgendaItemFactory(meeting=meeting, number=2, title="Peace-building")
    organization = OrganizationFactory(name="Содружество Независимых Государств", acronym="СНГ")
    delegation = DelegationFactory(
        meeting=meeting, organization=organization, status=Delegation.Status.REGISTERED
    )
    head = ParticipantFactory(
        delegation=delegation,
        role=Participant.Role.HEAD,
        official=OfficialFactory(
            organization=organization,
            honorific="",
            given_name="Иван",
            family_name="Коротченя",
            position="Исполнительный секретарь",
        ),
    )
    token = services.link_issue(delegation=delegation)
    return delegation, head, f"{live_server.url}/register/{token}/speakers/"


def test_focal_point_inscribes_on_a_speakers_list_and_sees_its_place(page, focal_point, tmp_path):
    delegation, head, url = focal_point
    page.goto(url)
    assert page.locator("h1").inner_text() == "Speakers' lists"
    assert "Your delegation is not inscribed on any list yet." in page.inner_text("main")

    page.get_by_label("Agenda item").select_option(label="2. Peace-building")
    page.get_by_label("Speaker").select_option(str(head.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Inscribe").click()

    # Redirected back to the same page (not Django's 403 CSRF page), the inscription listed.
    assert page.url == url
    row = page.locator("table tbody tr")
    assert row.count() == 1
    assert row.locator("td").all_inner_texts() == [
        "2. Peace-building",
        "Иван Коротченя",
        "1",
        "Inscribed",
        "Withdraw\n— 2. Peace-building",
    ]
    inscription = Inscription.objects.get()
    assert (inscription.delegation, inscription.speaker, inscription.status) == (
        delegation,
        head,
        Inscription.Status.INSCRIBED,
    )
    assert inscription.speakers_list.agenda_item.number == 2
    # Kept for a person to look at: SCREENSHOT_DIR=... make browser
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(folder / "focal-point-speakers.png"), full_page=True)
