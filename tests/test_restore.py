"""A restore brings back rows and files together, and no page cached before it is served.

Runs the real commands in subprocesses against databases of their own (two SQLite files,
or PostgreSQL databases when the suite runs on PostgreSQL), and a real app process that
keeps its page cache across the restore, as a running site does.
"""

import os
import subprocess
import sys
import textwrap
import urllib.request

import pytest
from django.conf import settings

from tests.app_processes import start_app, stop
from tests.test_backups import database_urls, run  # noqa: F401  (a fixture and a helper)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

CREDENTIALS = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse
    from delegations import services
    from delegations.models import Credentials, Delegation
    from meetingsite.models import StoredFile

    action, *args = sys.argv[1:]
    if action == "issue":
        print(services.link_issue(delegation=Delegation.objects.order_by("pk").first()))
    elif action == "upload":
        token, name, content = args
        upload = SimpleUploadedFile(name, bytes.fromhex(content))
        url = reverse("registration:credentials", args=[token])
        print(Client().post(url, {"file": upload}).status_code, StoredFile.objects.count())
    elif action == "download":
        (token,) = args
        focal_point = Client().get(reverse("registration:credentials_file", args=[token]))
        secretariat = Client()
        secretariat.force_login(get_user_model().objects.get(username="admin"))
        pk = Credentials.objects.get().pk
        desk = secretariat.get(reverse("desk:credentials_file", args=[pk]))
        for response in (focal_point, desk):
            body = b"".join(response.streaming_content) if response.status_code == 200 else b""
            print(response.status_code, body.hex())
    """
)


def test_a_restore_brings_back_the_file_its_rows_name(database_urls, tmp_path):  # noqa: F811
    source, _ = database_urls
    run(["manage.py", "migrate", "--noinput"], source)
    run(["manage.py", "seed_meeting"], source)
    run(["manage.py", "ensure_admin"], source)
    token = run(["-c", CREDENTIALS, "issue"], source).strip()
    assert run(["-c", CREDENTIALS, "upload", token, "letter.pdf", PDF.hex()], source).split() == [
        "302",
        "1",
    ]
    backup = tmp_path / "site.backup"
    run(["manage.py", "backup", "--output", str(backup)], source)

    # Replaced after the backup: the old file is gone, the new one is served.
    assert run(["-c", CREDENTIALS, "upload", token, "scan.png", PNG.hex()], source).split() == [
        "302",
        "1",
    ]
    assert run(["-c", CREDENTIALS, "download", token], source).split() == ["200", PNG.hex()] * 2

    run(["manage.py", "restore", "--yes", str(backup)], source)
    # The focal point's link and the secretariat's both serve the file of the restored row.
    assert run(["-c", CREDENTIALS, "download", token], source).split() == ["200", PDF.hex()] * 2


EDIT = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from delegations.models import Official
    family_name, position = sys.argv[1:]
    official = Official.objects.get(family_name=family_name)
    official.position = position
    official.save()
    """
)


@pytest.fixture
def app_process(database_urls):  # noqa: F811
    """One app process on the source database, caching pages in its own memory."""
    source, _ = database_urls
    run(["manage.py", "migrate", "--noinput"], source)
    run(["manage.py", "seed_meeting"], source)
    process, base = start_app(source, PAGE_CACHE="true", ALLOWED_HOSTS="127.0.0.1")
    yield source, base
    stop(process)


def test_no_page_cached_before_a_restore_is_served_after_it(app_process, tmp_path):
    source, base = app_process

    def page():
        with urllib.request.urlopen(f"{base}/participants/") as response:
            return response.read().decode(), response.headers["X-Cache"]

    assert "Executive Secretary" in page()[0]
    backup = tmp_path / "site.backup"
    run(["manage.py", "backup", "--output", str(backup)], source)

    run(["-c", EDIT, "Korotchenya", "A discarded position"], source)
    assert "A discarded position" in page()[0]
    assert page()[1] == "hit"  # cached, as the issue found it

    run(["manage.py", "restore", "--yes", str(backup)], source)
    run(["-c", EDIT, "Höynck", "A position written after the restore"], source)
    pages = [page() for _ in range(12)]
    assert [("A discarded position" in body) for body, _how in pages] == [False] * 12
    assert all("A position written after the restore" in body for body, _how in pages)
    assert all("Executive Secretary" in body for body, _how in pages)
    assert [how for _body, how in pages] == ["miss"] + ["hit"] * 11


def test_a_backup_refuses_when_files_are_kept_elsewhere(database_urls, tmp_path):  # noqa: F811
    source, _ = database_urls
    env = {**os.environ, "DATABASE_URL": source, "FILE_STORAGE": "filesystem"}
    command = [sys.executable, "manage.py", "backup", "--output", str(tmp_path / "b.dump")]
    result = subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert (
        "Files are kept in django.core.files.storage.filesystem.FileSystemStorage, outside "
        "the database, and this backup cannot copy them." in result.stderr
    )
    assert not (tmp_path / "b.dump").exists()
    run(["manage.py", "migrate", "--noinput"], source)
    result = subprocess.run(
        [*command, "--without-files"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "b.dump").stat().st_size > 0
