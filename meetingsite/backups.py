"""Backups of the whole database: pg_dump/pg_restore on PostgreSQL, a consistent copy on SQLite."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


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


def backup_database(*, path, alias="default"):
    """Write a consistent backup of the database ``alias`` to ``path``; return the path."""
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
