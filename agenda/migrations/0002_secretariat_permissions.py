from django.db import migrations

from delegations.groups import SECRETARIAT, grant_app_permissions


def grant(apps, schema_editor):
    grant_app_permissions(apps, group_name=SECRETARIAT, app_label="agenda")


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0001_initial"),
        ("delegations", "0002_secretariat_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
