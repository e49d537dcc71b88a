"""The secretariat's buttons pressed at once: the list row lock keeps the order whole.

Real threads with their own connections and transactions, so PostgreSQL only (as
tests/delegations/test_concurrency.py)."""

import datetime

import pytest
from django.db import connection

from agenda import services
from agenda.models import Inscription
from tests.delegations.test_concurrency import RACERS, race
from tests.factories import AgendaItemFactory, DelegationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions with row locks: run with DATABASE_URL=postgres://…",
    ),
]

T0 = datetime.datetime(1996, 2, 15, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture
def inscriptions():
    item = AgendaItemFactory()
    return [
        services.inscription_add(
            agenda_item=item,
            delegation=DelegationFactory(meeting=item.meeting),
            now=T0 + datetime.timedelta(minutes=n),
        )
        for n in range(RACERS)
    ]


def test_moves_at_once_keep_one_inscription_per_place(inscriptions):
    race(lambda i: services.inscription_move(inscription=i, up=True), inscriptions[1:])
    positions = sorted(Inscription.objects.values_list("position", flat=True))
    assert positions == list(range(1, RACERS + 1))


def test_giving_the_floor_at_once_leaves_one_speaker(inscriptions):
    race(lambda i: services.inscription_call(inscription=i) and "ok", inscriptions)
    statuses = sorted(Inscription.objects.values_list("status", flat=True))
    assert statuses == ["speaking"] + ["spoken"] * (RACERS - 1)
