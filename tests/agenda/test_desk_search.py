"""The desk's search on a generated meeting: every kind of search a desk types finds the
same people on SQLite and PostgreSQL (CI runs this file on both), the session picker
lists every session with its time in the meeting's zone, and what the desk caches
(its sessions, its expected count) follows every change."""

import re
import zoneinfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import translation
from markupsafe import escape  # as Jinja2 escapes the rows

from agenda.desk import desk_view, found_people, people_at
from agenda.generate import generate_meeting
from agenda.models import Attendance, Session
from delegations.models import Participant, fold
from delegations.services import meeting_make_current
from tests.agenda.desk_data import build_meeting, working_sessions
from tests.factories import MeetingFactory

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
    [
        "nak",
        "HÖYNCK",
        "Иванова",
        "محمد",
        "王",
        "baltic",
        "g7-000003",
        "amina dubois",
        "zzz",
        # LIKE's own characters are searched for as themselves on both databases.
        "%",
        "a_a",
        "\\",
    ],
)
def test_search_finds_exactly_whom_the_rule_says_in_protocol_order(generated, query):
    found = list(
        Participant.objects.expected(generated).search(query).values_list("pk", flat=True)
    )
    assert found == expected_by_python(generated, query)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("query", ["", "nak", "amina dubois", "G7-000003", "%", "a_a", "w ho z"])
def test_the_desk_s_compiled_search_reads_what_the_queryset_reads(generated, language, query):
    session = Session.objects.for_desk(generated).first()
    Attendance.objects.create(
        session=session, participant=Participant.objects.expected(generated).first()
    )
    with translation.override(language):
        queryset = people_at(Participant.objects.expected(generated).search(query), session)
        people, present = found_people(generated, session, query)
        assert people == list(queryset[:51])
        # The present count comes with the rows, counted over the whole session.
        assert present == (Attendance.objects.counts_at(session)["present"] if people else None)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_desk_s_first_page_by_its_cached_ids_is_the_empty_search(generated, language):
    session = Session.objects.for_desk(generated).first()
    with translation.override(language):
        first_page = desk_view().first_page
        assert len(first_page) == 51  # of 120
        queryset = people_at(Participant.objects.expected(generated), session)
        people, present = found_people(generated, session, "", first_page)
        assert people == list(queryset[:51])
        assert [person["pk"] for person in people] == list(first_page)
        assert present == Attendance.objects.counts_at(session)["present"]
        # A page of fewer than 51 (a small meeting): only those.
        people, present = found_people(generated, session, "", first_page[:3])
        assert people == list(queryset[:3])


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


# --- The desk's cache of its sessions and expected count -------------------------------------


@pytest.fixture
def desk_cache(settings):
    """The process's own cache, as in production: the tests' dummy cache keeps nothing."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def picker_labels(response):
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', response.content.decode())


@pytest.mark.parametrize("size", [2, 12])
def test_a_search_makes_the_same_queries_at_any_size_once_cached(
    desk_client, desk_cache, django_assert_num_queries, size
):
    meeting = build_meeting(delegations=size, members=2, sessions=size // 2 + 1)
    session = working_sessions(meeting)[0]
    for participant in Participant.objects.filter(delegation__meeting=meeting)[:size]:
        Attendance.objects.create(session=session, participant=participant)
    desk_client.get(reverse("desk:index"), {"session": session.pk})

    # session, user, permissions, data versions, participants with their check-ins and
    # the present count: the meeting, its sessions and the expected count come from the
    # cache
    with django_assert_num_queries(5):
        response = desk_client.get(reverse("desk:index"), {"session": session.pk, "q": "family"})
    assert len(response.context["rows"]) == 2 * size
    assert response.context["counts"] == {"expected": 2 * size, "present": size, "absent": size}
    assert len(picker_labels(response)) == size // 2 + 1

    # Nobody found: no row brings the present count, one query counts it.
    with django_assert_num_queries(6):
        response = desk_client.get(reverse("desk:index"), {"session": session.pk, "q": "zzz"})
    assert response.context["rows"] == []
    assert response.context["counts"] == {"expected": 2 * size, "present": size, "absent": size}


@pytest.mark.parametrize("size", [2, 12])
def test_the_counts_poll_makes_the_same_queries_at_any_size_once_cached(
    desk_client, desk_cache, django_assert_num_queries, size
):
    meeting = build_meeting(delegations=size, members=2, sessions=size // 2 + 1)
    session = working_sessions(meeting)[-1]
    for participant in Participant.objects.filter(delegation__meeting=meeting)[:size]:
        Attendance.objects.create(session=session, participant=participant)
    desk_client.get(reverse("desk:index"), {"session": session.pk})

    # session, user, permissions, data versions, present count: the session and the
    # expected count come from the desk's cached view
    with django_assert_num_queries(5):
        response = desk_client.get(reverse("desk:counts"), {"session": session.pk})
    assert response.json() == {"expected": 2 * size, "present": size, "absent": size}
    # An id that is not one of the picker's sessions: 404.
    assert desk_client.get(reverse("desk:counts"), {"session": 0}).status_code == 404
    assert desk_client.get(reverse("desk:counts"), {"session": "x"}).status_code == 404


def test_a_search_counts_nobody_present_as_0_in_the_same_queries(
    desk_client, desk_cache, django_assert_num_queries
):
    meeting = build_meeting(delegations=2, members=2, sessions=1)
    session = working_sessions(meeting)[0]
    desk_client.get(reverse("desk:index"), {"session": session.pk})

    with django_assert_num_queries(5):
        response = desk_client.get(reverse("desk:index"), {"session": session.pk})
    assert len(response.context["rows"]) == 4
    assert response.context["counts"] == {"expected": 4, "present": 0, "absent": 4}


def test_the_cached_picker_and_count_follow_every_change_to_the_meeting(
    desk_client, desk_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # each change bumps on its own
        meeting = build_meeting(delegations=2, members=2, sessions=2)
    first, second = working_sessions(meeting)
    url = reverse("desk:index")
    page = desk_client.get(url, {"session": first.pk})
    assert picker_labels(page)[1].endswith("· Session 2")
    assert page.context["counts"]["expected"] == 4
    cancelled = Participant.objects.filter(delegation__meeting=meeting).last()
    assert cancelled.pk in [row["pk"] for row in page.context["rows"]]

    with django_capture_on_commit_callbacks(execute=True):
        second.title = "Closing plenary"
        second.save()
        cancelled.status = Participant.Status.CANCELLED
        cancelled.save()
    page = desk_client.get(url, {"session": first.pk})
    assert picker_labels(page)[1].endswith("· Closing plenary")
    assert page.context["counts"]["expected"] == 3
    # The first page, cached with the picker, follows too.
    assert len(page.context["rows"]) == 3
    assert cancelled.pk not in [row["pk"] for row in page.context["rows"]]

    with django_capture_on_commit_callbacks(execute=True):
        meeting.time_zone = "Asia/Tokyo"
        meeting.save()
    start = second.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    page = desk_client.get(url, {"session": first.pk})
    assert f"{start:%H:%M}–" in picker_labels(page)[1]


def test_the_cached_desk_follows_which_meeting_is_current_and_its_title(
    desk_client, desk_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        second = build_meeting(delegations=2, members=1, sessions=1)
        second.is_current = False
        second.save()
        first = MeetingFactory(is_current=True)
    url = reverse("desk:index")
    assert desk_client.get(url).context["meeting"] == first

    with django_capture_on_commit_callbacks(execute=True):
        meeting_make_current(meeting=second)
    page = desk_client.get(url)
    assert page.context["meeting"] == second
    assert page.context["counts"]["expected"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        second.short_title = "Renamed"
        second.save()
    assert "<bdi>Renamed</bdi>" in desk_client.get(url).content.decode()


def test_the_cached_picker_is_in_each_reader_s_language(desk_client, desk_cache):
    meeting = build_meeting(delegations=1, members=1, sessions=1)
    session = working_sessions(meeting)[0]
    session.title_fr = "Séance d’ouverture"
    session.save()

    english = desk_client.get(reverse("desk:index"))
    french = desk_client.get(reverse("desk:index"), HTTP_ACCEPT_LANGUAGE="fr")

    assert picker_labels(english)[0].endswith("· Session 1")
    assert picker_labels(french)[0].endswith("· Séance d’ouverture")


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans", "ar"])
def test_each_row_shows_what_the_participant_s_models_say(desk_client, generated, language):
    """The rows read only the columns they show: every text is still the models' own,
    in the reader's language (honorifics and positions are translated; Chinese puts
    the honorific after the name)."""
    response = desk_client.get(reverse("desk:index"), {"q": "a"}, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    with translation.override(language):
        for row in response.context["rows"]:
            participant = Participant.objects.select_related(
                "official", "delegation__organization"
            ).get(pk=row["pk"])
            official = participant.official
            assert row["full_name"] == official.full_name
            assert row["position"] == official.position
            assert row["organization"] == str(participant.delegation.organization)
            assert row["role"] == participant.get_role_display()
            assert f"<bdi>{escape(official.full_name)}</bdi>" in html
    assert len(response.context["rows"]) == 50
