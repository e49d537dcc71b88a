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
