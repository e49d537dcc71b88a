"""The one row of the data version, and the Secretariat's view of login lockouts.

The secretariat sees lockouts and lifts them by deleting the attempt. Self-contained on
purpose: a migration must say the same thing whatever later code says, so it imports
nothing of the project's.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretariat"


def create_row(apps, schema_editor):
    apps.get_model("meetingsite", "DataVersion").objects.get_or_create(pk=1)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=SECRETARIAT)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="axes", codename__regex=r"^(view|delete)_"
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    axes = Permission.objects.filter(content_type__app_label="axes")
    for group in Group.objects.filter(name=SECRETARIAT):
        group.permissions.remove(*axes)


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("delegations", "0002_secretariat_group"),
        ("meetingsite", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_row, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
