"""How long the desk's four long documents take to print, rows read and PDF made.

``measure(meeting)`` returns the seconds of each (what `make bench` reports); run as a
script it generates a meeting of 5,000 participants (agenda.generate, rolled back at the
end), prints wall-clock and CPU seconds and, with ``--weasyprint``, the same documents laid
out from their HTML by WeasyPrint, the way they printed before Typst:

    .venv/bin/python bench/documents.py [--participants 5000] [--paper a4] [--weasyprint]

CPU seconds are the fairer figure on a shared machine: wall-clock counts the time other
processes hold the cores (Typst uses more than one thread, WeasyPrint one).
"""

import argparse
import os
import sys
import time
from pathlib import Path

DOCUMENTS = ("sign-in sheet", "list of participants", "attendance record", "badges")


def builders(meeting):
    """Each document as the desk builds it (the sign-in sheet of the first session)."""
    from agenda import documents
    from agenda.models import Session

    session = Session.objects.for_desk(meeting).first()
    return {
        "sign-in sheet": lambda: documents.SignInSheet(meeting, session=session),
        "list of participants": lambda: documents.ParticipantsList(meeting),
        "attendance record": lambda: documents.AttendanceRecord(meeting),
        "badges": lambda: documents.Badges(meeting),
    }


def weasyprint_pdf(document, paper=None):
    """The PDF as it was made before: the print HTML laid out by WeasyPrint."""
    from agenda import rendering

    return rendering.write_pdf(rendering.render_html(document, paper=paper, pdf=True))


def timed(meeting, render, paper=None, only=DOCUMENTS):
    """{document: (wall seconds, CPU seconds, PDF bytes)}, rows read and PDF made."""
    results = {}
    for name, build in builders(meeting).items():
        if name not in only:
            continue
        wall, cpu = time.perf_counter(), time.process_time()
        content = render(build(), paper=paper)
        results[name] = (time.perf_counter() - wall, time.process_time() - cpu, len(content))
    return results


def measure(meeting, paper=None):
    """Seconds (wall clock) each document takes to print: its rows read, its PDF made."""
    from agenda import rendering

    rendering.typst_compiler()  # Loaded once a process, as a server's worker does.
    return {
        name: wall
        for name, (wall, _cpu, _size) in timed(meeting, rendering.render_pdf, paper).items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--per-delegation", type=int, default=5)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--paper", choices=["letter", "a4"], default=None)
    parser.add_argument("--weasyprint", action="store_true", help="time WeasyPrint as well")
    parser.add_argument(
        "--only", choices=DOCUMENTS, action="append", help="these documents alone (repeatable)"
    )
    parser.add_argument("--no-typst", action="store_true", help="WeasyPrint alone")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetingsite.settings")
    import django

    django.setup()
    from django.db import transaction

    from agenda import rendering
    from agenda.generate import generate_meeting

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            meeting = generate_meeting(
                organizations=max(1, -(-args.participants // args.per_delegation)),
                participants=args.participants,
                days=args.days,
                seed=5000,
            )
            rendering.typst_compiler()
            runs = [] if args.no_typst else [("typst", rendering.render_pdf)]
            if args.weasyprint or args.no_typst:
                runs.append(("weasyprint", weasyprint_pdf))
            for label, render in runs:
                results = timed(meeting, render, args.paper, args.only or DOCUMENTS)
                for name, (wall, cpu, size) in results.items():
                    print(
                        f"{label:<10} {name:<21} wall {wall:7.2f} s  cpu {cpu:7.2f} s"
                        f"  {size // 1024:>6} KiB",
                        flush=True,
                    )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
