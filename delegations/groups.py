"""Staff groups, created by data migrations so every database has them."""

from django.contrib.auth.management import create_permissions

SECRETARIAT = "Secretariat"


def grant_app_permissions(
    apps, *, group_name, app_label, actions=("add", "change", "delete", "view")
):
    """Give ``group_name`` the model permissions of ``app_label`` for ``actions``.

    Permissions are normally created after all migrations have run (post_migrate), so
    on a fresh database they are created here first.
    """
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in app_config.get_models()
        for action in actions
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
