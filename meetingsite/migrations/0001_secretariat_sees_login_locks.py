from django.db import migrations

from delegations.groups import SECRETARIAT, grant_app_permissions


def grant(apps, schema_editor):
    # The secretariat sees lockouts and lifts them by deleting the attempt.
    grant_app_permissions(
        apps, group_name=SECRETARIAT, app_label="axes", actions=("view", "delete")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("delegations", "0002_secretariat_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
