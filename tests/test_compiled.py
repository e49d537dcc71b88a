"""Queries compiled once with stand-ins (meetingsite.compiled)."""

import pytest
from django.db import connection
from django.db.models import BooleanField, Value

from delegations.models import Official
from meetingsite.compiled import compile_once
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db

STAND_IN = -7_900_001


def test_the_stand_ins_are_replaced_at_each_run():
    first, second = OfficialFactory(family_name="Höynck"), OfficialFactory(family_name="Dubois")
    by_id = Official.objects.filter(pk=STAND_IN).values("pk", "family_name")
    compiled = compile_once(by_id, connection, {STAND_IN: "official"})

    assert compiled.slots.count("official") == 1
    assert compiled.dicts({"official": first.pk}) == [{"pk": first.pk, "family_name": "Höynck"}]
    assert compiled.dicts({"official": second.pk}) == [{"pk": second.pk, "family_name": "Dubois"}]
    assert compiled.dicts({"official": 0}) == []


def test_a_stand_in_the_query_changes_cannot_be_compiled_once():
    # icontains wraps the text in % on the way to the parameters (on SQLite; on
    # PostgreSQL it stays a parameter of its own): it is not the stand-in any more.
    wrapped = Official.objects.filter(family_name__icontains="\x00word\x00")
    compiled = compile_once(wrapped, connection, {"\x00word\x00": "word"})
    if connection.vendor == "sqlite":
        assert compiled is None
    # A stand-in missing from the query altogether.
    assert compile_once(Official.objects.all(), connection, {STAND_IN: "official"}) is None


def test_a_boolean_never_stands_in_for_1():
    # True == 1: a stand-in of 1 must not take the query's True for itself.
    official = OfficialFactory()
    flagged = (
        Official.objects.filter(pk=1)
        .annotate(flag=Value(True, output_field=BooleanField()))
        .values("pk", "flag")
    )
    compiled = compile_once(flagged, connection, {1: "official"})
    assert compiled.slots.count("official") == 1
    (row,) = compiled.dicts({"official": official.pk})
    # ``is True``: a pk of 1 equals True, and a column read under the other's name too.
    assert row["flag"] is True
    assert row["pk"] == official.pk
