import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from meetingsite.backups import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Back up the whole database, stored files included (pg_dump on PostgreSQL, a "
        "consistent copy on SQLite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; default backups/<name>-<time>.")
        parser.add_argument(
            "--without-files",
            action="store_true",
            help="Back up the database even though files are kept outside it (FILE_STORAGE).",
        )

    def handle(self, *args, output, without_files, **options):
        if not output:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            output = settings.BASE_DIR / "backups" / f"meetingsite-{stamp}.{suffix}"
        try:
            path = backup_database(path=output, files=not without_files)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
