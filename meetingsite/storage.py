"""Uploaded and generated files kept in the database: one store every app host shares.

Why the database and not a directory or a bucket by default: a file is written in the
same transaction as the row that names it (credentials whose upload fails leave no file,
a file whose row is rolled back vanishes with it), every host that reaches the database
reads every file, and ``make backup`` copies files and rows in one consistent snapshot,
so a restore brings back the very files its rows name. The files are small (credentials
are at most 10 MB, printed documents a few MB), which a database stores well.

``DatabaseStorage`` is a Django storage (``STORAGES["default"]``): code uses
``default_storage.save/open/delete`` as with any other. Files have no public URL: they
are handed out by views that check who asks. Reads stream in chunks, one query each,
so a download never holds a whole file in memory.

For S3-compatible object storage instead, see README (Configuration, ``FILE_STORAGE``).
"""

import io
import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible

CHUNK = 512 * 1024  # bytes read per query while streaming a file


def _model():
    from .models import StoredFile

    return StoredFile


class _StoredFileReader(io.RawIOBase):
    """A read-only, seekable stream over one stored file, a chunk per query."""

    def __init__(self, name, size, using):
        self._name = name
        self._size = size
        self._using = using
        self._position = 0
        table = _model()._meta.db_table
        self._sql = f"SELECT substr(content, %s, %s) FROM {table} WHERE name = %s"

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self._size + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def readinto(self, buffer):
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        with connections[self._using].cursor() as cursor:
            # SQL strings count from 1; substr() of a BLOB/bytea counts bytes.
            cursor.execute(self._sql, [self._position + 1, wanted, self._name])
            row = cursor.fetchone()
        if row is None or row[0] is None:
            raise FileNotFoundError(f"{self._name} was deleted while being read.")
        chunk = bytes(row[0])
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)


@deconstructible(path="meetingsite.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """Files as rows of ``meetingsite.StoredFile`` (name, content, size, times)."""

    # A write belongs to the caller's transaction: rolled back with it, so callers need
    # not delete a file themselves when what names it fails to save.
    transactional = True

    def _using(self, write=False):
        model = _model()
        return router.db_for_write(model) if write else router.db_for_read(model)

    def _row(self, name, *fields):
        return (
            _model()
            .objects.using(self._using())
            .filter(name=self._clean(name))
            .values(*fields)
            .first()
        )

    @staticmethod
    def _clean(name):
        name = str(name).replace("\\", "/")
        normal = posixpath.normpath(name)
        if normal.startswith(("/", "../")) or normal == ".." or "\x00" in normal:
            raise SuspiciousFileOperation(f"Detected path traversal attempt in {name!r}")
        return normal

    def _open(self, name, mode="rb"):
        if mode not in ("rb", "r"):
            raise ValueError("Stored files are read-only once saved; save a new one.")
        row = self._row(name, "size")
        if row is None:
            raise FileNotFoundError(f"No stored file named {name}.")
        raw = _StoredFileReader(self._clean(name), row["size"], self._using())
        stream = io.BufferedReader(raw, buffer_size=CHUNK)
        if mode == "r":
            stream = io.TextIOWrapper(stream, encoding="utf-8")
        return File(stream, name=name)

    def _save(self, name, content):
        if hasattr(content, "seek") and getattr(content, "seekable", lambda: True)():
            content.seek(0)
        data = b"".join(
            chunk.encode() if isinstance(chunk, str) else bytes(chunk)
            for chunk in content.chunks()
        )
        model = _model()
        using = self._using(write=True)
        name = self._clean(name)
        for _attempt in range(10):
            try:
                with transaction.atomic(using=using):
                    now = timezone.now()
                    model.objects.using(using).create(
                        name=name, content=data, size=len(data), created_at=now, modified_at=now
                    )
            except IntegrityError:
                # Another process took the name between get_available_name() and now.
                max_length = model._meta.get_field("name").max_length
                name = self.get_available_name(name, max_length=max_length)
                continue
            return name
        raise FileExistsError(f"Could not find a free name for {name}.")

    def delete(self, name):
        if not name:
            raise ValueError("The name must be given to delete().")
        _model().objects.using(self._using(write=True)).filter(name=self._clean(name)).delete()

    def exists(self, name):
        return _model().objects.using(self._using()).filter(name=self._clean(name)).exists()

    def listdir(self, path):
        prefix = self._clean(path).rstrip("/") + "/" if path not in ("", ".", "/") else ""
        names = (
            _model()
            .objects.using(self._using())
            .filter(name__startswith=prefix)
            .values_list("name", flat=True)
        )
        directories, files = set(), []
        for name in names:
            rest = name[len(prefix) :]
            if "/" in rest:
                directories.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def size(self, name):
        row = self._row(name, "size")
        if row is None:
            raise FileNotFoundError(f"No stored file named {name}.")
        return row["size"]

    def _time(self, name, field):
        row = self._row(name, field)
        if row is None:
            raise FileNotFoundError(f"No stored file named {name}.")
        return row[field]

    def get_created_time(self, name):
        return self._time(name, "created_at")

    def get_modified_time(self, name):
        return self._time(name, "modified_at")

    def get_accessed_time(self, name):
        return self._time(name, "modified_at")

    def url(self, name):
        raise ValueError(
            "Stored files have no public URL; serve them through a view that checks who asks."
        )
