from django.core.management.base import BaseCommand

from agenda.seed import load_meeting


class Command(BaseCommand):
    help = "Load the 1996 Second Meeting between the UN and Regional Organizations (idempotent)."

    def handle(self, *args, **options):
        meeting, created, filled = load_meeting()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {meeting}."))
        elif filled:
            self.stdout.write(f"{meeting} is already loaded; {filled} empty translations filled.")
        else:
            self.stdout.write(f"{meeting} is already loaded; nothing changed.")
