import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agenda.desk import REGISTRATION_DESK, default_session
from agenda.models import Attendance, Session
from delegations.groups import SECRETARIAT
from delegations.models import Delegation, Participant
from tests.agenda.desk_data import build_meeting, checked_in, session_at, working_sessions
from tests.factories import (
    NEW_YORK,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return build_meeting(delegations=2, members=2, sessions=2)


@pytest.fixture
def hoynck(meeting):
    organization = OrganizationFactory(
        name="Organization for Security and Co-operation in Europe", acronym="OSCE"
    )
    delegation = DelegationFactory(meeting=meeting, organization=organization, status="accredited")
    return ParticipantFactory(
        delegation=delegation,
        official=OfficialFactory(
            organization=organization,
            honorific="H.E. Mr.",
            given_name="Wilhelm",
            family_name="Höynck",
        ),
        role=Participant.Role.HEAD,
        badge_number="96-0011",
    )


def _desk_urls(meeting):
    session = working_sessions(meeting)[0]
    return [
        reverse("desk:index"),
        f"{reverse('desk:counts')}?session={session.pk}",
        reverse("desk:documents"),
        reverse("desk:sign_in_session", args=[session.pk]),
        reverse("desk:sign_in_day", args=[meeting.start_date.isoformat()]),
        reverse("desk:participants"),
        reverse("desk:attendance"),
        reverse("desk:badges"),
    ]


# --- Who may use the desk --------------------------------------------------------------------


def test_registration_desk_group_may_use_the_desk_and_nothing_else():
    desk = Group.objects.get(name=REGISTRATION_DESK)

    assert list(desk.permissions.values_list("content_type__app_label", "codename")) == [
        ("agenda", "use_desk")
    ]


def test_secretariat_may_use_the_desk_and_edit_the_register():
    codenames = set(
        Group.objects.get(name=SECRETARIAT).permissions.values_list("codename", flat=True)
    )

    assert {"use_desk", "change_participant", "change_attendance"} <= codenames


def test_anonymous_visitors_are_sent_to_the_desk_login(client, meeting):
    for url in _desk_urls(meeting):
        response = client.get(url)
        assert response.status_code == 302, url
        assert (
            response["Location"]
            == f"{reverse('desk:login')}?next={url.replace('?', '%3F').replace('=', '%3D')}"
        )


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(username="visitor"),
        lambda: UserFactory(username="staff", is_staff=True),
    ],
    ids=["logged-in-visitor", "staff-without-the-right"],
)
def test_logged_in_users_without_the_right_get_403(client, meeting, make_user):
    client.force_login(make_user())
    session = working_sessions(meeting)[0]
    participant = Participant.objects.filter(delegation__meeting=meeting).first()

    for url in _desk_urls(meeting):
        assert client.get(url).status_code == 403, url
    for name in ("desk:check_in", "desk:undo"):
        response = client.post(
            reverse(name), {"session": session.pk, "participant": participant.pk}
        )
        assert response.status_code == 403
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("role", ["desk", "secretariat", "superuser"])
def test_desk_secretariat_and_superusers_reach_every_desk_page(client, meeting, role):
    if role == "desk":
        user = UserFactory(username="desk")
        user.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    elif role == "secretariat":
        user = UserFactory(username="secretary", is_staff=True)
        user.groups.add(Group.objects.get(name=SECRETARIAT))
    else:
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)

    for url in _desk_urls(meeting):
        assert client.get(url).status_code == 200, url


def test_a_single_permission_is_enough_without_the_group(client, meeting):
    user = UserFactory(username="helper")
    user.user_permissions.add(Permission.objects.get(codename="use_desk"))
    client.force_login(user)

    assert client.get(reverse("desk:index")).status_code == 200


def test_desk_users_cannot_edit_the_register_in_the_admin(desk_client, hoynck):
    response = desk_client.get(reverse("admin:delegations_participant_change", args=[hoynck.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_desk_login_page_logs_in_and_goes_to_the_desk(client, desk_user, meeting):
    page = client.get(reverse("desk:login"))
    assert page.status_code == 200
    assert b"Registration desk" in page.content

    response = client.post(
        reverse("desk:login"), {"username": "desk", "password": "a-long-test-password"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:index")


def test_desk_login_shows_a_clear_message_for_a_wrong_password(client, desk_user):
    response = client.post(reverse("desk:login"), {"username": "desk", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


def test_check_in_needs_post_and_a_csrf_token(desk_user, hoynck):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)
    session = working_sessions(hoynck.delegation.meeting)[0]

    assert client.get(reverse("desk:check_in")).status_code == 405
    response = client.post(
        reverse("desk:check_in"), {"session": session.pk, "participant": hoynck.pk}
    )
    assert response.status_code == 403
    assert Attendance.objects.count() == 0


# --- Which session ---------------------------------------------------------------------------


def test_default_session_is_the_one_under_way_else_the_next_else_the_last(meeting):
    first, second = working_sessions(meeting)  # Thu 10:00-12:00, Fri 10:00-12:00 New York

    def at(day, hour):
        return datetime.datetime(1996, 2, day, hour, tzinfo=NEW_YORK)

    times = [(session.starts_at, session.ends_at) for session in (first, second)]
    assert default_session(times, at(15, 11)) == 0
    assert default_session(times, at(15, 8)) == 0
    assert default_session(times, at(15, 13)) == 1
    assert default_session(times, at(16, 11)) == 1
    assert default_session(times, at(17, 9)) == 1
    assert default_session([], at(15, 11)) is None


def test_the_desk_opens_at_the_session_under_way(desk_client, meeting, monkeypatch):
    second = working_sessions(meeting)[1]
    monkeypatch.setattr(timezone, "now", lambda: second.starts_at + datetime.timedelta(minutes=5))

    response = desk_client.get(reverse("desk:index"))

    assert response.context["session"] == second
    assert f'<option value="{second.pk}" selected>' in response.content.decode()


def test_desk_shows_the_chosen_session_and_leaves_breaks_out(desk_client, meeting):
    lunch = session_at(meeting, 0, 13, kind=Session.Kind.BREAK, room=None, title="Lunch")
    first, second = working_sessions(meeting)[:2]

    response = desk_client.get(reverse("desk:index"), {"session": second.pk})

    assert response.context["session"] == second
    options = re.findall(r'<option value="(\d+)"( selected)?>', response.content.decode())
    assert options == [(str(first.pk), ""), (str(second.pk), " selected")]
    assert lunch.pk not in [int(pk) for pk, _selected in options]


def test_desk_without_a_current_meeting_says_so(desk_client):
    MeetingFactory(is_current=False)

    response = desk_client.get(reverse("desk:index"))

    assert response.status_code == 200
    assert "No meeting is marked current." in response.content.decode()


# --- Search ----------------------------------------------------------------------------------


def _names(response):
    return [row["full_name"] for row in response.context["rows"]]


@pytest.mark.parametrize(
    "query",
    ["hoynck", "HÖYNCK", "Hoynck", "wilhelm hoynck", "osce", "security and co-op", "96-0011"],
)
def test_search_by_name_organization_or_badge_ignores_accents_and_case(desk_client, hoynck, query):
    response = desk_client.get(reverse("desk:index"), {"q": query})

    assert _names(response) == ["H.E. Mr. Wilhelm Höynck"]


def test_a_single_result_not_yet_checked_in_takes_the_focus(desk_client, hoynck):
    response = desk_client.get(reverse("desk:index"), {"q": "96-0011"})

    assert response.context["focus_row"] == hoynck.pk
    assert 'desk-button" autofocus' in response.content.decode()


def test_search_without_a_match_says_so(desk_client, hoynck):
    response = desk_client.get(reverse("desk:index"), {"q": "nobody"})

    assert _names(response) == []
    assert "Nobody matches “nobody”." in response.content.decode()


def test_desk_lists_expected_participants_in_protocol_order(desk_client, meeting):
    cancelled = Participant.objects.filter(delegation__meeting=meeting).last()
    cancelled.status = Participant.Status.CANCELLED
    cancelled.save()

    response = desk_client.get(reverse("desk:index"))

    assert _names(response) == [
        "H.E. Mr. Given0 Family0000",
        "H.E. Mr. Given1 Family0000",
        "H.E. Mr. Given0 Family0001",
    ]


# --- Check-in and undo -----------------------------------------------------------------------


def test_check_in_without_javascript_records_and_comes_back(desk_client, desk_user, hoynck):
    session = working_sessions(hoynck.delegation.meeting)[0]

    response = desk_client.post(
        reverse("desk:check_in"), {"session": session.pk, "participant": hoynck.pk, "q": "hoy"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/desk/?session={session.pk}&q=hoy#p{hoynck.pk}"
    attendance = Attendance.objects.get()
    assert (attendance.session, attendance.participant, attendance.checked_in_by) == (
        session,
        hoynck,
        desk_user,
    )
    page = desk_client.get(response["Location"])
    assert "H.E. Mr. Wilhelm Höynck is checked in." in page.content.decode()
    assert page.context["counts"] == {"expected": 5, "present": 1, "absent": 4}
    assert page.context["rows"][0]["present"] is True


def test_check_in_with_javascript_answers_json(desk_client, hoynck):
    session = working_sessions(hoynck.delegation.meeting)[0]

    response = desk_client.post(
        reverse("desk:check_in"),
        {"session": session.pk, "participant": hoynck.pk},
        headers={"accept": "application/json"},
    )

    data = response.json()
    assert data["ok"] is True
    assert data["changed"] is True
    assert data["present"] is True
    assert data["message"] == "H.E. Mr. Wilhelm Höynck is checked in."
    assert data["counts"] == {"expected": 5, "present": 1, "absent": 4}
    assert f'id="p{hoynck.pk}"' in data["row"]
    assert 'action="/desk/undo/"' in data["row"]


def test_a_checked_in_row_says_since_when_and_by_whom_in_the_readers_language(desk_client, hoynck):
    session = working_sessions(hoynck.delegation.meeting)[0]
    desk_client.post(reverse("desk:check_in"), {"session": session.pk, "participant": hoynck.pk})
    local = Attendance.objects.get().checked_in_at.astimezone(hoynck.delegation.meeting.tz)
    url = reverse("desk:index")

    english = desk_client.get(url, {"session": session.pk, "q": "hoynck"}).content.decode()
    arabic = desk_client.get(
        url, {"session": session.pk, "q": "hoynck"}, HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()

    since = f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
    assert f"Present since {since} (desk)" in english
    assert (
        'Undo<span class="visually-hidden"> check-in of Wilhelm Höynck</span></button>' in english
    )
    # The Latin user name isolated in the right-to-left sentence.
    assert '(<bdi dir="ltr">desk</bdi>)' in arabic and "حاضر منذ " in arabic
    assert (
        'تراجع<span class="visually-hidden"> عن تسجيل حضور Wilhelm Höynck</span></button>'
        in arabic
    )


def test_checking_in_twice_is_harmless(desk_client, hoynck):
    session = working_sessions(hoynck.delegation.meeting)[0]
    data = {"session": session.pk, "participant": hoynck.pk}
    desk_client.post(reverse("desk:check_in"), data)

    response = desk_client.post(
        reverse("desk:check_in"), data, headers={"accept": "application/json"}
    )

    assert response.json()["changed"] is False
    assert response.json()["message"] == "H.E. Mr. Wilhelm Höynck was already checked in."
    assert Attendance.objects.count() == 1


def test_undo_removes_the_check_in(desk_client, hoynck):
    session = working_sessions(hoynck.delegation.meeting)[0]
    data = {"session": session.pk, "participant": hoynck.pk}
    desk_client.post(reverse("desk:check_in"), data)

    response = desk_client.post(reverse("desk:undo"), data, headers={"accept": "application/json"})

    assert response.json()["present"] is False
    assert response.json()["counts"] == {"expected": 5, "present": 0, "absent": 5}
    assert 'action="/desk/check-in/"' in response.json()["row"]
    assert Attendance.objects.count() == 0


def test_cancelled_or_foreign_participants_and_unknown_sessions_are_not_found(desk_client, hoynck):
    session = working_sessions(hoynck.delegation.meeting)[0]
    stranger = ParticipantFactory(delegation__meeting=MeetingFactory())
    hoynck.status = Participant.Status.CANCELLED
    hoynck.save()

    for data in (
        {"session": session.pk, "participant": hoynck.pk},
        {"session": session.pk, "participant": stranger.pk},
        {"session": session.pk, "participant": "x"},
        {"session": 999999, "participant": stranger.pk},
    ):
        assert desk_client.post(reverse("desk:check_in"), data).status_code == 404
    assert Attendance.objects.count() == 0


def test_counts_endpoint_keeps_the_page_live(desk_client, hoynck):
    session = working_sessions(hoynck.delegation.meeting)[0]
    Attendance.objects.create(session=session, participant=hoynck)

    response = desk_client.get(reverse("desk:counts"), {"session": session.pk})

    assert json.loads(response.content) == {"expected": 5, "present": 1, "absent": 4}
    assert desk_client.get(reverse("desk:counts"), {"session": "x"}).status_code == 404


def test_present_counts_only_those_expected_at_that_session(hoynck, geneva):
    """The count is compiled once with stand-in ids (agenda.models._present_count): each
    session and meeting still gets its own figures, and the rule of ``expected`` holds."""
    meeting = hoynck.delegation.meeting
    first, second = working_sessions(meeting)[:2]
    cancelled, withdrawn = Participant.objects.expected(meeting).exclude(pk=hoynck.pk)[:2]
    for participant in (hoynck, cancelled, withdrawn):
        Attendance.objects.create(session=first, participant=participant)
    Participant.objects.filter(pk=cancelled.pk).update(status=Participant.Status.CANCELLED)
    withdrawn.delegation.status = Delegation.Status.WITHDRAWN
    withdrawn.delegation.save()
    expected = Participant.objects.expected(meeting).count()
    elsewhere = session_at(geneva, 0, 9)
    stranger = ParticipantFactory(delegation=DelegationFactory(meeting=geneva))
    Attendance.objects.create(session=elsewhere, participant=stranger)

    assert Attendance.objects.counts_at(first) == {
        "expected": expected,
        "present": 1,
        "absent": expected - 1,
    }
    assert Attendance.objects.counts_at(second)["present"] == 0
    assert Attendance.objects.counts_at(elsewhere) == {"expected": 1, "present": 1, "absent": 0}


def test_desk_page_works_without_javascript_and_loads_its_script(desk_client, hoynck):
    html = desk_client.get(reverse("desk:index")).content.decode()

    assert '<form method="post" action="/desk/check-in/" class="desk-action">' in html
    assert 'src="/static/desk/desk.js"' in html
    assert hoynck.official.email not in html
    assert hoynck.official.phone not in html


# --- Queries do not grow with the meeting ----------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_desk_query_count_does_not_grow(desk_client, django_assert_num_queries, size):
    meeting = build_meeting(delegations=size, members=2, sessions=2)
    session = working_sessions(meeting)[0]
    for participant in Participant.objects.filter(delegation__meeting=meeting)[:size]:
        Attendance.objects.create(session=session, participant=participant)

    # session, user, permissions (one query: meetingsite.auth), data versions, meeting,
    # sessions, expected count and first page (the tests' dummy cache never keeps them),
    # participants with their check-ins and the present count
    with django_assert_num_queries(9):
        response = desk_client.get(reverse("desk:index"), {"session": session.pk})
    assert len(response.context["rows"]) == 2 * size

    with django_assert_num_queries(9):
        desk_client.get(reverse("desk:index"), {"session": session.pk, "q": "family"})


@pytest.mark.parametrize("size", [2, 12])
def test_check_in_query_count_does_not_grow(desk_client, django_assert_num_queries, size):
    # With the meeting's sessions too: a check-in reads only its own.
    meeting = build_meeting(delegations=size, members=2, sessions=size // 2 + 1)
    session = working_sessions(meeting)[0]
    participant = Participant.objects.filter(delegation__meeting=meeting).last()

    with django_assert_num_queries(16):  # including its audit-trail row
        desk_client.post(
            reverse("desk:check_in"),
            {"session": session.pk, "participant": participant.pk},
            headers={"accept": "application/json"},
        )


@pytest.mark.parametrize(
    ("time_zone", "city", "start", "at", "session_line", "present"),
    [
        (
            "Europe/Vienna",
            "Vienna",
            datetime.datetime(1996, 2, 15, 10),
            datetime.datetime(1996, 2, 15, 9, 5, tzinfo=datetime.UTC),
            "Thu 15 Feb, 10:00–12:00",
            "Present since Thu 15 Feb, 10:05 (—)",
        ),
        # Geneva in summer, checked in the evening before: 21:45 on 30 June.
        (
            "Europe/Zurich",
            "Geneva",
            datetime.datetime(2026, 7, 1, 10),
            datetime.datetime(2026, 6, 30, 19, 45, tzinfo=datetime.UTC),
            "Wed 1 Jul, 10:00–12:00",
            "Present since Tue 30 Jun, 21:45 (—)",
        ),
    ],
)
def test_times_are_shown_in_the_meetings_own_time_zone_with_the_day(
    desk_client, server_time_zone, time_zone, city, start, at, session_line, present
):
    session = checked_in(time_zone=time_zone, city=city, start=start, at=at)

    html = desk_client.get(reverse("desk:index")).content.decode()

    assert f"{session_line} · {session.title}" in html
    assert present in html


DESK_OVER = (
    "The meeting ended on 16 February 1996. The attendance record and the other documents "
    "still print, under Documents; a check-in made now corrects the record of a past session."
)


def test_the_desk_says_when_the_meeting_is_over_and_what_still_works(desk_client, meeting):
    html = desk_client.get(reverse("desk:index")).content.decode()
    assert DESK_OVER in html
    assert f'{DESK_OVER} <a href="{reverse("desk:documents")}">Documents</a>' in html


def test_the_desk_on_the_meetings_last_evening_says_nothing_of_it(
    desk_client, meeting, monkeypatch
):
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(1996, 2, 16, 23, 0, tzinfo=NEW_YORK)
    )
    assert DESK_OVER not in desk_client.get(reverse("desk:index")).content.decode()


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("desk:index", "/desk/"),
        ("desk:documents", "/desk/documents/"),
        ("desk:participant_versions", None),
    ],
)
def test_every_desk_page_has_one_navigation_bar_marking_where_you_are(
    desk_client, hoynck, name, current
):
    html = desk_client.get(reverse(name)).content.decode()

    assert html.count('<nav class="site-nav desk-nav" aria-label="Registration desk">') == 1
    marked = [
        link
        for link in ("/desk/", "/desk/documents/")
        if f'href="{link}" aria-current="page"' in html
    ]
    assert marked == ([current] if current else [])
    assert 'href="/static/desk/desk.css"' in html


def test_the_desk_login_page_loads_the_desk_styles(client):
    html = client.get(reverse("desk:login")).content.decode()

    assert 'href="/static/desk/desk.css"' in html
