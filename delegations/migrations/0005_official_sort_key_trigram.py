"""A trigram index on officials' folded names, for the desk's search, on PostgreSQL only.

The desk finds people by any part of their name (``sort_key LIKE '%term%'``), which no
B-tree index serves; pg_trgm's GIN index does. SQLite has no such index and needs none
at this size: the search gives the same results there, by a scan.
"""

from django.db import migrations

INDEX = "delegations_official_sort_key_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON delegations_official "
        "USING gin (sort_key gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0004_translated_content"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
