from django.db import migrations

from delegations.groups import SECRETARIAT, grant_app_permissions


def grant(apps, schema_editor):
    # The secretariat keeps the speakers' lists: the new models' permissions.
    grant_app_permissions(apps, group_name=SECRETARIAT, app_label="agenda")


class Migration(migrations.Migration):
    dependencies = [("agenda", "0006_speakers_lists")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
