"""A meeting in Geneva run end to end by a Secretariat member (never a superuser), in Chromium.

The secretariat creates the meeting, the register and the programme in the admin, invites,
a focal point registers through the private link, the secretariat accredits and creates a
desk account, the desk checks someone in and prints on A4. Every time typed is Geneva time,
whatever the server's TIME_ZONE: the test runs with UTC and with New York.
"""

import datetime
import json
import os
import re
import zoneinfo
from pathlib import Path

import pypdfium2
import pytest
from django.contrib.auth.models import Group
from icalendar import Calendar

from agenda.models import Attendance, Session
from delegations.groups import SECRETARIAT
from delegations.models import Delegation, Meeting, Official
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")
PASSWORD = "a-long-test-password"
# Next July: summer time in Geneva (UTC+2), and the meeting is still to come.
YEAR = datetime.date.today().year + 1
START = datetime.date(YEAR, 7, 6)


@pytest.fixture
def secretary(staff_groups):
    user = UserFactory(username="secretary", is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


def log_in(page, url, username, password=PASSWORD):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def autocomplete(page, field, text):
    """Choose ``text`` in the admin's autocomplete (select2) widget of ``field``."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def save(page):
    with page.expect_navigation():
        page.locator('input[name="_save"]').click()
    errors = page.locator(".errorlist, .errornote")
    assert errors.count() == 0, errors.all_inner_texts()


def run_action(page, changelist, names, action):
    page.goto(changelist)
    for name in names:
        page.get_by_role("row").filter(has_text=name).locator(
            'input[name="_selected_action"]'
        ).check()
    page.select_option('select[name="action"]', label=action)
    with page.expect_navigation():
        page.locator('button[name="index"]').click()


@pytest.mark.parametrize("server_zone", ["UTC", "America/New_York"])
def test_secretariat_runs_a_geneva_meeting(
    tmp_path, browser, live_server, settings, secretary, mailoutbox, server_zone
):
    settings.TIME_ZONE = server_zone
    site = live_server.url
    # The links in e-mails and feeds come from the configured site URL: here, this server.
    settings.SITE_URL = site
    # Kept for a person to look at: SCREENSHOT_DIR=... make browser
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, f"{site}/admin/login/", "secretary")

    # The meeting, made current from the admin.
    page.goto(f"{site}/admin/delegations/meeting/add/")
    page.fill(
        "#id_title_en", "Meeting between the United Nations and Regional Organizations in Geneva"
    )
    page.fill("#id_short_title_en", "Geneva meeting")
    page.fill("#id_venue_en", "Palais des Nations")
    page.fill("#id_city_en", "Geneva")
    page.fill("#id_start_date", START.isoformat())
    page.fill("#id_end_date", (START + datetime.timedelta(days=2)).isoformat())
    page.fill("#id_time_zone", "Europe/Zurich")
    page.select_option("#id_paper", "a4")
    page.check("#id_is_published")
    save(page)
    meeting = Meeting.objects.get(short_title="Geneva meeting")
    run_action(
        page,
        f"{site}/admin/delegations/meeting/",
        ["Geneva meeting"],
        "Make this the current meeting",
    )
    meeting.refresh_from_db()
    assert meeting.is_current

    # Two organizations with their officials, one named in Arabic script.
    for name, acronym, given, family, email in [
        ("League of Arab States", "LAS", "أحمد", "أبو الغيط", "las@example.org"),
        ("Commonwealth of Independent States", "CIS", "Sergei", "Lebedev", "cis@example.org"),
    ]:
        page.goto(f"{site}/admin/delegations/organization/add/")
        page.fill("#id_name_en", name)
        page.fill("#id_acronym", acronym)
        page.locator(".add-row a", has_text="Add another Official").click()
        page.fill("#id_officials-0-honorific", "H.E. Mr.")
        page.fill("#id_officials-0-given_name", given)
        page.fill("#id_officials-0-family_name", family)
        page.fill("#id_officials-0-position", "Secretary-General")
        page.fill("#id_officials-0-email", email)
        save(page)

    # Invitations: the e-mail carries each delegation's private link.
    run_action(
        page,
        f"{site}/admin/delegations/organization/",
        ["League of Arab States", "Commonwealth of Independent States"],
        "Invite to a meeting…",
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Invite and send the e-mails").click()
    assert len(mailoutbox) == 2
    [las_mail] = [m for m in mailoutbox if m.to == ["las@example.org"]]
    link = re.search(r"https?://\S+/register/\S+/", las_mail.body).group(0)

    # The focal point registers the Secretary-General as head of delegation.
    focal = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-GB")
    focal_page = focal.new_page()
    focal_page.goto(link)
    focal_page.fill("#id_delegation-focal_point_name", "Focal Point")
    focal_page.fill("#id_delegation-focal_point_email", "focal@example.org")
    head = Official.objects.get(family_name="أبو الغيط")
    focal_page.select_option("#id_participants-0-official", str(head.pk))
    focal_page.select_option("#id_participants-0-role", "head")
    with focal_page.expect_navigation():
        focal_page.get_by_role("button", name="Save the registration").click()
    assert "/done/" in focal_page.url
    focal.close()
    las = Delegation.objects.get(meeting=meeting, organization__acronym="LAS")
    assert las.status == Delegation.Status.REGISTERED

    run_action(
        page,
        f"{site}/admin/delegations/delegation/",
        ["League of Arab States"],
        "Accredit the delegations and their nominated participants",
    )
    las.refresh_from_db()
    assert las.status == Delegation.Status.ACCREDITED

    # The programme: two rooms, a session typed as 10:00 and one at 15:00, Geneva time.
    for room in ("Room XVII", "Room XX"):
        page.goto(f"{site}/admin/agenda/room/add/")
        page.fill("#id_name_en", room)
        page.fill("#id_capacity", "200")
        save(page)
    for title, room, start, end in [
        ("Opening of the meeting", "Room XVII", "10:00", "11:30"),
        ("Working session on peace-building", "Room XX", "15:00", "18:00"),
    ]:
        page.goto(f"{site}/admin/agenda/session/add/")
        autocomplete(page, "meeting", "Geneva meeting")
        page.select_option("#id_kind", "working")
        page.fill("#id_title_en", title)
        page.select_option("#id_room", label=room)
        page.fill("#id_starts_at_0", START.isoformat())
        page.fill("#id_starts_at_1", start)
        page.fill("#id_ends_at_0", START.isoformat())
        page.fill("#id_ends_at_1", end)
        save(page)
    opening = Session.objects.get(meeting=meeting, title="Opening of the meeting")
    assert opening.starts_at == datetime.datetime(YEAR, 7, 6, 8, tzinfo=datetime.UTC)

    # The public programme, the session's calendar file and the JSON say 10:00 Geneva time.
    public = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-GB")
    public_page = public.new_page()
    public_page.goto(f"{site}/agenda/")
    programme = public_page.locator("main").inner_text()
    assert "10:00" in programme and "Geneva time" in programme
    assert "16:00" not in programme
    public_page.screenshot(path=str(shots / "geneva-programme.png"), full_page=True)
    ics = public_page.request.get(f"{site}/agenda/sessions/{opening.pk}.ics").body()
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(YEAR, 7, 6, 10, tzinfo=GENEVA)
    feed = json.loads(public_page.request.get(f"{site}/agenda.json").body())
    [entry] = [s for s in feed["sessions"] if s["title"] == "Opening of the meeting"]
    assert entry["starts_at"] == f"{YEAR}-07-06T10:00:00+02:00"
    public.close()

    # A desk account made by the secretariat checks the head of delegation in.
    page.goto(f"{site}/admin/meetingsite/deskaccount/add/")
    page.fill("#id_username", "geneva-desk")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    save(page)
    desk = browser.new_context(viewport={"width": 768, "height": 1024}, locale="en-GB")
    desk_page = desk.new_page()
    log_in(desk_page, f"{site}/desk/login/", "geneva-desk")
    desk_page.goto(f"{site}/desk/?session={opening.pk}&q=LAS")
    desk_page.get_by_role("button", name=re.compile("Check in")).first.click()
    desk_page.wait_for_selector("tr.desk-row[data-present='1']")
    desk_page.screenshot(path=str(shots / "geneva-desk.png"), full_page=True)
    attendance = Attendance.objects.get(session=opening)
    assert attendance.participant.delegation == las
    assert attendance.checked_in_by.username == "geneva-desk"

    # The sign-in sheet prints on A4, the meeting's paper.
    pdf = desk_page.request.get(f"{site}/desk/documents/sign-in/session/{opening.pk}/?format=pdf")
    assert pdf.ok
    width, height = pypdfium2.PdfDocument(pdf.body())[0].get_size()
    assert (round(width), round(height)) == (595, 842)
    (shots / "geneva-sign-in.pdf").write_bytes(pdf.body())
    desk.close()
    context.close()
