import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from meetingsite.backups import BackupError, backup_database


class Command(BaseCommand):
    help = "Back up the whole database (pg_dump on PostgreSQL, a consistent copy on SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; default backups/<name>-<time>.")

    def handle(self, *args, output, **options):
        if not output:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            output = settings.BASE_DIR / "backups" / f"meetingsite-{stamp}.{suffix}"
        try:
            path = backup_database(path=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
