import time

from django.core.management.base import BaseCommand, CommandError

from agenda.generate import generate_meeting


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic meeting (slug generated-<seed>) for benchmarks; "
        "re-running with the same seed replaces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=300)
        parser.add_argument("--participants", type=int, default=5000)
        parser.add_argument("--days", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--current", action="store_true", help="Make it the meeting the public site serves."
        )

    def handle(self, *args, organizations, participants, days, seed, current, **options):
        if organizations < 1 or participants < organizations or days < 1:
            raise CommandError(
                "Need at least one organization, one participant per organization and one day."
            )
        started = time.perf_counter()
        meeting = generate_meeting(
            organizations=organizations,
            participants=participants,
            days=days,
            seed=seed,
            current=current,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {meeting.slug}: {organizations} organizations, {participants} "
                f"participants, {meeting.sessions.count()} sessions over {days} days in "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
