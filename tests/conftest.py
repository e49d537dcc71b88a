import datetime
import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import translation

from agenda.desk import REGISTRATION_DESK
from delegations.groups import SECRETARIAT
from tests.factories import MeetingFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request through LocaleMiddleware leaves its language active in the thread: put
    back the default, so that a test after an Arabic page does not run in Arabic."""
    yield
    translation.deactivate()


@pytest.fixture
def secretariat_user(db):
    """A staff member in the Secretariat group, with only that group's permissions."""
    user = UserFactory(username="secretary", is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


@pytest.fixture
def secretariat_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


@pytest.fixture
def desk_user(db):
    """A member of the Registration desk group: checks in and prints, edits nothing."""
    user = UserFactory(username="desk")
    user.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    return user


@pytest.fixture
def desk_client(client, desk_user):
    client.force_login(desk_user)
    return client


@pytest.fixture(params=["UTC", "America/New_York"])
def server_time_zone(request, settings):
    """The server's TIME_ZONE, UTC and New York in turn: no time a person types or reads
    may depend on it (the settings fixture resets Django's cached default zone)."""
    settings.TIME_ZONE = request.param
    return request.param


@pytest.fixture
def geneva(db):
    """The second meeting the design keeps in mind: Geneva, three days in summer."""
    return MeetingFactory(
        title="Third Meeting between the United Nations and Regional Organizations",
        short_title="Third Meeting",
        slug="geneva",
        venue="Palais des Nations",
        city="Geneva",
        time_zone="Europe/Zurich",
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2026, 7, 3),
    )


@pytest.fixture
def tokyo(db):
    return MeetingFactory(
        slug="tokyo",
        venue="United Nations University",
        city="Tokyo",
        time_zone="Asia/Tokyo",
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2026, 7, 3),
    )


@pytest.fixture
def commit_hooks_at_once(monkeypatch):
    """``transaction.on_commit`` as in production, inside a test's own transaction.

    pytest-django runs a test in a transaction it rolls back, so a hook (a task queued on
    commit: an e-mail, a PDF) would never run. With this fixture a hook registered outside
    any transaction of the code under test runs at once, as it would in autocommit; one
    registered inside ``transaction.atomic()`` still waits for that block to end.
    """
    queue_on_commit = transaction.on_commit

    def on_commit(func, using=None, robust=False):
        connection = connections[using or DEFAULT_DB_ALIAS]
        if all(block._from_testcase for block in connection.atomic_blocks):
            func()
        else:
            queue_on_commit(func, using=using, robust=robust)

    monkeypatch.setattr(transaction, "on_commit", on_commit)


# The data migrations that make the staff groups and their permissions.
GROUP_MIGRATIONS = [
    ("delegations.migrations.0002_secretariat_group", "create_group"),
    ("agenda.migrations.0002_staff_groups", "create_groups"),
    ("meetingsite.migrations.0002_data_version_and_login_locks", "grant"),
    ("meetingsite.migrations.0003_desk_accounts", "grant"),
]


@pytest.fixture
def staff_groups(transactional_db):
    """The groups the migrations create, made again with the migrations' own code: a
    transactional test before this one may have flushed them."""
    from django.apps import apps

    # The migrations mark their app's models module as loaded, true already here: put
    # back what they change.
    loaded = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        for module, function in GROUP_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = loaded[config.label]
