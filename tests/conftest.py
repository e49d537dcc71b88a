import pytest
from django.contrib.auth.models import Group

from agenda.desk import REGISTRATION_DESK
from delegations.groups import SECRETARIAT
from tests.factories import UserFactory


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
