"""The desk's search on a generated meeting: every kind of search a desk types finds the
same people on SQLite and PostgreSQL (CI runs this file on both), and the session
picker lists every session with its time in the meeting's zone."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from agenda.generate import generate_meeting
from agenda.models import Session
from delegations.models import Participant, fold

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    return generate_meeting(organizations=12, participants=120, days=2, seed=7, current=True)


def expected_by_python(meeting, query):
    """The rule the search implements, applied in Python to every expected participant:
    each word of the query, folded, is in the folded name, in the organization's sort
    name or name (any case), or is the acronym or badge number (any case)."""
    found = []
    for participant in Participant.objects.expected(meeting):
        organization = participant.delegation.organization
        if all(
            term in participant.official.sort_key
            or term in organization.sort_name.casefold()
            or term in organization.name.casefold()
            or term == organization.acronym.casefold()
            or term == participant.badge_number.casefold()
            for term in fold(query).split()
        ):
            found.append(participant.pk)
    return found


@pytest.mark.parametrize(
    "query",
    ["nak", "HÖYNCK", "Иванова", "محمد", "王", "baltic", "g7-000003", "amina dubois", "zzz"],
)
def test_search_finds_exactly_whom_the_rule_says_in_protocol_order(generated, query):
    found = list(
        Participant.objects.expected(generated).search(query).values_list("pk", flat=True)
    )
    assert found == expected_by_python(generated, query)


def test_search_by_acronym_finds_the_whole_delegation(generated):
    delegation = generated.delegations.select_related("organization").first()
    acronym = delegation.organization.acronym
    found = Participant.objects.expected(generated).search(acronym.lower())
    assert set(found.values_list("delegation", flat=True)) == {delegation.pk}
    assert found.count() == delegation.participants.count()


def test_postgresql_has_a_trigram_index_on_the_folded_names():
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["delegations_official_sort_key_trgm"],
        )
        (definition,) = cursor.fetchone()
    assert "gin (sort_key gin_trgm_ops)" in definition


def test_session_picker_lists_every_session_at_local_time(desk_client, generated):
    sessions = list(Session.objects.for_desk(generated))
    chosen = sessions[3]
    response = desk_client.get(reverse("desk:index"), {"session": chosen.pk, "q": "nak"})
    options = re.findall(
        r'<option value="(\d+)"( selected)?>([^<]*)</option>', response.content.decode()
    )
    assert [int(pk) for pk, _selected, _label in options] == [s.pk for s in sessions]
    assert [int(pk) for pk, selected, _label in options if selected] == [chosen.pk]
    first = sessions[0]
    start, end = first.local_start, first.local_end
    assert options[0][2] == (
        f"{start:%a} {start.day} {start:%b}, {start:%H:%M}–{end:%H:%M} · {first.title}"
    )


def test_session_picker_joins_date_and_time_with_the_languages_comma(desk_client, generated):
    first = Session.objects.for_desk(generated).first()
    response = desk_client.get(reverse("desk:index"), HTTP_ACCEPT_LANGUAGE="ar")
    label = re.search(
        rf'<option value="{first.pk}"[^>]*>([^<]*)</option>', response.content.decode()
    )
    start = first.local_start
    # CLDR's Arabic comma, never a Latin one, between the date and the time.
    assert f"، {start:%H:%M}–" in label.group(1)
    assert ", " not in label.group(1).split(" · ")[0]
