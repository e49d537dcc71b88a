"""The Secretariat group, with every permission on the register.

Self-contained on purpose: a migration must say the same thing whatever later code says,
so it imports nothing of the project's.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretariat"


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate): create them now.
    app_config = apps.get_app_config("delegations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=SECRETARIAT)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="delegations"))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SECRETARIAT).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("delegations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
