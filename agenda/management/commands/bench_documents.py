"""Time the desk's documents on a synthetic meeting of thousands, then roll it all back."""

import datetime
import time
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agenda import documents
from agenda.models import Session
from delegations.models import Delegation, Meeting, Official, Organization, Participant, fold

# A few names in other scripts, so the benchmark lays out what a real list holds.
FAMILY_NAMES = ["Höynck", "Gaviria", "Корочення", "علاف", "王毅", "Anyaoku", "Núñez", "Øberg"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Build a synthetic meeting of PARTICIPANTS participants, time each desk document as "
        "HTML, CSV and PDF, and roll the meeting back. Nothing is left in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=5000)
        parser.add_argument("--per-delegation", type=int, default=5)
        parser.add_argument(
            "--pdf",
            choices=["all", "sign_in", "participants", "attendance", "badges", "none"],
            default="all",
            help="Which PDFs to lay out (they take most of the time).",
        )
        parser.add_argument("--paper", choices=sorted(documents.PAPER_SIZES), default="letter")
        parser.add_argument("--output", help="Folder to keep the PDFs in, to look at them.")

    def handle(self, *args, participants, per_delegation, pdf, paper, output, **options):
        if participants < 1 or per_delegation < 1:
            raise CommandError("--participants and --per-delegation must be at least 1.")
        try:
            with transaction.atomic():
                meeting, session = self._build(participants, per_delegation)
                self._time(meeting, session, pdf, paper, output)
                raise Rollback
        except Rollback:
            pass

    def _build(self, count, per_delegation):
        started = time.perf_counter()
        tz = zoneinfo.ZoneInfo("America/New_York")
        meeting = Meeting.objects.create(
            title="Synthetic meeting for the document benchmark",
            short_title="Benchmark meeting",
            slug=f"benchmark-{int(time.time())}",
            venue="United Nations Headquarters",
            start_date=datetime.date(2030, 3, 4),
            end_date=datetime.date(2030, 3, 13),
            seats_per_delegation=per_delegation,
        )
        session = Session.objects.create(
            meeting=meeting,
            title="Plenary",
            starts_at=datetime.datetime(2030, 3, 4, 10, tzinfo=tz),
            ends_at=datetime.datetime(2030, 3, 4, 13, tzinfo=tz),
        )
        delegations = -(-count // per_delegation)
        organizations = Organization.objects.bulk_create(
            Organization(
                name=f"Benchmark organization {n:05d} for regional cooperation",
                acronym=f"BO{n:05d}",
                sort_name=f"benchmark organization {n:05d}",
            )
            for n in range(delegations)
        )
        delegation_rows = Delegation.objects.bulk_create(
            Delegation(meeting=meeting, organization=organization, status="accredited")
            for organization in organizations
        )
        officials = []
        for n in range(count):
            family = f"{FAMILY_NAMES[n % len(FAMILY_NAMES)]} {n:05d}"
            officials.append(
                Official(
                    organization=organizations[n // per_delegation],
                    honorific="H.E. Mr.",
                    given_name="Given",
                    family_name=family,
                    position="Permanent Representative to the United Nations",
                    sort_key=fold(f"{family} Given"),
                )
            )
        officials = Official.objects.bulk_create(officials)
        Participant.objects.bulk_create(
            Participant(
                delegation=delegation_rows[n // per_delegation],
                official=official,
                role="head" if n % per_delegation == 0 else "adviser",
                role_order=0 if n % per_delegation == 0 else 2,
                badge_number=f"BM-{n:05d}",
            )
            for n, official in enumerate(officials)
        )
        self.stdout.write(
            f"Built {count} participants in {delegations} delegations "
            f"in {time.perf_counter() - started:.1f} s."
        )
        return meeting, session

    def _time(self, meeting, session, pdf, paper, output):
        builders = {
            "sign_in": lambda: documents.sign_in_sheet(meeting, session=session),
            "participants": lambda: documents.participants_list(meeting),
            "attendance": lambda: documents.attendance_record(meeting),
            "badges": lambda: documents.badges(meeting),
        }
        for name, build in builders.items():
            started = time.perf_counter()
            document = build()
            built = time.perf_counter()
            html = documents.render_html(document, paper=paper)
            rendered = time.perf_counter()
            documents.render_csv(document)
            csv_done = time.perf_counter()
            line = (
                f"{name:<13} {documents.row_count(document):>6} rows"
                f"  rows {built - started:6.2f} s"
                f"  html {rendered - built:6.2f} s ({len(html) // 1024} KiB)"
                f"  csv {csv_done - rendered:6.2f} s"
            )
            if pdf in ("all", name):
                content = documents.render_pdf(document, paper=paper)
                line += (
                    f"  pdf {time.perf_counter() - csv_done:6.2f} s ({len(content) // 1024} KiB)"
                )
                if output:
                    with open(f"{output}/{name}.pdf", "wb") as handle:
                        handle.write(content)
            self.stdout.write(line)
