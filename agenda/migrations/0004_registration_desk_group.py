from django.contrib.auth.management import create_permissions
from django.db import migrations

from delegations.groups import SECRETARIAT

REGISTRATION_DESK = "Registration desk"


def _use_desk(apps):
    # Permissions are normally created after all migrations (post_migrate); create them now.
    app_config = apps.get_app_config("agenda")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="agenda", codename="use_desk")


def create_group(apps, schema_editor):
    """The desk checks delegates in and prints; it gets no right to edit the register."""
    Group = apps.get_model("auth", "Group")
    use_desk = _use_desk(apps)
    desk, _ = Group.objects.get_or_create(name=REGISTRATION_DESK)
    desk.permissions.add(use_desk)
    secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT)
    secretariat.permissions.add(use_desk)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name=REGISTRATION_DESK).delete()
    use_desk = Permission.objects.filter(content_type__app_label="agenda", codename="use_desk")
    for group in Group.objects.filter(name=SECRETARIAT):
        group.permissions.remove(*use_desk)


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0003_attendance_use_desk_permission"),
        ("delegations", "0002_secretariat_group"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
