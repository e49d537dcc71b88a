from django.db import migrations

from delegations.groups import SECRETARIAT, grant_app_permissions


def create_group(apps, schema_editor):
    grant_app_permissions(apps, group_name=SECRETARIAT, app_label="delegations")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SECRETARIAT).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("delegations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
