import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from delegations.models import Delegation, Meeting, Official, Participant, fold
from tests.factories import (
    CredentialsFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db


def test_fold_removes_accents_and_case():
    assert fold("Höynck") == "hoynck"
    assert fold("  César   GAVIRIA ") == "cesar gaviria"
    assert fold("موفق العلاف") == "موفق العلاف"


def test_meeting_str_and_days():
    meeting = MeetingFactory(short_title="Second Meeting")
    assert str(meeting) == "Second Meeting (1996)"
    assert meeting.days == [datetime.date(1996, 2, 15), datetime.date(1996, 2, 16)]


def test_meeting_cannot_end_before_it_starts_in_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(start_date=datetime.date(1996, 2, 16), end_date=datetime.date(1996, 2, 15))


def test_meeting_cannot_end_before_it_starts_in_validation():
    meeting = MeetingFactory.build(
        start_date=datetime.date(1996, 2, 16), end_date=datetime.date(1996, 2, 15)
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.messages == ["The meeting cannot end before it starts."]


def test_only_one_meeting_is_current():
    MeetingFactory(is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(is_current=True)
    second = MeetingFactory.build(is_current=True)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.messages == ["Another meeting is already marked current."]
    assert Meeting.objects.current() == Meeting.objects.get(is_current=True)


def test_meeting_time_zone_must_be_known():
    meeting = MeetingFactory.build(time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["time_zone"] == [
        "“Mars/Olympus_Mons” is not a known time zone (for example America/New_York)."
    ]


def test_meeting_needs_a_seat_per_delegation():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(seats_per_delegation=0)


def test_organization_sort_name_defaults_to_folded_name():
    organization = OrganizationFactory(name="Économie Régionale", acronym="ER")
    assert organization.sort_name == "economie regionale"
    assert str(organization) == "Économie Régionale (ER)"
    assert str(OrganizationFactory(name="Commonwealth Secretariat", acronym="")) == (
        "Commonwealth Secretariat"
    )


def test_official_names_and_sort_key():
    official = OfficialFactory(honorific="H.E. Mr.", given_name="Wilhelm", family_name="Höynck")
    assert official.name == "Wilhelm Höynck"
    assert str(official) == "H.E. Mr. Wilhelm Höynck"
    assert official.sort_key == "hoynck wilhelm"


def test_officials_sort_without_regard_to_accents():
    organization = OrganizationFactory()
    for family in ["Hoza", "Höynck", "Hoyle"]:
        OfficialFactory(organization=organization, given_name="A", family_name=family)
    assert list(Official.objects.values_list("family_name", flat=True)) == [
        "Hoyle",
        "Höynck",
        "Hoza",
    ]


def test_one_delegation_per_organization_per_meeting():
    delegation = DelegationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(meeting=delegation.meeting, organization=delegation.organization)
    duplicate = Delegation(meeting=delegation.meeting, organization=delegation.organization)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == ["This organization already has a delegation to this meeting."]


def test_delegation_seats_fall_back_to_the_meeting():
    delegation = DelegationFactory(meeting__seats_per_delegation=4)
    assert delegation.seats == 4
    delegation.seats_allowed = 2
    assert delegation.seats == 2


def test_delegation_seats_cannot_be_zero():
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(seats_allowed=0)


def test_one_head_of_delegation_in_database():
    head = ParticipantFactory(role=Participant.Role.HEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(delegation=head.delegation, role=Participant.Role.HEAD)


def test_one_head_of_delegation_in_validation():
    head = ParticipantFactory(role=Participant.Role.HEAD)
    second = ParticipantFactory.build(
        delegation=head.delegation,
        official=OfficialFactory(organization=head.delegation.organization),
        role=Participant.Role.HEAD,
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.messages == ["The delegation already has a head of delegation."]


def test_a_cancelled_head_makes_room_for_a_new_one():
    head = ParticipantFactory(role=Participant.Role.HEAD, status=Participant.Status.CANCELLED)
    new_head = ParticipantFactory(delegation=head.delegation, role=Participant.Role.HEAD)
    assert new_head.pk is not None


def test_official_appears_once_per_delegation():
    participant = ParticipantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(delegation=participant.delegation, official=participant.official)


def test_badge_numbers_are_unique_but_may_be_blank():
    ParticipantFactory(badge_number="96-0001")
    ParticipantFactory(badge_number="")
    ParticipantFactory(badge_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(badge_number="96-0001")


def test_participant_must_be_an_official_of_the_delegations_organization():
    delegation = DelegationFactory(
        organization__name="Caribbean Community", organization__acronym="CARICOM"
    )
    stranger = OfficialFactory(given_name="Ajit", family_name="Singh", honorific="")
    participant = Participant(delegation=delegation, official=stranger)
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert error.value.message_dict["official"] == [
        "Ajit Singh is not an official of Caribbean Community (CARICOM)."
    ]


def test_participant_cannot_exceed_the_seats():
    delegation = DelegationFactory(seats_allowed=2)
    ParticipantFactory.create_batch(2, delegation=delegation)
    third = Participant(
        delegation=delegation, official=OfficialFactory(organization=delegation.organization)
    )
    with pytest.raises(ValidationError) as error:
        third.full_clean()
    assert error.value.messages == ["The delegation has no seat left (2 allowed)."]
    third.status = Participant.Status.CANCELLED
    third.full_clean()


def test_participants_order_head_first_then_by_role():
    delegation = DelegationFactory()
    adviser = ParticipantFactory(delegation=delegation, role=Participant.Role.ADVISER)
    observer = ParticipantFactory(delegation=delegation, role=Participant.Role.OBSERVER)
    head = ParticipantFactory(delegation=delegation, role=Participant.Role.HEAD)
    alternate = ParticipantFactory(delegation=delegation, role=Participant.Role.ALTERNATE)
    assert list(delegation.participants.all()) == [head, alternate, adviser, observer]
    assert str(head) == f"{head.official} (Head of delegation)"


def test_delegations_for_list_in_protocol_order_with_fixed_queries(django_assert_num_queries):
    meeting = MeetingFactory()
    zeta = DelegationFactory(meeting=meeting, organization__name="Zeta Union")
    alpha = DelegationFactory(meeting=meeting, organization__name="Alpha League")
    first = DelegationFactory(
        meeting=meeting, organization__name="Middle Community", protocol_order=1
    )
    for delegation in (zeta, alpha, first):
        ParticipantFactory.create_batch(2, delegation=delegation)
        ParticipantFactory(delegation=delegation, status=Participant.Status.CANCELLED)
    with django_assert_num_queries(2):
        rows = [
            (d.organization.name, len(d.participants.all()))
            for d in Delegation.objects.filter(meeting=meeting).for_list()
        ]
    assert rows == [("Middle Community", 2), ("Alpha League", 2), ("Zeta Union", 2)]


GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")


def geneva_meeting(**fields):
    """Three summer days at the Palais des Nations (daylight-saving time: UTC+2)."""
    return MeetingFactory.build(
        venue="Palais des Nations",
        city="Geneva",
        time_zone="Europe/Zurich",
        start_date=datetime.date(2026, 7, 6),
        end_date=datetime.date(2026, 7, 8),
        paper=Meeting.Paper.A4,
        **fields,
    )


def test_a_deadline_on_the_meetings_last_evening_is_accepted():
    meeting = geneva_meeting(
        registration_deadline=datetime.datetime(2026, 7, 8, 23, 59, tzinfo=GENEVA)
    )
    meeting.full_clean()


def test_a_deadline_after_the_meetings_last_day_is_refused_beside_the_field():
    # 22:30 UTC on the last day is already the next morning in Geneva.
    meeting = geneva_meeting(
        registration_deadline=datetime.datetime(2026, 7, 8, 22, 30, tzinfo=datetime.UTC)
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.error_dict["registration_deadline"][0].code == "deadline_after_meeting"
    assert error.value.message_dict == {
        "registration_deadline": [
            "The registration deadline must fall on or before the meeting's last day, "
            "8 July 2026 (Europe/Zurich)."
        ]
    }


def test_a_meeting_is_over_once_its_last_day_has_ended_in_its_own_zone(monkeypatch):
    meeting = geneva_meeting()
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 7, 8, 21, 59, tzinfo=datetime.UTC)
    )
    assert not meeting.is_over  # 23:59 in Geneva
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 7, 8, 22, 0, tzinfo=datetime.UTC)
    )
    assert meeting.is_over  # midnight in Geneva, still 8 July in UTC
    assert meeting.registration_closed  # even without a deadline


def test_a_meeting_that_has_not_ended_keeps_registration_open_without_a_deadline(monkeypatch):
    meeting = geneva_meeting()
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 7, 7, 9, 0, tzinfo=datetime.UTC)
    )
    assert not meeting.is_over
    assert not meeting.registration_closed


def test_a_meetings_page_on_the_site_is_its_public_page():
    assert MeetingFactory(slug="geneva-2026").get_absolute_url() == "/meetings/geneva-2026/"


def test_a_meeting_prints_on_letter_unless_it_says_a4():
    assert MeetingFactory().paper == "letter"
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(paper="legal")


def test_the_credentials_record_alone_says_what_the_credentials_are():
    """Accredited or not, a delegation's credentials read from its Credentials record."""
    delegation = DelegationFactory(status=Delegation.Status.ACCREDITED)
    assert delegation.credentials_state == Delegation.CredentialsState.MISSING
    assert delegation.credentials_state.label == "Missing"
    credentials = CredentialsFactory(delegation=delegation)
    delegation = Delegation.objects.select_related("credentials").get(pk=delegation.pk)
    assert delegation.credentials_state.label == "Received, not verified"
    credentials.verified, credentials.verified_at = True, timezone.now()
    credentials.save()
    delegation = Delegation.objects.select_related("credentials").get(pk=delegation.pk)
    assert delegation.credentials_state == Delegation.CredentialsState.VERIFIED
