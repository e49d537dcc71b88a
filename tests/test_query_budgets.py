"""Query budgets against the generated meeting: every public page, the desk and every
printable document make the same number of queries for a small and a ten-times-larger
meeting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenda.generate import generate_meeting
from agenda.models import Participant, Session

pytestmark = pytest.mark.django_db

# Each public count includes the page cache's read of the data version.
BUDGETS = {
    "home": 8,  # before the meeting: the next session is looked up
    "programme": 5,
    "day": 5,  # the sessions, the agenda items, which session takes which
    "session": 4,
    "session.ics": 5,
    "agenda.ics": 5,
    "agenda.json": 5,
    "participants": 4,
    "background": 2,
    # The desk's meeting, sessions, expected count and first page come from the cache
    # under the data version, read here with the tests' dummy cache: 5 once cached
    # (tests/agenda/test_desk_search.py).
    "desk": 9,
    "desk search": 9,
    "sign-in sheet (session)": 6,
    "sign-in sheet (day)": 5,
    "list of participants": 6,
    "attendance record": 8,  # the check-ins counted, the people read
    "attendance record (session)": 7,
    "badges": 5,
    "list of participants (csv)": 6,
    "attendance record (csv)": 6,  # the check-ins listed
}


def urls(meeting):
    session = Session.objects.filter(meeting=meeting).order_by("starts_at", "pk").first()
    desk_session = Session.objects.for_desk(meeting).first()
    someone = Participant.objects.filter(delegation__meeting=meeting).first()
    return {
        "home": reverse("agenda:home"),
        "programme": reverse("agenda:programme"),
        "day": reverse("agenda:day", args=[meeting.start_date]),
        "session": reverse("agenda:session", args=[session.pk]),
        "session.ics": reverse("agenda:session_ics", args=[session.pk]),
        "agenda.ics": reverse("agenda:programme_ics"),
        "agenda.json": reverse("agenda:programme_json"),
        "participants": reverse("agenda:participants"),
        "background": reverse("agenda:background"),
        "desk": reverse("desk:index") + f"?session={desk_session.pk}",
        "desk search": reverse("desk:index")
        + f"?session={desk_session.pk}&q={someone.official.family_name[:3]}",
        "sign-in sheet (session)": reverse("desk:sign_in_session", args=[desk_session.pk]),
        "sign-in sheet (day)": reverse("desk:sign_in_day", args=[meeting.start_date.isoformat()]),
        "list of participants": reverse("desk:participants"),
        "attendance record": reverse("desk:attendance"),
        "attendance record (session)": reverse("desk:attendance_session", args=[desk_session.pk]),
        "badges": reverse("desk:badges"),
        "list of participants (csv)": reverse("desk:participants") + "?format=csv",
        "attendance record (csv)": reverse("desk:attendance") + "?format=csv",
    }


def measure(client, meeting):
    counts = {}
    for name, url in urls(meeting).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize(
    ("organizations", "participants", "days"), [(4, 20, 2), (40, 200, 4)], ids=["small", "10x"]
)
def test_queries_do_not_grow_with_the_generated_meeting(
    desk_client, organizations, participants, days
):
    meeting = generate_meeting(
        organizations=organizations, participants=participants, days=days, seed=3, current=True
    )
    assert measure(desk_client, meeting) == BUDGETS
