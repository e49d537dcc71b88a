import datetime

import pytest
from django.core.management import CommandError, call_command

from agenda.generate import generate_meeting
from agenda.models import Attendance, Session
from delegations.models import Delegation, Meeting, Official, Participant

pytestmark = pytest.mark.django_db


def fingerprint(meeting):
    return (
        list(
            Participant.objects.filter(delegation__meeting=meeting)
            .order_by("badge_number")
            .values_list("badge_number", "official__family_name", "official__given_name", "role")
        ),
        list(
            Session.objects.filter(meeting=meeting).values_list("title", "starts_at", "room__name")
        ),
        Attendance.objects.filter(session__meeting=meeting).count(),
    )


def test_generated_meeting_has_the_requested_size():
    meeting = generate_meeting(organizations=7, participants=40, days=3, seed=5)
    assert meeting.slug == "generated-5"
    assert meeting.days[0] == meeting.start_date and len(meeting.days) == 3
    assert Delegation.objects.filter(meeting=meeting).count() == 7
    participants = Participant.objects.filter(delegation__meeting=meeting)
    assert participants.count() == 40
    # One head per delegation, and nobody over the seats.
    assert participants.filter(role=Participant.Role.HEAD).count() == 7
    assert meeting.seats_per_delegation == 6
    for day in meeting.days:
        assert 4 <= Session.objects.on_day(meeting, day).count() <= 8
    for session in Session.objects.filter(meeting=meeting):
        session.full_clean()  # inside the meeting, no room double-booked
    assert Attendance.objects.filter(session__meeting=meeting).exists()
    assert all(
        o.sort_key for o in Official.objects.filter(participations__delegation__meeting=meeting)
    )


def test_same_seed_same_meeting_and_rerun_replaces_it():
    first = fingerprint(generate_meeting(organizations=5, participants=20, days=2, seed=11))
    second = fingerprint(generate_meeting(organizations=5, participants=20, days=2, seed=11))
    assert first == second
    assert Meeting.objects.filter(slug="generated-11").count() == 1
    other = fingerprint(generate_meeting(organizations=5, participants=20, days=2, seed=12))
    assert other[0] != first[0]


def test_command_rejects_impossible_sizes():
    with pytest.raises(CommandError, match="one participant per organization"):
        call_command("generate_meeting", organizations=10, participants=5, days=1, seed=1)


def test_sessions_spread_evenly_over_rooms_and_days_back_to_back_around_lunch():
    meeting = generate_meeting(
        organizations=4, participants=20, days=2, seed=9, rooms=3, sessions=23
    )
    sessions = list(Session.objects.filter(meeting=meeting).select_related("room"))
    assert len(sessions) == 23
    assert len({s.room_id for s in sessions}) == 3
    per_day = [Session.objects.on_day(meeting, day).count() for day in meeting.days]
    assert per_day == [12, 11]
    for day in meeting.days:
        by_room = {}
        for session in Session.objects.on_day(meeting, day).order_by("starts_at"):
            by_room.setdefault(session.room_id, []).append(session)
        counts = sorted(len(rows) for rows in by_room.values())
        assert counts[-1] - counts[0] <= 1  # even over the rooms
        for rows in by_room.values():
            gaps = [b.starts_at - a.ends_at for a, b in zip(rows, rows[1:], strict=False)]
            # Back to back, but for the lunch break between 13:00 and 14:30.
            assert sorted(gaps)[:-1] == [datetime.timedelta(0)] * (len(gaps) - 1)
            assert max(gaps) == datetime.timedelta(minutes=90)
            assert rows[0].local_start.time() == datetime.time(9)
            assert rows[-1].local_end.time() <= datetime.time(18, 30)
    for session in sessions:
        session.full_clean()  # inside the meeting, no room double-booked
    # At most one of the sessions held at the same time per participant.
    parallel = Attendance.objects.filter(session__meeting=meeting).values_list(
        "participant", "session__starts_at"
    )
    assert len(list(parallel)) == len(set(parallel))


def test_command_takes_rooms_and_sessions(capsys):
    call_command(
        "generate_meeting",
        organizations=3,
        participants=9,
        days=1,
        rooms=2,
        sessions=5,
        seed=21,
    )
    assert "5 sessions in 2 rooms over 1 days" in capsys.readouterr().out
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_meeting", organizations=3, participants=9, days=1, rooms=0)
