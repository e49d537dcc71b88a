import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from delegations.models import Organization
from meetingsite.caching import page_versions
from meetingsite.models import DataVersion
from tests import caching_urls
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.caching_urls")]


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    caching_urls.RENDERS.clear()


def test_a_cached_page_is_rendered_once_until_the_data_changes(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        OrganizationFactory(name="Caribbean Community")
    first = client.get("/organizations/")
    assert first.content.decode() == "Caribbean Community"
    with django_assert_num_queries(1):  # the data version only
        again = client.get("/organizations/")
    assert again.content == first.content
    assert caching_urls.RENDERS == ["/organizations/"]

    with django_capture_on_commit_callbacks(execute=True):
        OrganizationFactory(name="Western European Union")
    fresh = client.get("/organizations/")
    assert fresh.content.decode() == "Caribbean Community, Western European Union"
    assert fresh["ETag"] != first["ETag"]


def test_one_bump_per_transaction(django_capture_on_commit_callbacks):
    before = DataVersion.current()[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(5):
            OrganizationFactory(name=f"Org {n}")
        Organization.objects.filter(name="Org 0").delete()
    assert len(callbacks) == 1
    assert DataVersion.current()[0] == before + 1


def test_conditional_requests_get_304(client):
    OrganizationFactory(name="League of Arab States")
    response = client.get("/organizations/")
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Accept-Language" in response["Vary"]
    not_modified = client.get("/organizations/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    since = client.get("/organizations/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    other = client.get("/organizations/", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_languages_are_cached_apart(client):
    OrganizationFactory(name="OSCE")
    client.get("/organizations/", HTTP_ACCEPT_LANGUAGE="fr")
    client.get("/organizations/", HTTP_ACCEPT_LANGUAGE="en")
    assert len(caching_urls.RENDERS) == 2


def test_clock_dependent_pages_expire_when_their_content_does(client, monkeypatch):
    client.get("/clock/")
    client.get("/clock/")
    assert len(caching_urls.RENDERS) == 1
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert client.get("/clock/").content == b"2"


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_without_a_cache_pages_are_still_right(client):
    OrganizationFactory(name="NATO")
    assert client.get("/organizations/").content == b"NATO"


@pytest.mark.urls("meetingsite.urls")
def test_an_admin_edit_shows_on_the_next_public_request(
    client, secretariat_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from agenda.seed import seed_meeting
    from delegations.models import Official

    with django_capture_on_commit_callbacks(execute=True):
        seed_meeting()
    first = client.get("/participants/")
    assert "Secretary-General" in first.content.decode()
    with django_assert_num_queries(1):
        assert client.get("/participants/").content == first.content

    official = Official.objects.get(family_name="Höynck")
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            f"/admin/delegations/official/{official.pk}/change/",
            {
                "organization": official.organization_id,
                "honorific_en": official.honorific,
                "given_name": official.given_name,
                "family_name": official.family_name,
                "position_en": "Secretary General of the OSCE",
                "country": "",
                "email": "",
                "phone": "",
            },
        )
    assert response.status_code == 302
    assert "Secretary General of the OSCE" in client.get("/participants/").content.decode()


def test_data_version_reads_back_what_bump_wrote():
    number, _ = DataVersion.current()
    DataVersion.bump()
    after, changed_at = DataVersion.current()
    assert after == number + 1
    assert changed_at.tzinfo is not None
    assert abs(timezone.now() - changed_at) < datetime.timedelta(minutes=1)


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_cached_page_answers_only_allowed_hosts(client, django_assert_num_queries):
    OrganizationFactory(name="OAS")
    assert client.get("/organizations/").status_code == 200  # now cached
    with django_assert_num_queries(0):  # refused before the data version is read
        cached = client.get("/organizations/", HTTP_HOST="127.0.0.1:31337")
    assert cached.status_code == 400
    assert cached.content != b"OAS"
    assert client.get("/clock/", HTTP_HOST="127.0.0.1:31337").status_code == 400  # not cached
    assert caching_urls.RENDERS == ["/organizations/"]
    with django_assert_num_queries(1):
        assert client.get("/organizations/").content == b"OAS"


def test_unknown_query_parameters_share_the_entry_without_them(client, django_assert_num_queries):
    OrganizationFactory(name="ASEAN")
    assert client.get("/organizations/").content == b"ASEAN"
    for n in range(3):
        with django_assert_num_queries(1):  # the data version only: a hit
            assert client.get(f"/organizations/?utm_source={n}").content == b"ASEAN"
    assert caching_urls.RENDERS == ["/organizations/"]
    assert len(cache._cache) == 1


def test_a_views_own_parameters_are_the_key_and_all_it_sees(client):
    assert client.get("/query/?utm=1&item=2").content == b"item=2"
    assert client.get("/query/?item=2&x=9").content == b"item=2"
    assert client.get("/query/?item=3").content == b"item=3"
    assert client.get("/query/").content == b""
    assert client.get("/query/?x=1").content == b""
    assert caching_urls.RENDERS == ["item=2", "item=3", ""]


def test_the_whole_model_list_is_classified():
    """A new model of delegations or agenda must be put in PUBLIC_MODELS or PRIVATE_MODELS."""
    from django.apps import apps

    from meetingsite.caching import PRIVATE_MODELS, PUBLIC_MODELS

    labels = {
        model._meta.label_lower
        for app in ("delegations", "agenda")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    }
    assert PUBLIC_MODELS.isdisjoint(PRIVATE_MODELS)
    assert labels == PUBLIC_MODELS | PRIVATE_MODELS


@pytest.mark.urls("meetingsite.urls")
def test_a_check_in_keeps_public_pages_cached_and_a_session_edit_does_not(
    client, desk_user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from agenda.models import Attendance, Session
    from agenda.seed import seed_meeting
    from agenda.services import attendance_check_in, attendance_undo
    from delegations.models import Participant

    with django_capture_on_commit_callbacks(execute=True):
        seed_meeting()
    version = page_versions()[0]
    first = client.get("/agenda/")
    session = Session.objects.order_by("starts_at").first()
    participant = Participant.objects.filter(delegation__meeting=session.meeting).first()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attendance_check_in(session=session, participant=participant, user=desk_user)
    assert Attendance.objects.count() == 1
    assert callbacks == []
    assert page_versions()[0] == version
    with django_assert_num_queries(1):  # still the cached page
        assert client.get("/agenda/").content == first.content

    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(desk_user)  # a session row and a login: neither is shown
        client.logout()
        attendance_undo(session=session, participant=participant)
    assert page_versions()[0] == version

    with django_capture_on_commit_callbacks(execute=True):
        session.title = "Opening of the meeting (resumed)"
        session.save()
    number, meeting_number = map(int, version.split("."))
    assert page_versions()[0] == f"{number}.{meeting_number + 1}"  # the meeting's own
    assert "Opening of the meeting (resumed)" in client.get("/agenda/").content.decode()
