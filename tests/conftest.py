import pytest
from django.contrib.auth.models import Group

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
