"""Authentication backends."""

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connections, router

from .compiled import compile_once

# A user's id in the permissions' query compiled once: never an id.
STAND_IN_USER = -7_000_003


@functools.lru_cache(maxsize=8)
def _permissions_of(connection):
    """The names of a user's permissions, their own and their groups', as one query
    compiled once for each database connection (meetingsite.compiled)."""
    names = Permission.objects.order_by().values_list("content_type__app_label", "codename")
    own = names.filter(user=STAND_IN_USER)
    compiled = compile_once(
        own.union(names.filter(group__user=STAND_IN_USER)), connection, {STAND_IN_USER: "user"}
    )
    if compiled is None:
        raise AssertionError("the permissions' query lost its stand-in")
    return compiled


class ModelBackendInOneQuery(ModelBackend):
    """Django's ``ModelBackend``, reading a user's permissions, their own and their
    groups', in one query compiled once, instead of two built at every request: the desk
    checks its permission at every search and check-in, where the second query and the
    building of both cost more than the desk's own counting."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                names = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                connection = router.db_for_read(Permission)
                names = _permissions_of(connections[connection]).rows({"user": user_obj.pk})
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in names}
        return user_obj._perm_cache
