import time

from django.core.management.base import BaseCommand, CommandError

from agenda.generate import generate_meeting
from agenda.models import Room


def meeting_rooms(meeting):
    return Room.objects.filter(sessions__meeting=meeting).distinct().count()


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic meeting (slug generated-<seed>) for benchmarks; "
        "re-running with the same seed replaces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=300)
        parser.add_argument("--participants", type=int, default=5000)
        parser.add_argument("--days", type=int, default=10)
        parser.add_argument(
            "--rooms",
            type=int,
            help="Rooms the sessions are held in (default 4, or 10 with --sessions).",
        )
        parser.add_argument(
            "--sessions",
            type=int,
            help=(
                "Exactly this many sessions, spread evenly over the rooms and days, back to "
                "back around a lunch break (default: four to eight a day)."
            ),
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--current", action="store_true", help="Make it the meeting the public site serves."
        )

    def handle(
        self, *args, organizations, participants, days, rooms, sessions, seed, current, **options
    ):
        if organizations < 1 or participants < organizations or days < 1:
            raise CommandError(
                "Need at least one organization, one participant per organization and one day."
            )
        if (rooms is not None and rooms < 1) or (sessions is not None and sessions < 1):
            raise CommandError("--rooms and --sessions must be at least 1.")
        if sessions is not None and sessions > days * (rooms or 10) * 40:
            raise CommandError(
                "At most 40 sessions a day per room: each needs a few minutes of its own."
            )
        started = time.perf_counter()
        meeting = generate_meeting(
            organizations=organizations,
            participants=participants,
            days=days,
            seed=seed,
            current=current,
            rooms=rooms,
            sessions=sessions,
        )
        count, room_count = meeting.sessions.count(), meeting_rooms(meeting)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {meeting.slug}: {organizations} organizations, {participants} "
                f"participants, {count} sessions in {room_count} rooms over {days} days in "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
