from django.core.management.base import BaseCommand, CommandError

from meetingsite.backups import BackupError, restore_database


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by the backup command."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before replacing the data."
        )

    def handle(self, *args, path, yes, **options):
        if not yes:
            answer = input(f"Replace everything in the database with {path}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Restore cancelled.")
        try:
            restore_database(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
