"""The page cache keeps what a change does not touch: other meetings' pages, one entry per
canonical query, and one render for a burst of requests after an invalidation."""

import datetime
import os
import threading
import time
import types

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django.utils import timezone

from agenda.models import Session
from agenda.seed import seed_meeting
from delegations.models import Delegation, Official, Organization, Participant
from meetingsite import caching
from meetingsite.caching import page_versions
from tests import caching_urls
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    ParticipantFactory,
    SessionFactory,
    SessionItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    caching_urls.RENDERS.clear()


@pytest.fixture
def two_meetings(django_capture_on_commit_callbacks):
    """The 1996 meeting (current, at the bare URLs) and Geneva (under /meetings/geneva/).

    Written with their on-commit bumps run, as a committed transaction would: a bump left
    pending would take in the tests' own changes."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting, _ = seed_meeting()
        geneva = MeetingFactory(
            slug="geneva",
            city="Geneva",
            time_zone="Europe/Zurich",
            start_date=datetime.date(2026, 7, 1),
            end_date=datetime.date(2026, 7, 3),
        )
        item = AgendaItemFactory(meeting=geneva, number=1, title="Cooperation in peacekeeping")
        session = SessionFactory(meeting=geneva, title="Opening in Geneva", room=None)
        SessionItemFactory(session=session, agenda_item=item)
        delegation = DelegationFactory(meeting=geneva)
        OfficialFactory(organization=delegation.organization)
    return meeting, geneva


def hit(client, path, django_assert_num_queries):
    """The page at ``path``, asserting it came from the cache (the versions' query only)."""
    with django_assert_num_queries(1):
        response = client.get(path)
    assert response["X-Cache"] == "hit"
    return response


@pytest.mark.parametrize(
    "change",
    ["session", "agenda item", "session items", "delegation", "participant", "speaker"],
)
def test_a_change_to_one_meeting_keeps_the_others_pages_cached(
    client, two_meetings, change, django_capture_on_commit_callbacks, django_assert_num_queries
):
    meeting, geneva = two_meetings
    pages = ["/agenda/", "/participants/", "/meetings/geneva/agenda/", "/meetings/geneva/"]
    first = {path: client.get(path) for path in pages}
    assert all(response["X-Cache"] == "miss" for response in first.values())
    before = page_versions("geneva")[0]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        session = Session.objects.get(meeting=geneva)
        if change == "session":
            session.title = "Opening of the Geneva meeting"
            session.save()
        elif change == "agenda item":
            AgendaItemFactory(meeting=geneva, number=2, title="Follow-up")
        elif change == "session items":
            session.agenda_items.clear()
        elif change == "delegation":  # of an organization already in the register
            organization = Organization.objects.exclude(delegations__meeting=geneva).first()
            DelegationFactory(meeting=geneva, organization=organization)
        elif change == "participant":  # an official already in the register
            delegation = Delegation.objects.get(meeting=geneva)
            official = Official.objects.get(organization=delegation.organization)
            ParticipantFactory(delegation=delegation, official=official)
        else:
            from agenda.models import Inscription, SpeakersList

            speakers_list = SpeakersList.objects.create(agenda_item=session.agenda_items.get())
            delegation = Delegation.objects.get(meeting=geneva)
            Inscription.objects.create(
                speakers_list=speakers_list, delegation=delegation, inscribed_at=timezone.now()
            )
    assert len(callbacks) == 1  # one bump for the whole change

    number, meeting_number = before.split(".")
    assert page_versions("geneva")[0] == f"{number}.{int(meeting_number) + 1}"
    for path in ("/agenda/", "/participants/"):  # the 1996 meeting's pages
        assert hit(client, path, django_assert_num_queries).content == first[path].content
    assert client.get("/meetings/geneva/agenda/")["X-Cache"] == "miss"
    assert client.get("/meetings/geneva/")["X-Cache"] == "miss"


def test_a_change_every_meeting_shows_renders_every_meeting_again(
    client, two_meetings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    meeting, geneva = two_meetings
    client.get("/participants/")
    client.get("/meetings/geneva/participants/")
    hit(client, "/participants/", django_assert_num_queries)
    organization = Organization.objects.filter(delegations__meeting=meeting).first()
    with django_capture_on_commit_callbacks(execute=True):
        organization.name = "Organization of American States (renamed)"
        organization.save()
    page = client.get("/participants/")
    assert page["X-Cache"] == "miss"
    assert "Organization of American States (renamed)" in page.content.decode()
    assert client.get("/meetings/geneva/participants/")["X-Cache"] == "miss"


def test_which_meeting_is_current_changes_the_bare_urls_at_once(
    client, two_meetings, django_capture_on_commit_callbacks
):
    meeting, geneva = two_meetings
    assert "Opening in Geneva" not in client.get("/agenda/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        meeting.is_current = False
        meeting.save()
        geneva.is_current = True
        geneva.save()
    assert "Opening in Geneva" in client.get("/agenda/").content.decode()


def test_a_participant_deleted_with_its_delegation_bumps_its_meeting(
    client, two_meetings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    meeting, geneva = two_meetings
    with django_capture_on_commit_callbacks(execute=True):
        ParticipantFactory(delegation=Delegation.objects.get(meeting=geneva))
    client.get("/agenda/")
    before = page_versions("geneva")[0]
    with django_capture_on_commit_callbacks(execute=True):
        Delegation.objects.filter(meeting=geneva).delete()
    assert Participant.objects.filter(delegation__meeting=geneva).count() == 0
    assert page_versions("geneva")[0] != before
    hit(client, "/agenda/", django_assert_num_queries)


def test_bulk_writes_name_their_meeting(
    client, two_meetings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    meeting, geneva = two_meetings
    client.get("/agenda/")
    before = page_versions("geneva")[0]
    with django_capture_on_commit_callbacks(execute=True):
        caching.data_changed(meeting=geneva)
    assert page_versions("geneva")[0] != before
    hit(client, "/agenda/", django_assert_num_queries)
    with django_capture_on_commit_callbacks(execute=True):
        caching.data_changed()  # no meeting named: every page
    assert client.get("/agenda/")["X-Cache"] == "miss"


# --- canonical query values ---------------------------------------------------------------


@pytest.mark.urls("tests.caching_urls")
def test_garbage_values_of_known_parameters_fold_into_one_entry(client):
    assert client.get("/canonical/").content == b""
    assert client.get("/canonical/?day=&n=%20")["X-Cache"] == "hit"  # empty: as absent
    first = client.get("/canonical/?day=zzz")
    assert (first.content, first["X-Cache"]) == (b"day=invalid", "miss")
    for garbage in ("day=2026-02-30", "day=%00", "day=" + "9" * 5000, "day=zzz&x=1"):
        response = client.get(f"/canonical/?{garbage}")
        assert (response.content, response["X-Cache"]) == (b"day=invalid", "hit"), garbage
    assert client.get("/canonical/?n=0").content == b"n=invalid"
    for garbage in ("n=10", "n=x", "n=-1", "n=%EF%BC%93"):  # the last a full-width digit
        assert client.get(f"/canonical/?{garbage}")["X-Cache"] == "hit", garbage
    assert client.get("/canonical/?day=2026-07-01&n=03").content == b"day=2026-07-01&n=3"
    assert client.get("/canonical/?n=3&day=2026-07-01")["X-Cache"] == "hit"
    assert client.get("/canonical/?n=3&n=5&day=2026-07-01").content == b"day=2026-07-01&n=5"
    assert caching_urls.RENDERS == [
        "",
        "day=invalid",
        "n=invalid",
        "day=2026-07-01&n=3",
        "day=2026-07-01&n=5",
    ]
    assert len(cache._cache) == 5


def test_the_programme_shows_one_page_for_every_wrong_item(client, two_meetings):
    plain = client.get("/agenda/")
    wrong = client.get("/agenda/?item=zzz")
    assert wrong["X-Cache"] == "miss"
    assert "There is no such agenda item: choose one listed." in wrong.content.decode()
    for garbage in ("-1", "1e3", "99999", "%D9%A1"):  # the last an Arabic-Indic one
        response = client.get(f"/agenda/?item={garbage}")
        assert (response["X-Cache"], response.content) == ("hit", wrong.content), garbage
    assert client.get("/agenda/?item=")["X-Cache"] == "hit"  # "All agenda items"
    one = client.get("/agenda/?item=01")
    assert one["X-Cache"] == "miss"
    assert client.get("/agenda/?item=1")["X-Cache"] == "hit"
    assert one.content not in (plain.content, wrong.content)


# --- a burst after an invalidation ---------------------------------------------------------


def burst(count, render, key="page:burst"):
    """``count`` threads asking at once for ``key``; their (page, response, how) results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def ask(n):
        barrier.wait()
        results[n] = caching._render_once(key, render)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def slow_render(renders, release, page="the page", key="page:burst", store=True):
    def render():
        renders.append(threading.get_ident())
        release.wait(5)
        if not store:
            return None, f"response {len(renders)}"
        cached = caching.CachedPage(page.encode(), "text/plain", '"e"', None, None, ())
        cache.set(key, cached, 60)
        return cached, None

    return render


@pytest.fixture
def released_when_all_wait(monkeypatch):
    """Lets the render finish once ``count - 1`` other threads are waiting for it."""

    def arm(count, release):
        waiting = set()

        def sleep(seconds):
            waiting.add(threading.get_ident())
            if len(waiting) >= count - 1:
                release.set()
            time.sleep(seconds)

        monkeypatch.setattr(
            caching, "time", types.SimpleNamespace(sleep=sleep, monotonic=time.monotonic)
        )

    return arm


def test_a_burst_after_an_invalidation_renders_once(released_when_all_wait):
    renders, release = [], threading.Event()
    released_when_all_wait(12, release)
    results = burst(12, slow_render(renders, release))
    assert len(renders) == 1
    assert sorted(how for _page, _response, how in results) == ["miss"] + ["wait"] * 11
    assert {page.content for page, _response, _how in results} == {b"the page"}
    assert cache.get("page:burst:render") is None  # the lock is released


def test_when_the_render_stores_nothing_the_waiters_render_themselves():
    renders, release = [], threading.Event()
    release.set()
    results = burst(4, slow_render(renders, release, store=False))
    assert len(renders) == 4  # nothing was cached: each rendered its own response
    assert all(page is None and response for page, response, _how in results)
    assert cache.get("page:burst:render") is None


def test_a_render_that_fails_releases_the_lock():
    def failing():
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        caching._render_once("page:burst", failing)
    assert cache.get("page:burst:render") is None


def test_a_lock_left_by_a_dead_render_delays_the_page_but_never_stops_it(monkeypatch):
    monkeypatch.setattr(caching, "WAIT_SECONDS", 0.05)
    cache.add("page:burst:render", "a process that died", 30)
    renders, release = [], threading.Event()
    release.set()
    page, response, how = caching._render_once("page:burst", slow_render(renders, release))
    assert (page.content, how, len(renders)) == (b"the page", "miss", 1)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def redis_cache():
    settings = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    with override_settings(CACHES={"default": settings}):
        backend = caches.create_connection("default")
    try:
        backend.get("ping")
    except Exception as error:  # redis.ConnectionError: no server here
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    return backend


def test_a_burst_renders_once_with_the_shared_redis_cache(monkeypatch, released_when_all_wait):
    """Each thread with its own Redis connection, as separate processes would have."""
    shared = redis_cache()
    shared.delete_many(["page:burst", "page:burst:render"])
    monkeypatch.setattr(caching, "cache", shared)
    monkeypatch.setattr("tests.test_cache_scopes.cache", shared)
    renders, release = [], threading.Event()
    released_when_all_wait(8, release)
    results = burst(8, slow_render(renders, release))
    assert len(renders) == 1
    assert sorted(how for _page, _response, how in results) == ["miss"] + ["wait"] * 7
    assert shared.get("page:burst:render") is None
    shared.delete_many(["page:burst"])


@pytest.mark.urls("tests.caching_urls")
def test_a_page_says_how_it_was_answered(client):
    assert client.get("/organizations/")["X-Cache"] == "miss"
    assert client.get("/organizations/")["X-Cache"] == "hit"
