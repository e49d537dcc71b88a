"""The permissions backend (meetingsite.auth): Django's ModelBackend's answers, in one query."""

import pytest
from django.contrib.auth import get_backends
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from agenda.desk import DESK_PERMISSION
from delegations.groups import REGISTRATION_DESK, SECRETARIAT
from meetingsite.auth import ModelBackendInOneQuery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """``user`` read again: the backends keep a user's permissions on the instance."""
    return type(user).objects.get(pk=user.pk)


def permission(codename):
    return Permission.objects.get(codename=codename)


@pytest.mark.parametrize(
    "groups, own",
    [
        ([], []),
        ([REGISTRATION_DESK], []),
        ([], ["change_meeting"]),
        # A permission both its own and its group's is one permission.
        ([REGISTRATION_DESK, SECRETARIAT], ["view_attendance", "delete_meeting"]),
    ],
)
def test_a_user_has_what_django_s_backend_gives_in_one_query(
    django_assert_num_queries, groups, own
):
    user = UserFactory()
    user.groups.set(Group.objects.filter(name__in=groups))
    user.user_permissions.set([permission(codename) for codename in own])

    read = fresh(user)
    with django_assert_num_queries(1):
        found = ModelBackendInOneQuery().get_all_permissions(read)
    assert found == ModelBackend().get_all_permissions(fresh(user))
    assert {f"{permission(codename).content_type.app_label}.{codename}" for codename in own} <= (
        found
    )
    assert (DESK_PERMISSION in found) == (REGISTRATION_DESK in groups)


def test_a_user_s_permissions_are_read_once_a_request(django_assert_num_queries):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    user = fresh(user)
    backend = ModelBackendInOneQuery()
    with django_assert_num_queries(1):
        assert backend.has_perm(user, DESK_PERMISSION)
        assert not backend.has_perm(user, "delegations.change_meeting")
        assert backend.has_module_perms(user, "agenda")


def test_a_superuser_has_every_permission_and_an_inactive_user_none():
    superuser = UserFactory(is_superuser=True)
    assert ModelBackendInOneQuery().get_all_permissions(fresh(superuser)) == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }

    inactive = UserFactory(is_active=False)
    inactive.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    assert ModelBackendInOneQuery().get_all_permissions(fresh(inactive)) == set()
    assert not ModelBackendInOneQuery().has_perm(fresh(inactive), DESK_PERMISSION)


def test_the_site_uses_it_in_place_of_django_s():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    assert user.has_perm(DESK_PERMISSION)
    assert not user.has_perm("delegations.change_meeting")
    assert any(isinstance(backend, ModelBackendInOneQuery) for backend in get_backends())
    assert not any(type(backend) is ModelBackend for backend in get_backends())
