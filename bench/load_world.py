"""Inside Django, for bench/load.py: build the load test's world, then check what it left.

Run as ``python -m bench.load_world setup|verify '<json arguments>'``; prints JSON.
"""

import datetime
import json
import sys

import django


def setup(args):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from agenda.desk import REGISTRATION_DESK
    from agenda.generate import generate_meeting
    from agenda.models import Session
    from delegations import services
    from delegations.models import Delegation, Organization, Participant

    meeting = generate_meeting(
        organizations=100, participants=args["participants"], days=2, seed=42, current=True
    )
    meeting.registration_deadline = timezone.now() + datetime.timedelta(days=1)
    meeting.save()
    tokens = []
    for n in range(args["delegations"]):
        organization = Organization.objects.create(
            name=f"Load Test Organization {n}", acronym=f"LTO{n}"
        )
        delegation = Delegation.objects.create(
            meeting=meeting, organization=organization, seats_allowed=3
        )
        tokens.append(services.link_issue(delegation=delegation))
    group = Group.objects.get(name=REGISTRATION_DESK)
    desks = []
    for n in range(args["desks"]):
        user = get_user_model().objects.create_user(f"desk{n}", password=args["password"])
        user.groups.add(group)
        desks.append(user.username)
    session = Session.objects.for_desk(meeting).first()
    people = list(
        Participant.objects.filter(delegation__meeting=meeting)
        .exclude(delegation__organization__name__startswith="Load Test")
        .values_list("pk", flat=True)[: args["check_ins"]]
    )
    return {"tokens": tokens, "desks": desks, "session": session.pk, "people": people}


def verify(args):
    from django.core.files.storage import default_storage
    from django.db.models import Count, Q

    from agenda.models import Attendance
    from delegations.models import Delegation
    from meetingsite.models import PdfJob

    listed = ~Q(participants__status="cancelled")
    rows = (
        Delegation.objects.filter(organization__name__startswith="Load Test")
        .annotate(
            active=Count("participants", filter=listed),
            heads=Count("participants", filter=listed & Q(participants__role="head")),
        )
        .select_related("organization")
    )
    pdf_jobs = list(PdfJob.objects.values_list("document", "state", "file_name", "rows"))
    return {
        "pdf_jobs": [[document, state] for document, state, _name, _rows in pdf_jobs],
        "pdf_files_missing": sum(
            1
            for _document, state, name, _rows in pdf_jobs
            if state == "done" and not default_storage.exists(name)
        ),
        "pdf_rows": {
            document: max(rows for other, _state, _name, rows in pdf_jobs if other == document)
            for document, _state, _name, _rows in pdf_jobs
        },
        "delegations": {
            d.organization.acronym: [d.active, d.heads, d.seats_allowed] for d in rows
        },
        # The generated meeting comes with check-ins of its own: only the load's people.
        "attendance": sorted(
            Attendance.objects.filter(
                session_id=args["session"], participant_id__in=args["people"]
            ).values_list("participant_id", flat=True)
        ),
    }


if __name__ == "__main__":
    django.setup()
    action, arguments = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps({"setup": setup, "verify": verify}[action](arguments)))
