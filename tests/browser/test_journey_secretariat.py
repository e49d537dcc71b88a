"""The Secretariat's journey through the admin at 1280 px, in English and in Arabic (the
admin then reads right to left): a delegation whose focal point replaced people is edited
and saved, the seating is drawn, the provisional list and Rev.1 are issued.

Every screen is a ``journey.step``: nothing wider than the screen, no axe violation.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from delegations import services
from delegations.groups import SECRETARIAT
from delegations.models import Organization, Participant
from delegations.services import Entry
from tests.factories import MeetingFactory, OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password"


@pytest.fixture
def secretary(staff_groups):
    user = UserFactory(username="secretary", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


@pytest.fixture
def replaced(site):
    """A delegation to a meeting still to come whose focal point registered three people,
    then replaced all three, the head included: six listed, three of them cancelled, on
    three seats."""
    today = timezone.localdate()
    meeting = MeetingFactory(
        short_title="Vienna meeting",
        start_date=today + datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=61),
        registration_deadline=timezone.now() + datetime.timedelta(days=30),
        time_zone="Europe/Vienna",
        seats_per_delegation=3,
    )
    services.meeting_make_current(meeting=meeting)
    # The 1996 register's own organization, reused as the secretariat would.
    organization = Organization.objects.get(acronym="OSCE")
    delegation, _token = services.delegation_invite(meeting=meeting, organization=organization)
    people = [OfficialFactory(organization=organization) for _ in range(6)]
    details = {"focal_point_name": "Focal Point", "focal_point_email": "focal@osce.example"}
    for listed in (people[:3], people[3:]):
        delegation.refresh_from_db()
        services.registration_save(
            delegation=delegation,
            details=details,
            entries=[
                Entry(official=official, role="head" if n == 0 else "adviser")
                for n, official in enumerate(listed)
            ],
            version=delegation.version,
        )
    assert delegation.participants.filter(status=Participant.Status.CANCELLED).count() == 3
    return delegation


def log_in(j):
    j.goto("/admin/login/")
    j.step("login")
    j.page.fill("#id_username", "secretary")
    j.page.fill("#id_password", PASSWORD)
    with j.page.expect_navigation():
        j.page.keyboard.press("Enter")
    j.step("admin-index")


def whole_columns(page):
    """A changelist shows every column: its table does not scroll sideways in its box."""
    box = page.locator("#changelist .results")
    width, visible = box.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert width <= visible, f"the list is {width}px wide in a {visible}px box"


def succeeded(page):
    """The admin's success messages; no error shown."""
    errors = page.locator(".errorlist, .errornote, .messagelist .error")
    assert errors.count() == 0, errors.all_inner_texts()
    return page.locator(".messagelist .success").all_inner_texts()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_secretariat_edits_draws_and_issues(journey, secretary, replaced, language):
    delegation = replaced
    meeting = delegation.meeting
    j = journey(person="secretariat", size="desktop", language=language)
    page = j.page
    log_in(j)
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

    # The delegation after its focal point replaced people: found in the list (three of
    # three seats taken), opened, saved with a change.
    j.goto("/admin/delegations/delegation/")
    whole_columns(page)
    j.step("delegations")
    row = page.get_by_role("row").filter(has_text="Vienna meeting")
    assert row.locator("td.field-participant_count").inner_text() == (
        "3 من 3" if language == "ar" else "3 of 3"
    )
    with page.expect_navigation():
        row.get_by_role("link").click()
    assert page.url.endswith(f"/admin/delegations/delegation/{delegation.pk}/change/")
    j.step("delegation")
    page.fill("#id_protocol_order", "4")
    with page.expect_navigation():
        page.locator('input[name="_save"]').click()
    [message] = succeeded(page)
    # In the admin's language: the Arabic admin names the OSCE in Arabic.
    assert delegation.organization.name_in(language) in message
    j.step("delegation-saved")
    delegation.refresh_from_db()
    assert delegation.protocol_order == 4

    # Its organization's page, officials and all, and the programme, still at 1280 px.
    j.goto(f"/admin/delegations/organization/{delegation.organization_id}/change/")
    j.step("organization")
    j.goto("/admin/agenda/session/")
    whole_columns(page)
    j.step("sessions")

    # The seating drawn by lot from the meetings' list.
    j.goto("/admin/delegations/meeting/")
    whole_columns(page)
    j.step("meetings")
    page.get_by_role("row").filter(has_text="Vienna meeting").locator(
        'input[name="_selected_action"]'
    ).check()
    page.select_option('select[name="action"]', "draw_seating_horseshoe")
    with page.expect_navigation():
        page.locator('button[name="index"]').click()
    [message] = succeeded(page)
    assert delegation.organization.name_in(language) in message
    assert meeting.seating_draws.count() == 1
    j.step("seating-drawn")

    # The provisional list of participants, then its first revision.
    j.goto("/desk/documents/participants/versions/")
    j.step("versions")
    page.fill("#id_symbol", "OSCE-UN/2027/INF/1")
    with page.expect_navigation():
        page.locator('button[value="provisional"]').click()
    j.step("provisional-issued")
    with page.expect_navigation():
        page.locator('button[value="revision"]').click()
    rows = page.locator("tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in rows] == [
        "OSCE-UN/2027/INF/1",
        "OSCE-UN/2027/INF/1/Rev.1",
    ]
    j.step("revision-issued")
