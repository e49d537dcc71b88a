"""The audit trail: who changed what, when, and what it was before; revertible in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from agenda.desk import REGISTRATION_DESK
from agenda.models import Attendance, Session
from agenda.seed import seed_meeting
from delegations.models import Participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def session_form(session, **changes):
    local_start, local_end = session.local_start, session.local_end
    data = {
        "meeting": session.meeting_id,
        "kind": session.kind,
        "title_en": session.title,
        "room": session.room_id or "",
        "starts_at_0": local_start.date().isoformat(),
        "starts_at_1": local_start.strftime("%H:%M"),
        "ends_at_0": local_end.date().isoformat(),
        "ends_at_1": local_end.strftime("%H:%M"),
        "chair": session.chair_id or "",
        "is_provisional": "on" if session.is_provisional else "",
        "notes_en": session.notes,
        "items-TOTAL_FORMS": 0,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def test_a_session_change_is_recorded_with_who_when_and_before(secretariat_client):
    meeting, _ = seed_meeting()
    session = Session.objects.get(meeting=meeting, title="Peace-building")
    url = reverse("admin:agenda_session_change", args=[session.pk])
    response = secretariat_client.post(url, session_form(session, title_en="Peace-building II"))
    assert response.status_code == 302

    latest = session.history.first()
    assert latest.history_type == "~"
    assert latest.history_user.username == "secretary"
    assert latest.title == "Peace-building II"
    assert latest.prev_record.title == "Peace-building"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("title", "Peace-building", "Peace-building II")
    ]
    assert (latest.title_en, latest.prev_record.title_en) == (
        "Peace-building II",
        "Peace-building",
    )
    history = secretariat_client.get(reverse("admin:agenda_session_history", args=[session.pk]))
    assert "secretary" in history.content.decode()


def test_the_secretariat_reverts_a_session_in_the_admin(secretariat_client):
    meeting, _ = seed_meeting()
    session = Session.objects.get(meeting=meeting, title="Peace-building")
    original = session.history.first()
    secretariat_client.post(
        reverse("admin:agenda_session_change", args=[session.pk]),
        session_form(session, title_en="Renamed by mistake"),
    )
    revert_url = reverse(
        "admin:agenda_session_simple_history", args=[session.pk, original.history_id]
    )
    page = secretariat_client.get(revert_url)
    assert page.status_code == 200
    assert 'value="Peace-building"' in page.content.decode()
    response = secretariat_client.post(revert_url, session_form(original.instance))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Peace-building"
    assert session.history.first().history_user.username == "secretary"


def test_check_ins_and_undos_are_recorded_with_the_desk_user(client):
    meeting, _ = seed_meeting()
    desk = UserFactory(username="door")
    desk.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    client.force_login(desk)
    session = Session.objects.get(meeting=meeting, title="Peace-building")
    hoynck = Participant.objects.get(official__family_name="Höynck")
    fields = {"session": session.pk, "participant": hoynck.pk}
    client.post(reverse("desk:check_in"), fields)
    client.post(reverse("desk:undo"), fields)

    records = list(Attendance.history.filter(participant_id=hoynck.pk).order_by("history_date"))
    assert [(r.history_type, r.history_user.username) for r in records] == [
        ("+", "door"),
        ("-", "door"),
    ]
    assert records[0].checked_in_by_id == desk.pk
    assert not Attendance.objects.exists()
