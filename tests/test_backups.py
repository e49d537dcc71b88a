"""A backup restored into an empty database holds every row, and the site serves it.

Runs the real commands in subprocesses against real databases: two SQLite files, or two
PostgreSQL databases when the suite runs on PostgreSQL.
"""

import json
import os
import subprocess
import sys
import textwrap

import psycopg
import pytest
from django.conf import settings
from django.db import connection

COUNT_ROWS = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.apps import apps
    print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))
    """
)

SERVE_PAGE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get("/admin/delegations/official/", {"q": "hoynck"})
    print(response.status_code, "Wilhelm Höynck" in response.content.decode())
    """
)


def run(args, database_url, **kwargs):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "DEBUG": "true",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def database_urls(tmp_path):
    """Two empty databases of the kind the suite runs on: a source and a target."""
    if connection.vendor == "sqlite":
        yield [
            f"sqlite:///{tmp_path / 'source.sqlite3'}",
            f"sqlite:///{tmp_path / 'target.sqlite3'}",
        ]
        return
    params = connection.settings_dict
    port = params["PORT"] or 5432
    admin = f"host={params['HOST']} port={port} user={params['USER']} dbname=postgres"
    # One pair per test process, so parallel workers never share a database.
    names = [f"meetingsite_backup_{os.getpid()}_{role}" for role in ("source", "target")]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    yield [f"postgres://{params['USER']}@{params['HOST']}:{port}/{name}" for name in names]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_every_row_into_an_empty_database(database_urls, tmp_path):
    source, target = database_urls
    run(["manage.py", "migrate", "--noinput"], source)
    run(["manage.py", "seed_meeting"], source)
    run(["manage.py", "ensure_admin"], source)
    before = json.loads(run(["-c", COUNT_ROWS], source))
    assert before["delegations.Official"] == 16
    assert before["agenda.Session"] == 8

    backup = tmp_path / "meeting.backup"
    assert "Backup written to" in run(["manage.py", "backup", "--output", str(backup)], source)
    assert backup.stat().st_size > 0

    out = run(["manage.py", "restore", "--yes", str(backup)], target)
    assert f"Restored {backup}" in out
    assert json.loads(run(["-c", COUNT_ROWS], target)) == before
    assert run(["-c", SERVE_PAGE], target).split() == ["200", "True"]


def test_restore_refuses_a_missing_file(database_urls, tmp_path):
    source, _ = database_urls
    env = {**os.environ, "DATABASE_URL": source}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", "--yes", str(tmp_path / "nothing.dump")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"No backup at {tmp_path / 'nothing.dump'}." in result.stderr
