"""The seating plan in a real Chromium: drawn where a person sees it, in protocol order."""

import pytest
from django.contrib.auth.models import Group, Permission

from agenda import services
from agenda.desk import REGISTRATION_DESK
from delegations.models import Meeting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desk_officer(db):
    group, _ = Group.objects.get_or_create(name=REGISTRATION_DESK)
    group.permissions.add(Permission.objects.get(codename="use_desk"))
    user = UserFactory(username="desk")
    user.groups.add(group)
    return user


def test_the_seating_plan_is_drawn_in_protocol_order(page, site, desk_officer, tmp_path):
    services.seating_draw(meeting=Meeting.objects.current(), seed=1996)
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(f"{site}/desk/documents/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.get_by_role("link", name="Seating plan", exact=True).click()

    drawing = page.locator("svg.seating-plan")
    box = drawing.bounding_box()
    assert box["width"] > 500 and box["height"] > 400  # laid out at a readable size
    assert drawing.locator("g.place").count() == 16
    assert drawing.locator("g.place.presiding").count() == 3
    first = drawing.locator("g.place[data-number='4']")
    assert first.bounding_box()["x"] < box["x"] + box["width"] / 2  # at the head's right
    assert page.locator("table.seating tbody tr td:nth-child(2)").all_inner_texts()[:5] == [
        "Secretary-General of the United Nations",
        "President of the General Assembly",
        "President of the Security Council",
        "Organization of African Unity",
        "Organization of American States",
    ]
    screenshot = tmp_path / "seating.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 20_000
    # Only the missing favicon may complain; the CSP blocks nothing on this page.
    assert [p for p in problems if "Content Security Policy" in p] == []
