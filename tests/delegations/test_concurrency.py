"""Many requests at once: the last seat goes to exactly one, and no edit is lost.

These tests run real threads, each with its own database connection and transaction,
so they need a database that runs transactions concurrently: PostgreSQL. (SQLite lets
one connection write at a time, so the race cannot happen there; CI runs this file on
PostgreSQL.)
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from delegations import services
from delegations.forms import ParticipantAdminForm
from delegations.models import Participant
from delegations.services import Entry
from tests.factories import DelegationFactory, OfficialFactory, ParticipantFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions with row locks: run with DATABASE_URL=postgres://…",
    ),
]

RACERS = 8


def race(task, arguments):
    """Run ``task`` for every argument in its own thread, all released at once."""
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait(timeout=10)
            return task(argument)
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(run, arguments))


def test_many_requests_for_the_last_seat_exactly_one_wins():
    delegation = DelegationFactory(seats_allowed=3)
    ParticipantFactory(delegation=delegation, role="head")
    ParticipantFactory(delegation=delegation)
    candidates = [OfficialFactory(organization=delegation.organization) for _n in range(RACERS)]

    def nominate(official):
        # What the admin does for "Add participant" (DelegationLockMixin.changeform_view):
        # one transaction, the delegation's row lock taken before the form's validation,
        # and the save through the service.
        with transaction.atomic():
            services.delegations_lock(pks=[delegation.pk])
            form = ParticipantAdminForm(
                data={"delegation": delegation.pk, "official": official.pk, "role": "adviser"}
            )
            if form.is_valid():
                # A slow request: without the row lock, every thread would have counted
                # two participants by now, and all of them would save.
                time.sleep(0.05)
                services.participant_save(participant=form.save(commit=False))
                return "won"
            return "; ".join(form.non_field_errors()) or form.errors.as_text()

    results = race(nominate, candidates)
    assert sorted(results) == ["The delegation has no seat left (3 allowed)."] * (RACERS - 1) + [
        "won"
    ]
    assert Participant.objects.filter(delegation=delegation).count() == 3


def test_participant_save_gives_the_last_seat_once_on_its_own():
    """The service holds the lock itself: callers that checked nothing still cannot
    overfill the delegation."""
    delegation = DelegationFactory(seats_allowed=3)
    ParticipantFactory(delegation=delegation, role="head")
    ParticipantFactory(delegation=delegation)
    candidates = [OfficialFactory(organization=delegation.organization) for _n in range(RACERS)]

    def nominate(official):
        try:
            services.participant_save(
                participant=Participant(delegation=delegation, official=official)
            )
        except ValidationError as error:
            return " ".join(error.messages)
        return "won"

    results = race(nominate, candidates)
    assert sorted(results) == ["The delegation has no seat left (3 allowed)."] * (RACERS - 1) + [
        "won"
    ]
    assert Participant.objects.filter(delegation=delegation).count() == 3


def test_many_focal_points_saving_the_same_registration_exactly_one_wins(open_meeting):
    delegation = DelegationFactory(meeting=open_meeting, seats_allowed=2)
    services.link_issue(delegation=delegation)
    head = OfficialFactory(organization=delegation.organization)
    version = services.registration_save(
        delegation=delegation,
        details={"focal_point_name": "A", "focal_point_email": "a@example.org"},
        entries=[Entry(official=head, role="head")],
        version=delegation.version,
    ).version

    def register(number):
        try:
            services.registration_save(
                delegation=delegation,
                details={"focal_point_name": f"Tab {number}", "focal_point_email": "a@ex.org"},
                entries=[Entry(official=head, role="head"), Entry(None, family_name=f"N{number}")],
                version=version,
            )
        except ValidationError as error:
            return error.code
        return "won"

    results = race(register, list(range(RACERS)))
    assert sorted(results) == ["changed_meanwhile"] * (RACERS - 1) + ["won"]
    delegation.refresh_from_db()
    assert delegation.version == version + 1
    active = Participant.objects.filter(delegation=delegation).exclude(status="cancelled")
    assert active.count() == 2
    # The winner's focal point and the winner's adviser, never a mixture of two requests.
    adviser = active.get(role="adviser").official.family_name
    assert delegation.focal_point_name == f"Tab {adviser[1:]}"
