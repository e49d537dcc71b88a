"""Backups of the whole site: pg_dump/pg_restore on PostgreSQL, a consistent copy on SQLite.

Files (credentials, printed documents) are rows of the same database with the default
storage (meetingsite/storage.py), so one backup holds rows and files in one snapshot and
a restore brings back exactly the files its rows name. With another storage the files
are not in the database: ``backup`` refuses, unless told ``files=False`` (the store's
own means must then keep the files, e.g. a bucket's versioning).

After a restore the data version moves past every number the site has used, so no page
cached before the restore (or between the backup and the restore) is ever served again.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.files.storage import storages
from django.db import DatabaseError, connections
from django.utils import timezone


class BackupError(Exception):
    pass


def _pg_env(settings_dict):
    env = os.environ.copy()
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _run(command, env):
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


def files_in_database():
    """Whether the site's files are rows of its database (and so in every backup)."""
    from .storage import DatabaseStorage

    return isinstance(storages["default"], DatabaseStorage)


def backup_database(*, path, alias="default", files=True):
    """Write a consistent backup of the database ``alias``, files included, to ``path``;
    return the path. ``files=False`` allows a backup when files live elsewhere."""
    if files and not files_in_database():
        backend = type(storages["default"])
        backend = f"{backend.__module__}.{backend.__qualname__}"
        raise BackupError(
            f"Files are kept in {backend}, outside the database, and this backup cannot "
            "copy them. Back them up with that store's own means (for a bucket, its "
            "versioning or replication) and run the backup with --without-files, or keep "
            "files in the database (FILE_STORAGE=database)."
        )
    connection = connections[alias]
    settings_dict = connection.settings_dict
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        # SQLite's online backup API copies a consistent snapshot even while the site writes.
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", settings_dict["NAME"]],
            _pg_env(settings_dict),
        )
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    return path


def restore_database(*, path, alias="default"):
    """Replace the contents of the database ``alias`` with the backup at ``path``."""
    connection = connections[alias]
    settings_dict = connection.settings_dict
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    used = _data_version(connection)
    if connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={settings_dict['NAME']}",
                str(path),
            ],
            _pg_env(settings_dict),
        )
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    _move_data_version_past(connection, used)


def _data_version(connection):
    """The data version's number in the database now (0 when there is none yet)."""
    from .models import DataVersion

    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(number) FROM {DataVersion._meta.db_table}")
            row = cursor.fetchone()
    except DatabaseError:  # an empty database: no table yet
        return 0
    return row[0] or 0


def _move_data_version_past(connection, used):
    """Set the data version past both the restored number and ``used``, the number the
    site had reached before the restore: every page cached under an older number (the
    discarded edits' pages among them) is keyed by a number that never comes back.
    Meeting versions need no move: every page's key holds the global number."""
    from .models import DataVersion

    restored = _data_version(connection)
    DataVersion.objects.using(connection.alias).update_or_create(
        pk=1, defaults={"number": max(used, restored) + 1, "changed_at": timezone.now()}
    )
