"""Registration desk accounts, and the Secretariat's right to manage them.

A proxy of the user model, so that the Secretariat gets add, change and view on desk
accounts alone: never delete (an account that checked people in is deactivated, and its
name stays on the record) and never the user model's own permissions, which would let it
grant anything. Self-contained on purpose: a migration must say the same thing whatever
later code says, so it imports nothing of the project's.
"""

import django.contrib.auth.models
from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretariat"
GRANTED = ("add_deskaccount", "change_deskaccount", "view_deskaccount")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate): create them now.
    app_config = apps.get_app_config("meetingsite")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=SECRETARIAT)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="meetingsite", codename__in=GRANTED)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    granted = Permission.objects.filter(
        content_type__app_label="meetingsite", codename__in=GRANTED
    )
    for group in Group.objects.filter(name=SECRETARIAT):
        group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("meetingsite", "0002_data_version_and_login_locks"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeskAccount",
            fields=[],
            options={
                "verbose_name": "registration desk account",
                "verbose_name_plural": "registration desk accounts",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("auth.user",),
            managers=[
                ("objects", django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.RunPython(grant, revoke),
    ]
