"""The long documents read their people as columns (``values()``), not model instances:
what they print must stay what the models' own properties and translated fields give, in
each of the six languages, fallbacks included."""

import pytest
from django.utils import translation

from agenda import documents
from agenda.models import Attendance, Session
from agenda.seed import seed_meeting
from delegations.models import Delegation, Official, Organization, Participant

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "ru", "zh-hans", "ar"]


def printed_by_the_models(participant):
    """A participant as the documents printed them from model instances."""
    return {
        "organization": documents.organization_label(participant.delegation.organization),
        "name": participant.official.full_name,
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
        record = documents.AttendanceRecord(meeting)
        by_session = {}
        for attendance in Attendance.objects.filter(session__meeting=meeting).select_related(
            "participant__official", "participant__delegation__organization", "session"
        ):
            person = printed_by_the_models(attendance.participant)
            by_session.setdefault(attendance.session_id, []).append(
                (person["organization"], person["name"], person["role"])
            )

        assert record.rows  # Check-ins in every session.
        for block in record.blocks:
            rows = block["present"]
            assert [row["number"] for row in rows] == list(range(1, len(rows) + 1))
            assert sorted((row["organization"], row["name"], row["role"]) for row in rows) == (
                sorted(by_session[block["session"].pk])
            )
            assert {row["session"] for row in rows} == {block["session"].title}
