"""A meeting for the desk's tests: sessions, delegations and participants, at any size."""

import datetime
import zoneinfo

from agenda.models import Attendance, Session
from delegations.models import Delegation, Participant
from tests.factories import (
    NEW_YORK,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
    SessionFactory,
)


def session_at(meeting, day, hour, hours=2, **kwargs):
    start = datetime.datetime.combine(
        meeting.start_date + datetime.timedelta(days=day), datetime.time(hour), NEW_YORK
    )
    return SessionFactory(
        meeting=meeting,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        **kwargs,
    )


def build_meeting(*, delegations=3, members=2, sessions=2):
    """A current meeting whose delegations each have a head and ``members - 1`` advisers."""
    meeting = MeetingFactory(is_current=True)
    for index in range(sessions):
        session_at(meeting, index % 2, 10 + 3 * (index // 2), title=f"Session {index + 1}")
    for index in range(delegations):
        organization = OrganizationFactory(
            name=f"Organization {index:04d}", acronym=f"O{index:04d}"
        )
        delegation = DelegationFactory(
            meeting=meeting,
            organization=organization,
            status=Delegation.Status.ACCREDITED,
            seats_allowed=max(members, 1),
        )
        for member in range(members):
            ParticipantFactory(
                delegation=delegation,
                official=OfficialFactory(
                    organization=organization,
                    given_name=f"Given{member}",
                    family_name=f"Family{index:04d}",
                    position="Secretary-General" if member == 0 else "Adviser",
                ),
                role=Participant.Role.HEAD if member == 0 else Participant.Role.ADVISER,
            )
    return meeting


def working_sessions(meeting):
    return list(
        Session.objects.filter(meeting=meeting)
        .exclude(kind=Session.Kind.BREAK)
        .order_by("starts_at")
    )


def checked_in(*, time_zone, city, start, at, **session):
    """The current meeting in ``time_zone``, a two-hour session at ``start`` (a naive local
    time) and one participant checked in to it at ``at`` (an aware instant)."""
    tz = zoneinfo.ZoneInfo(time_zone)
    meeting = MeetingFactory(
        is_current=True,
        time_zone=time_zone,
        city=city,
        start_date=start.date(),
        end_date=start.date() + datetime.timedelta(days=2),
    )
    start = start.replace(tzinfo=tz)
    session = SessionFactory(
        meeting=meeting, starts_at=start, ends_at=start + datetime.timedelta(hours=2), **session
    )
    participant = ParticipantFactory(delegation__meeting=meeting, delegation__status="accredited")
    attendance = Attendance.objects.create(session=session, participant=participant)
    Attendance.objects.filter(pk=attendance.pk).update(checked_in_at=at)
    return session
