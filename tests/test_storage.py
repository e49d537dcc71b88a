"""The database storage: the Storage API over rows, read in chunks, written in the caller's
transaction."""

import datetime
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from meetingsite import storage as storage_module
from meetingsite.models import StoredFile
from meetingsite.storage import DatabaseStorage

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 41  # 10,496 bytes, every byte value


def test_the_sites_storage_is_the_database():
    assert settings.STORAGES["default"]["BACKEND"] == "meetingsite.storage.DatabaseStorage"
    default_storage.save("documents/probe.txt", ContentFile(b"probe"))
    assert isinstance(default_storage._wrapped, DatabaseStorage)


def test_save_open_size_times_and_delete():
    storage = DatabaseStorage()
    before = timezone.now()
    name = storage.save("documents/1/list.pdf", ContentFile(CONTENT))
    assert name == "documents/1/list.pdf"
    assert storage.exists(name)
    assert storage.size(name) == len(CONTENT)
    with storage.open(name) as handle:
        assert handle.read() == CONTENT
    modified = storage.get_modified_time(name)
    assert modified.tzinfo is not None
    assert before - datetime.timedelta(seconds=1) <= modified <= timezone.now()
    assert storage.get_created_time(name) == storage.get_accessed_time(name) == modified
    storage.delete(name)
    assert not storage.exists(name)
    assert StoredFile.objects.count() == 0
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    with pytest.raises(FileNotFoundError):
        storage.size(name)
    storage.delete(name)  # deleting what is gone is no error, as FileSystemStorage


def test_a_taken_name_gets_another_and_nothing_is_overwritten():
    storage = DatabaseStorage()
    first = storage.save("credentials/7/a.pdf", ContentFile(b"first"))
    second = storage.save("credentials/7/a.pdf", ContentFile(b"second"))
    assert first == "credentials/7/a.pdf"
    assert second != first and second.startswith("credentials/7/a_") and second.endswith(".pdf")
    assert storage.open(first).read() == b"first"
    assert storage.open(second).read() == b"second"


def test_a_race_for_the_same_name_saves_under_another(monkeypatch):
    storage = DatabaseStorage()
    storage.save("x/race.pdf", ContentFile(b"the other process"))
    real = storage.get_available_name
    calls = []

    def stale(name, max_length=None):
        calls.append(name)
        return name if len(calls) == 1 else real(name, max_length=max_length)

    monkeypatch.setattr(storage, "get_available_name", stale)
    name = storage.save("x/race.pdf", ContentFile(b"this one"))
    assert name != "x/race.pdf"
    assert storage.open(name).read() == b"this one"
    assert storage.open("x/race.pdf").read() == b"the other process"


def test_reads_stream_a_chunk_per_query_and_seek(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(storage_module, "CHUNK", 1000)
    storage = DatabaseStorage()
    name = storage.save("big.bin", ContentFile(CONTENT))
    with django_assert_num_queries(1):
        handle = storage.open(name)  # only the size is read
    with django_assert_num_queries(11):  # 10,496 bytes in chunks of 1,000
        chunks = list(iter(lambda: handle.read(100), b""))
    assert b"".join(chunks) == CONTENT
    handle.seek(0, io.SEEK_END)
    assert handle.tell() == len(CONTENT)
    handle.seek(5000)
    assert handle.read(3) == CONTENT[5000:5003]
    handle.close()


def test_a_download_streams_from_the_store():
    """FileResponse reads it block by block, and knows its length without reading it all."""
    from django.http import FileResponse

    storage = DatabaseStorage()
    name = storage.save("doc.pdf", ContentFile(CONTENT))
    response = FileResponse(storage.open(name), filename="doc.pdf")
    assert response["Content-Length"] == str(len(CONTENT))
    assert b"".join(response.streaming_content) == CONTENT


def test_listdir():
    storage = DatabaseStorage()
    for name in (
        "documents/1/a.pdf",
        "documents/1/b.pdf",
        "documents/2/c.pdf",
        "documents/top.csv",
    ):
        storage.save(name, ContentFile(b"x"))
    storage.save("credentials/1/z.png", ContentFile(b"x"))
    assert storage.listdir("documents") == (["1", "2"], ["top.csv"])
    assert storage.listdir("documents/1/") == ([], ["a.pdf", "b.pdf"])
    assert storage.listdir("") == (["credentials", "documents"], [])
    assert storage.listdir("nothing") == ([], [])


def test_files_have_no_public_url_and_no_path():
    storage = DatabaseStorage()
    name = storage.save("credentials/1/a.pdf", ContentFile(b"x"))
    with pytest.raises(ValueError, match="no public URL"):
        storage.url(name)
    with pytest.raises(NotImplementedError):
        storage.path(name)


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "a/../../b"])
def test_names_outside_the_store_are_refused(name):
    with pytest.raises(SuspiciousFileOperation):
        DatabaseStorage().save(name, ContentFile(b"x"))


def test_a_write_belongs_to_the_callers_transaction():
    storage = DatabaseStorage()
    with pytest.raises(RuntimeError), transaction.atomic():
        storage.save("credentials/1/rolled-back.pdf", ContentFile(b"x"))
        raise RuntimeError("the row that names it failed")
    assert not storage.exists("credentials/1/rolled-back.pdf")
    assert storage.transactional is True


def test_text_mode_reads_utf8_and_writes_are_refused():
    storage = DatabaseStorage()
    name = storage.save("notes.txt", ContentFile("Genève, Женева, جنيف".encode()))
    assert storage.open(name, "r").read() == "Genève, Женева, جنيف"
    with pytest.raises(ValueError, match="read-only"):
        storage.open(name, "wb")


def settings_error(**environment):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "meetingsite.settings", **environment}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stderr.strip().splitlines()[-1] if result.stderr else ""


def test_file_storage_settings_say_what_is_wrong():
    assert settings_error(FILE_STORAGE="floppy") == (
        1,
        "django.core.exceptions.ImproperlyConfigured: FILE_STORAGE must be database, s3 or "
        "filesystem, not 'floppy'.",
    )
    code, message = settings_error(FILE_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="meetings")
    assert code == 1
    assert message == (
        "django.core.exceptions.ImproperlyConfigured: FILE_STORAGE=s3 needs django-storages: "
        'pip install "django-storages[s3]".'
    )
    assert settings_error(FILE_STORAGE="filesystem") == (0, "")


def test_the_migration_brings_files_from_media_root_into_the_database(settings, tmp_path):
    """Files uploaded before the database storage (MEDIA_ROOT/private/...) keep serving."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from tests.factories import CredentialsFactory

    migration = importlib.import_module(
        "meetingsite.migrations.0004_stored_files_and_meeting_versions"
    )
    settings.MEDIA_ROOT = tmp_path
    kept = CredentialsFactory(file="credentials/3/0a1b.pdf")
    CredentialsFactory(file="credentials/4/lost.pdf")  # its file was never there
    (tmp_path / "private" / "credentials" / "3").mkdir(parents=True)
    (tmp_path / "private" / "credentials" / "3" / "0a1b.pdf").write_bytes(CONTENT)

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.import_credentials_files(apps, editor)
    migration.import_credentials_files(apps, editor)  # twice: nothing doubled
    assert list(StoredFile.objects.values_list("name", "size")) == [
        ("credentials/3/0a1b.pdf", len(CONTENT))
    ]
    with kept.file.open("rb") as handle:
        assert handle.read() == CONTENT
