import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agenda.models import Session
from tests.factories import (
    NEW_YORK,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    SessionItemFactory,
)

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return datetime.datetime(1996, 2, day, hour, minute, tzinfo=NEW_YORK)


def test_session_str_in_the_meetings_time_zone():
    session = SessionFactory(title="Peace-building", starts_at=at(16, 10), ends_at=at(16, 13))
    assert str(session) == "Peace-building (Fri 16 Feb 1996, 10:00)"
    assert session.local_start.tzinfo.key == "America/New_York"


def test_session_must_end_after_it_starts_in_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(starts_at=at(15, 10), ends_at=at(15, 10))


def test_session_must_end_after_it_starts_in_validation():
    session = SessionFactory.build(starts_at=at(15, 11), ends_at=at(15, 10), room=None)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "A session must end after it starts." in error.value.messages


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "inside"),
    [
        (at(15, 0, 0), at(15, 1), True),
        (at(16, 22), at(16, 23, 59), True),  # 04:59 UTC on the 17th: still the 16th in New York
        (at(14, 23), at(15, 1), False),
        (at(16, 23), at(17, 0, 30), False),
        (at(17, 9), at(17, 10), False),
    ],
)
def test_session_must_fall_within_the_meeting_in_its_time_zone(starts_at, ends_at, inside):
    meeting = MeetingFactory()
    session = SessionFactory.build(
        meeting=meeting, room=None, starts_at=starts_at, ends_at=ends_at
    )
    if inside:
        session.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            session.full_clean()
        assert error.value.message_dict["starts_at"] == [
            "The session must fall within the meeting's dates, 15 February 1996 to "
            "16 February 1996 (New York time)."
        ]


def test_two_sessions_in_one_room_may_not_overlap():
    room = RoomFactory(name="Conference Room 4")
    first = SessionFactory(room=room, title="Opening", starts_at=at(15, 10), ends_at=at(15, 11))
    clash = SessionFactory.build(
        meeting=first.meeting, room=room, starts_at=at(15, 10, 30), ends_at=at(15, 12)
    )
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert error.value.message_dict["room"] == [
        "Conference Room 4 is already taken at that time by “Opening (Thu 15 Feb 1996, 10:00)”."
    ]


def test_back_to_back_sessions_and_other_rooms_are_fine():
    first = SessionFactory(starts_at=at(15, 10), ends_at=at(15, 11))
    SessionFactory.build(
        meeting=first.meeting, room=first.room, starts_at=at(15, 11), ends_at=at(15, 12)
    ).full_clean()
    SessionFactory.build(
        meeting=first.meeting, room=RoomFactory(), starts_at=at(15, 10), ends_at=at(15, 11)
    ).full_clean()
    # Editing a session does not make it clash with itself.
    first.ends_at = at(15, 11, 30)
    first.full_clean()


def test_sessions_on_day_uses_the_meetings_time_zone():
    meeting = MeetingFactory()
    late = SessionFactory(meeting=meeting, room=None, starts_at=at(15, 21), ends_at=at(15, 23))
    next_morning = SessionFactory(meeting=meeting, starts_at=at(16, 9), ends_at=at(16, 10))
    assert list(Session.objects.on_day(meeting, datetime.date(1996, 2, 15))) == [late]
    assert list(Session.objects.on_day(meeting, datetime.date(1996, 2, 16))) == [next_morning]


@pytest.mark.parametrize("sessions", [1, 6])
def test_programme_query_count_does_not_grow(sessions, django_assert_num_queries):
    meeting = MeetingFactory()
    for n in range(sessions):
        session = SessionFactory(
            meeting=meeting, starts_at=at(15, 8 + n), ends_at=at(15, 9 + n), chair=None
        )
        SessionItemFactory(session=session)
    with django_assert_num_queries(2):
        rows = [
            (s.room.name, s.meeting.slug, [i.agenda_item.title for i in s.items.all()])
            for s in Session.objects.filter(meeting=meeting).for_programme()
        ]
    assert len(rows) == sessions


def test_agenda_item_numbers_are_unique_per_meeting():
    item = AgendaItemFactory(number=3, title="Peace-building")
    assert str(item) == "3. Peace-building"
    AgendaItemFactory(number=3)  # another meeting
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(meeting=item.meeting, number=3)


def test_session_item_must_belong_to_the_sessions_meeting():
    session_item = SessionItemFactory.build(
        session=SessionFactory(), agenda_item=AgendaItemFactory()
    )
    with pytest.raises(ValidationError) as error:
        session_item.full_clean()
    assert error.value.message_dict["agenda_item"] == ["This item belongs to another meeting."]


def test_session_item_is_checked_before_its_session_is_saved():
    """As on the admin's add form, where the session and its items are saved together."""
    session_item = SessionItemFactory.build(
        session=SessionFactory.build(meeting=MeetingFactory()), agenda_item=AgendaItemFactory()
    )
    with pytest.raises(ValidationError) as error:
        session_item.clean()
    assert error.value.message_dict["agenda_item"] == ["This item belongs to another meeting."]


def test_attendance_once_per_session_and_participant():
    attendance = AttendanceFactory()
    assert attendance.participant.delegation.meeting == attendance.session.meeting
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(session=attendance.session, participant=attendance.participant)


def test_attendance_must_be_in_the_sessions_meeting():
    attendance = AttendanceFactory.build(
        session=SessionFactory(), participant=ParticipantFactory()
    )
    with pytest.raises(ValidationError) as error:
        attendance.full_clean()
    assert error.value.message_dict["participant"] == [
        "This participant is not in this session's meeting."
    ]
