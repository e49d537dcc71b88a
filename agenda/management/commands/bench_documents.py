"""Time the desk's documents on a synthetic meeting of thousands, then roll it all back."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agenda import documents, rendering
from agenda.generate import generate_meeting
from agenda.models import Attendance, Session

BENCH_SEED = 5000  # its own slug (generated-5000), rolled back at the end


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Generate a synthetic meeting (agenda.generate) of PARTICIPANTS participants, time each "
        "desk document as HTML, CSV and PDF, and roll it all back: nothing stays in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=5000)
        parser.add_argument("--per-delegation", type=int, default=5)
        parser.add_argument("--days", type=int, default=2)
        parser.add_argument(
            "--pdf",
            choices=["all", "sign_in", "participants", "attendance", "badges", "none"],
            default="participants",
            help="Which PDFs to lay out (they take most of the time; 'all' takes many minutes).",
        )
        parser.add_argument("--paper", choices=sorted(rendering.PAPER_SIZES), default="letter")
        parser.add_argument("--output", help="Folder to keep the PDFs in, to look at them.")

    def handle(self, *args, participants, per_delegation, days, pdf, paper, output, **options):
        if participants < 1 or per_delegation < 1 or days < 1:
            raise CommandError("--participants, --per-delegation and --days must be at least 1.")
        try:
            with transaction.atomic():
                meeting, session = self._build(participants, per_delegation, days)
                self._time(meeting, session, pdf, paper, output)
                raise Rollback
        except Rollback:
            pass

    def _build(self, count, per_delegation, days):
        started = time.perf_counter()
        organizations = max(1, -(-count // per_delegation))
        meeting = generate_meeting(
            organizations=organizations, participants=count, days=days, seed=BENCH_SEED
        )
        session = Session.objects.for_desk(meeting).first()
        check_ins = Attendance.objects.filter(session__meeting=meeting).count()
        self.stdout.write(
            f"Generated {count} participants in {organizations} delegations, "
            f"{meeting.sessions.count()} sessions and {check_ins} check-ins "
            f"in {time.perf_counter() - started:.1f} s."
        )
        return meeting, session

    def _time(self, meeting, session, pdf, paper, output):
        builders = {
            "sign_in": lambda: documents.SignInSheet(meeting, session=session),
            "participants": lambda: documents.ParticipantsList(meeting),
            "attendance": lambda: documents.AttendanceRecord(meeting),
            "badges": lambda: documents.Badges(meeting),
        }
        for name, build in builders.items():
            started = time.perf_counter()
            document = build()
            built = time.perf_counter()
            html = rendering.render_html(document, paper=paper)
            rendered = time.perf_counter()
            rendering.render_csv(document)
            csv_done = time.perf_counter()
            line = (
                f"{name:<13} {document.row_count:>6} rows"
                f"  rows {built - started:6.2f} s"
                f"  html {rendered - built:6.2f} s ({len(html) // 1024} KiB)"
                f"  csv {csv_done - rendered:6.2f} s"
            )
            if pdf in ("all", name):
                content = rendering.render_pdf(document, paper=paper)
                line += (
                    f"  pdf {time.perf_counter() - csv_done:6.2f} s ({len(content) // 1024} KiB)"
                )
                if output:
                    with open(f"{output}/{name}.pdf", "wb") as handle:
                        handle.write(content)
            self.stdout.write(line)
