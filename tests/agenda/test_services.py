import pytest
from django.core.exceptions import ValidationError

from agenda.models import Attendance, Session
from agenda.services import attendance_check_in, attendance_undo
from delegations.models import Delegation, Participant
from tests.agenda.desk_data import session_at
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return SessionFactory(meeting=MeetingFactory())


@pytest.fixture
def participant(session):
    return ParticipantFactory(delegation__meeting=session.meeting)


def test_check_in_records_who_and_when(session, participant):
    clerk = UserFactory(username="clerk")

    attendance, created = attendance_check_in(session=session, participant=participant, user=clerk)

    assert created is True
    assert attendance.session == session
    assert attendance.participant == participant
    assert attendance.checked_in_by == clerk
    assert attendance.checked_in_at is not None
    assert Attendance.objects.count() == 1


def test_checking_in_twice_keeps_the_first_record(session, participant):
    first_clerk = UserFactory(username="first")
    first, _ = attendance_check_in(session=session, participant=participant, user=first_clerk)

    again, created = attendance_check_in(
        session=session, participant=participant, user=UserFactory(username="second")
    )

    assert created is False
    assert again.pk == first.pk
    assert again.checked_in_by == first_clerk
    assert again.checked_in_at == first.checked_in_at
    assert Attendance.objects.count() == 1


def test_check_in_without_a_user_records_nobody(session, participant):
    attendance, created = attendance_check_in(session=session, participant=participant, user=None)

    assert created is True
    assert attendance.checked_in_by is None


def test_participant_of_another_meeting_cannot_be_checked_in(session):
    stranger = ParticipantFactory(delegation__meeting=MeetingFactory())

    with pytest.raises(ValidationError) as error:
        attendance_check_in(session=session, participant=stranger, user=None)

    assert error.value.error_list[0].code == "wrong_meeting"
    assert Attendance.objects.count() == 0


def test_cancelled_participant_cannot_be_checked_in(session, participant):
    participant.status = Participant.Status.CANCELLED
    participant.save()

    with pytest.raises(ValidationError) as error:
        attendance_check_in(session=session, participant=participant, user=None)

    assert error.value.error_list[0].code == "cancelled"


def test_participant_of_a_withdrawn_delegation_cannot_be_checked_in(session, participant):
    Delegation.objects.filter(pk=participant.delegation_id).update(
        status=Delegation.Status.WITHDRAWN
    )
    participant.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        attendance_check_in(session=session, participant=participant, user=None)

    assert error.value.error_list[0].code == "inactive_delegation"
    assert error.value.messages == [
        f"The delegation of {participant.delegation.organization} has withdrawn."
    ]


def test_nobody_is_checked_in_to_a_break(session, participant):
    lunch = session_at(session.meeting, 0, 13, kind=Session.Kind.BREAK, room=None)

    with pytest.raises(ValidationError) as error:
        attendance_check_in(session=lunch, participant=participant, user=None)

    assert error.value.error_list[0].code == "break"


def test_undo_removes_the_check_in_once(session, participant):
    attendance_check_in(session=session, participant=participant, user=None)

    assert attendance_undo(session=session, participant=participant) is True
    assert Attendance.objects.count() == 0
    assert attendance_undo(session=session, participant=participant) is False


def test_undo_leaves_other_sessions_alone(session, participant):
    other = session_at(session.meeting, 1, 10)
    attendance_check_in(session=session, participant=participant, user=None)
    attendance_check_in(session=other, participant=participant, user=None)

    attendance_undo(session=session, participant=participant)

    assert list(Attendance.objects.values_list("session_id", flat=True)) == [other.pk]


def test_a_desk_that_loses_the_race_reads_the_winners_check_in(session, participant, monkeypatch):
    winner = UserFactory(username="winner")

    def other_desk_checks_in_first(attendance, **kwargs):
        # Another desk's request commits between this one's look-up and its insert.
        Attendance.objects.create(session=session, participant=participant, checked_in_by=winner)

    monkeypatch.setattr(Attendance, "full_clean", other_desk_checks_in_first)

    attendance, created = attendance_check_in(
        session=session, participant=participant, user=UserFactory(username="loser")
    )

    assert created is False
    assert attendance.checked_in_by == winner
    assert Attendance.objects.count() == 1
