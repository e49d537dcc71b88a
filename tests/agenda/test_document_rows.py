"""The long documents read their people as columns (``values()``), not model instances:
what they print must stay what the models' own properties and translated fields give, in
each of the six languages, fallbacks included."""

import datetime

import pytest
from django.utils import translation

from agenda import documents
from agenda.models import Attendance, Session
from agenda.seed import seed_meeting
from delegations.models import Delegation, Official, Organization, Participant
from meetingsite.dates import list_separator

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "ru", "zh-hans", "ar"]


def printed_by_the_models(participant):
    """A participant as the documents printed them from model instances."""
    return {
        "organization": documents.organization_label(participant.delegation.organization),
        "name": participant.official.full_name,
        "name_alone": participant.official.name,
        "position": participant.official.position,
        "country": participant.official.country,
        "role": participant.get_role_display(),
        "badge_number": participant.badge_number,
        "representing": participant.representing,
    }


@pytest.fixture
def meeting():
    meeting, _created = seed_meeting()
    # Some text missing in some languages, so that each falls back as the models' do.
    Organization.objects.filter(acronym="EU").update(name_fr=None, name_zh_hans=None)
    Official.objects.filter(family_name="Korotchenya").update(honorific_ru="", position_es="")
    Delegation.objects.filter(meeting=meeting).update(representing_ar="")
    for number, session in enumerate(Session.objects.for_desk(meeting)):
        for participant in Participant.objects.expected(meeting)[number::3]:
            Attendance.objects.create(session=session, participant=participant)
    return meeting


@pytest.mark.parametrize("language", LANGUAGES)
def test_people_read_as_columns_print_as_the_models_do(meeting, language):
    with translation.override(language):
        expected = [printed_by_the_models(p) for p in Participant.objects.expected(meeting)]
        assert documents.expected_people(meeting) == expected
        badges = documents.Badges(meeting).rows
        assert [{**row, "qr": row["qr"].text} for row in badges] == [
            {key: row[key] for key in ("name", "organization", "role", "badge_number")}
            | {"qr": row["badge_number"]}
            for row in expected
        ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_of_participants_groups_as_the_models_do(meeting, language):
    with translation.override(language):
        groups = []
        for delegation in Delegation.objects.for_list().filter(meeting=meeting).active():
            members = []
            for participant in delegation.participants.all():
                member = printed_by_the_models(participant)
                members.append(
                    {key: member[key] for key in ("role", "name", "position", "country")}
                    | {
                        "representing": member["representing"]
                        if member["representing"] != delegation.representing
                        else ""
                    }
                )
            groups.append(
                {
                    "organization": documents.organization_label(delegation.organization),
                    "representing": delegation.representing,
                    "members": members,
                }
            )

        assert documents.ParticipantsList(meeting).rows == groups


@pytest.mark.parametrize("language", ["en", "zh-hans", "ar"])
def test_the_attendance_record_lists_each_check_in_as_the_models_do(meeting, language):
    with translation.override(language):
        by_session = {}
        for attendance in Attendance.objects.filter(session__meeting=meeting).select_related(
            "participant__official", "participant__delegation__organization", "session"
        ):
            person = printed_by_the_models(attendance.participant)
            by_session.setdefault(attendance.session_id, []).append(
                (person["organization"], person["name"], person["role"])
            )
        sessions = list(Session.objects.for_desk(meeting))
        records = [documents.AttendanceRecord(meeting, session=session) for session in sessions]

        assert all(record.rows for record in records)  # Check-ins in every session.
        for session, record in zip(sessions, records, strict=True):
            rows = record.blocks[0]["present"]
            assert [row["number"] for row in rows] == list(range(1, len(rows) + 1))
            assert sorted((row["organization"], row["name"], row["role"]) for row in rows) == (
                sorted(by_session[session.pk])
            )
            assert {row["session"] for row in rows} == {session.title}
        # The meeting's CSV: every session's check-ins, session after session.
        assert documents.AttendanceRecord(meeting).check_ins == [
            row for record in records for row in record.rows
        ]


@pytest.mark.parametrize("language", ["en", "zh-hans", "ar"])
def test_the_attendance_record_counts_each_persons_days_and_sessions_as_the_models_do(
    meeting, language
):
    with translation.override(language):
        record = documents.AttendanceRecord(meeting)
        expected = {}
        for participant in Participant.objects.expected(meeting):
            person = printed_by_the_models(participant)
            attended = [
                attendance.session.local_start.date()
                for attendance in participant.attendances.select_related("session")
            ]
            expected[(person["organization"], person["name"])] = (
                person["role"],
                sorted(set(attended)),
                len(attended),
            )
        printed = {
            (group["organization"], member["name"]): member
            for group in record.groups
            for member in group["members"]
        }

        assert printed.keys() == expected.keys()
        assert any(member["sessions"] > 1 for member in printed.values())
        for key, (role, days, sessions) in expected.items():
            member = printed[key]
            assert (member["role"], member["sessions"]) == (role, sessions)
            assert member["days"] == documents.days_list(days, list_separator())


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "30 Jan, 15, 16 Feb, 1 Mar"),
        ("fr", "30 Jan, 15, 16 Fév, 1 Mar"),  # Django's French "M"
        ("zh-hans", "30 一月、15、16 二月、1 三月"),
        ("ar", "30 يناير و15 و16 فبراير و1 مارس"),  # CLDR's Arabic list: "and" each time
    ],
)
def test_a_persons_days_name_each_month_once(language, written):
    days = {datetime.date(1996, 2, 16), datetime.date(1996, 3, 1), datetime.date(1996, 1, 30)}
    days.add(datetime.date(1996, 2, 15))
    with translation.override(language):
        assert documents.days_list(days, list_separator()) == written
        assert documents.days_list(set(), list_separator()) == ""
