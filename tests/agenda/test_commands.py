import datetime

import pytest
from django.core.management import call_command

from agenda.models import AgendaItem, Room, Session
from agenda.seed import MEETING_SLUG, seed_meeting
from delegations.models import Delegation, Meeting, Official, Organization, Participant

pytestmark = pytest.mark.django_db

EXPECTED_HEADS = {
    "ASEAN": "H.E. Mr. Ajit Singh",
    "CARICOM": "H.E. Mr. Edwin Carrington",
    "CIS": "H.E. Mr. Ivan M. Korotchenya",
    "": "Chief Emeka Anyaoku",
    "ECOWAS": "H.E. Mr. Edouard E. Benjamin",
    "EU": "H.E. Mr. Francesco Paolo Fulci",
    "LAS": "H.E. Mr. Mowaffak Allaf",
    "NATO": "H.E. Mr. Gebhardt von Moltke",
    "OSCE": "H.E. Mr. Wilhelm Höynck",
    "OAU": "H.E. Mr. Salim Ahmed Salim",
    "OAS": "H.E. Mr. César Gaviria",
    "OIC": "H.E. Mr. Engin Ahmed Ansay",
    "WEU": "H.E. Mr. José Cutileiro",
    "PGA": "H.E. Mr. Diogo Freitas do Amaral",
    "PSC": "H.E. Ms. Madeleine Albright",
}


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (
            Meeting,
            Organization,
            Official,
            Delegation,
            Participant,
            Session,
            AgendaItem,
        )
    }


def test_seed_loads_the_1996_meeting(capsys):
    call_command("seed_meeting")
    assert "Loaded Second UN–Regional Organizations Meeting (1996)." in capsys.readouterr().out

    meeting = Meeting.objects.get(slug=MEETING_SLUG)
    assert meeting.start_date == datetime.date(1996, 2, 15)
    assert meeting.end_date == datetime.date(1996, 2, 16)
    assert meeting.time_zone == "America/New_York"
    assert meeting.venue == "United Nations Headquarters"
    assert str(meeting.convener) == "H.E. Mr. Boutros Boutros-Ghali"
    assert meeting.is_current and meeting.is_published

    regional = Organization.objects.filter(kind=Organization.Kind.REGIONAL)
    assert regional.count() == 13
    assert Official.objects.count() == 16

    heads = {
        p.delegation.organization.acronym: str(p.official)
        for p in Participant.objects.filter(role=Participant.Role.HEAD).select_related(
            "official", "delegation__organization"
        )
    }
    assert heads == EXPECTED_HEADS
    eu = Delegation.objects.get(meeting=meeting, organization__acronym="EU")
    assert eu.representing == (
        "The presidency of the European Union, with representatives of the European Commission"
    )

    sessions = list(Session.objects.filter(meeting=meeting))
    assert {s.local_start.date() for s in sessions} == {meeting.start_date, meeting.end_date}
    assert all(s.is_provisional for s in sessions)
    assert [(s.local_start.strftime("%d %H:%M"), s.kind) for s in sessions][:2] == [
        ("15 10:00", Session.Kind.OPENING),
        ("15 11:00", Session.Kind.WORKING),
    ]
    assert sessions[-1].kind == Session.Kind.CLOSING
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) == [
        "Opening of the meeting",
        "Evolving patterns of cooperation",
        "Principles for improved cooperation",
        "Peace-building",
        "Modalities for continuing dialogue",
        "Closing of the meeting",
    ]
    assert Room.objects.count() == 1
    for session in sessions:
        session.full_clean()


def test_seed_twice_changes_nothing(capsys):
    call_command("seed_meeting")
    before = snapshot()
    call_command("seed_meeting")
    assert snapshot() == before
    assert "already loaded; nothing changed" in capsys.readouterr().out


def test_seed_keeps_the_secretariats_edits():
    call_command("seed_meeting")
    official = Official.objects.get(family_name="Höynck")
    official.position = "Secretary General of the OSCE"
    official.email = "sg@osce.example"
    official.save()
    call_command("seed_meeting")
    official.refresh_from_db()
    assert official.position == "Secretary General of the OSCE"
    assert official.email == "sg@osce.example"
    assert Official.objects.filter(family_name="Höynck").count() == 1


def test_seed_does_not_steal_the_current_flag():
    other = Meeting.objects.create(
        title="Another meeting",
        short_title="Another",
        slug="another",
        venue="Geneva",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 1, 2),
        is_current=True,
    )
    call_command("seed_meeting")
    assert Meeting.objects.current() == other


def test_seed_gives_the_1996_meeting_letter_paper_and_its_background():
    meeting, _created = seed_meeting()
    assert meeting.paper == "letter"
    assert meeting.background.startswith("Meetings between the United Nations and regional")
    assert "\n## Chapter VIII of the Charter\n" in meeting.background


def test_seed_keeps_an_edited_background():
    meeting, _created = seed_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(background="## Our own text")
    seed_meeting()
    meeting.refresh_from_db()
    assert meeting.background == "## Our own text"
