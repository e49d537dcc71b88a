"""A factory for every model. Defaults build a valid, self-consistent object graph."""

import datetime
import zoneinfo

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from agenda.models import AgendaItem, Attendance, Room, Session, SessionItem
from delegations.models import (
    Credentials,
    Delegation,
    Meeting,
    Official,
    Organization,
    Participant,
)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Meeting number {n} between the UN and partners")
    short_title = factory.Sequence(lambda n: f"Meeting {n}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    venue = "United Nations Headquarters"
    city = "New York"
    start_date = datetime.date(1996, 2, 15)
    end_date = datetime.date(1996, 2, 16)
    time_zone = "America/New_York"
    seats_per_delegation = 5
    is_published = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Regional Organization {n}")
    acronym = factory.Sequence(lambda n: f"RO{n}")
    kind = Organization.Kind.REGIONAL
    headquarters = "Geneva"


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    organization = factory.SubFactory(OrganizationFactory)
    honorific = "H.E. Mr."
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    position = "Secretary-General"
    email = factory.LazyAttribute(lambda o: f"{o.family_name.lower()}@example.org")
    phone = "+1 212 555 0100"


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    meeting = factory.SubFactory(MeetingFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = Delegation.Status.INVITED


class CredentialsFactory(factory.django.DjangoModelFactory):
    """Credentials as received, not verified: a row only, no file is written."""

    class Meta:
        model = Credentials

    delegation = factory.SubFactory(DelegationFactory)
    file = "credentials/1/letter.pdf"
    original_name = "letter.pdf"
    content_type = "application/pdf"
    size = 10
    received = datetime.date(1996, 2, 1)
    uploaded_at = factory.LazyFunction(timezone.now)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    delegation = factory.SubFactory(DelegationFactory)
    official = factory.SubFactory(
        OfficialFactory, organization=factory.SelfAttribute("..delegation.organization")
    )
    role = Participant.Role.ADVISER
    status = Participant.Status.NOMINATED
    badge_number = factory.Sequence(lambda n: f"B-{n:05d}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    name = factory.Sequence(lambda n: f"Conference Room {n}")
    capacity = 100


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Topic {n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    meeting = factory.SubFactory(MeetingFactory)
    kind = Session.Kind.WORKING
    title = factory.Sequence(lambda n: f"Working session {n}")
    room = factory.SubFactory(RoomFactory)
    starts_at = factory.LazyAttribute(
        lambda s: datetime.datetime.combine(s.meeting.start_date, datetime.time(10), NEW_YORK)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=2))
    is_provisional = True


class SessionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionItem

    session = factory.SubFactory(SessionFactory)
    agenda_item = factory.SubFactory(
        AgendaItemFactory, meeting=factory.SelfAttribute("..session.meeting")
    )
    order = 1


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    participant = factory.SubFactory(
        ParticipantFactory, delegation__meeting=factory.SelfAttribute("...session.meeting")
    )
    checked_in_by = factory.SubFactory(UserFactory)


def english_only(meeting):
    """The 1996 meeting as a secretariat that typed it in English only would have it: the
    Arabic pages fall back to the English titles, positions and places (Latin data)."""
    from agenda.models import AgendaItem, Room, Session
    from delegations.models import Delegation, Meeting, Official, Organization, Participant

    Organization.objects.update(name_ar=None)
    Meeting.objects.filter(pk=meeting.pk).update(title_ar="", short_title_ar="")
    Official.objects.update(honorific_ar="", position_ar="")
    Delegation.objects.filter(meeting=meeting).update(representing_ar="")
    Participant.objects.filter(delegation__meeting=meeting).update(representing_ar="")
    Room.objects.update(name_ar="", location_ar="")
    Session.objects.filter(meeting=meeting).update(title_ar="")
    AgendaItem.objects.filter(meeting=meeting).update(title_ar="")
    meeting.refresh_from_db()
    return meeting
