"""The registration desk in a real Chromium: keyboard-only check-in, then the printed lists."""

import pypdfium2
import pytest
from django.contrib.auth.models import Group, Permission

from agenda.desk import REGISTRATION_DESK
from agenda.models import Attendance, Session
from tests.factories import UserFactory

# serialized_rollback: put back what migrations created (groups, permissions) after the
# flush, for the tests that run after these in the same process.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desk_officer(db):
    # A transactional test may follow another that flushed the groups the migrations made.
    group, _ = Group.objects.get_or_create(name=REGISTRATION_DESK)
    group.permissions.add(Permission.objects.get(codename="use_desk"))
    user = UserFactory(username="desk")
    user.groups.add(group)
    return user


def pdf_text(content):
    document = pypdfium2.PdfDocument(content)
    return [" ".join(page.get_textpage().get_text_bounded().split()) for page in document]


def test_desk_officer_checks_three_delegates_in_by_keyboard_and_prints(page, site, desk_officer):
    opening = Session.objects.get(title="Opening of the meeting")
    page.goto(f"{site}/desk/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.select_option("#desk-session", str(opening.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()

    for query in ("hoynck", "96-0003", "GAVIRIA"):
        assert page.evaluate("document.activeElement.id") == "desk-q"
        page.keyboard.press("Control+A")
        page.keyboard.type(query)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        address = page.url
        # The browser gives autofocus at its next rendering step, not at load: wait for
        # the single result's button to hold the focus, as a person sees it before typing.
        page.wait_for_function(
            "document.activeElement && document.activeElement.classList.contains('desk-button')"
        )
        page.keyboard.press("Enter")
        page.wait_for_selector("tr.desk-row[data-present='1']")
        assert page.url == address  # checked in without a reload

    assert page.inner_text("[data-count='present']") == "3"
    assert page.inner_text("[data-count='absent']") == "12"
    assert sorted(
        Attendance.objects.filter(session=opening, checked_in_by=desk_officer).values_list(
            "participant__official__family_name", flat=True
        )
    ) == ["Gaviria", "Höynck", "Singh"]

    sheet = page.request.get(f"{site}/desk/documents/sign-in/session/{opening.pk}/?format=pdf")
    record = page.request.get(f"{site}/desk/documents/attendance/session/{opening.pk}/?format=pdf")

    assert sheet.headers["content-type"] == "application/pdf"
    pages = pdf_text(sheet.body())
    assert len(pages) == 2
    assert "Opening of the meeting — Thursday, 15 February 1996, 10:00–11:00" in pages[0]
    assert "H.E. Mr. Wilhelm Höynck" in pages[0]
    assert "Page 1 of 2" in pages[0]
    record_text = " ".join(pdf_text(record.body()))
    assert "3 present of 15 expected" in record_text
    assert record_text.index("H.E. Mr. Ajit Singh") < record_text.index("H.E. Mr. César Gaviria")
