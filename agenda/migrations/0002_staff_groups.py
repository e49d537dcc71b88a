"""The Registration desk group, and the Secretariat's permissions on the programme.

The desk checks delegates in and prints; it gets no right to edit anything. The
secretariat gets every permission on the programme, attendance, speakers' lists and
seating draws, and on issued lists of participants only to issue and read them: an
issued list is never edited or deleted. Self-contained on purpose: a migration must say
the same thing whatever later code says, so it imports nothing of the project's.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretariat"
REGISTRATION_DESK = "Registration desk"
ISSUE_ONLY = ("change_participantlistversion", "delete_participantlistversion")


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate): create them now.
    app_config = apps.get_app_config("agenda")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    agenda = Permission.objects.filter(content_type__app_label="agenda")
    desk, _created = Group.objects.get_or_create(name=REGISTRATION_DESK)
    desk.permissions.add(*agenda.filter(codename="use_desk"))
    secretariat, _created = Group.objects.get_or_create(name=SECRETARIAT)
    secretariat.permissions.add(*agenda.exclude(codename__in=ISSUE_ONLY))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name=REGISTRATION_DESK).delete()
    agenda = Permission.objects.filter(content_type__app_label="agenda")
    for group in Group.objects.filter(name=SECRETARIAT):
        group.permissions.remove(*agenda)


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0001_initial"),
        ("delegations", "0002_secretariat_group"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
