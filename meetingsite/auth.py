"""Authentication backends."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class ModelBackendInOneQuery(ModelBackend):
    """Django's ``ModelBackend``, reading a user's permissions, their own and their
    groups', in one query instead of two: the desk checks its permission at every search
    and check-in, and the second query cost each of them more than its own counting."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            names = Permission.objects.order_by().values_list(
                "content_type__app_label", "codename"
            )
            if not user_obj.is_superuser:
                own = names.filter(user=user_obj)
                names = own.union(names.filter(group__user=user_obj))
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in names}
        return user_obj._perm_cache
