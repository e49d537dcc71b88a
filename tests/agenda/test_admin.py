"""The session's admin page offers its own meeting's agenda items and ranks the rooms."""

import pytest
from django.urls import reverse

from agenda.models import Session
from tests.factories import AgendaItemFactory, MeetingFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:agenda_session_add")


@pytest.fixture
def two_meetings():
    """Two meetings whose items share numbers and titles, as every meeting's "1. Opening"."""
    first = MeetingFactory(short_title="UN-RO 2", is_current=True)
    second = MeetingFactory(short_title="UN-RO 3", venue="Palais des Nations", city="Geneva")
    for meeting in (first, second):
        AgendaItemFactory(meeting=meeting, number=1, title="Opening")
        AgendaItemFactory(meeting=meeting, number=2, title="Peace-building")
    return first, second


def item_labels(response):
    formset = response.context["inline_admin_formsets"][0].formset
    return [label for _value, label in formset.empty_form.fields["agenda_item"].choices]


def room_groups(response):
    choices = response.context["adminform"].form.fields["room"].choices
    return [
        (group, [label for _value, label in rooms])
        for group, rooms in choices
        if isinstance(rooms, list)
    ]


def session_data(meeting, items, **extra):
    data = {
        "meeting": meeting.pk,
        "kind": Session.Kind.WORKING,
        "title_en": "Peace-building",
        "room": "",
        "starts_at_0": "1996-02-16",
        "starts_at_1": "10:00",
        "ends_at_0": "1996-02-16",
        "ends_at_1": "13:00",
        "chair": "",
        "notes_en": "",
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(items):
        data[f"items-{index}-order"] = index + 1
        data[f"items-{index}-agenda_item"] = item.pk
    return {**data, **extra}


def test_a_session_offers_only_its_meetings_items_labelled_with_the_meeting(
    secretariat_client, two_meetings
):
    _first, second = two_meetings
    session = SessionFactory(meeting=second)
    response = secretariat_client.get(reverse("admin:agenda_session_change", args=[session.pk]))
    assert item_labels(response) == [
        "---------",
        "1. Opening — UN-RO 3 (1996)",
        "2. Peace-building — UN-RO 3 (1996)",
    ]


def test_an_add_form_offers_the_meeting_in_the_address_else_the_current_one(
    secretariat_client, two_meetings
):
    first, second = two_meetings
    named = secretariat_client.get(ADD, {"meeting": second.pk})
    assert named.context["adminform"].form.initial["meeting"] == str(second.pk)
    assert item_labels(named)[1:] == [
        "1. Opening — UN-RO 3 (1996)",
        "2. Peace-building — UN-RO 3 (1996)",
    ]
    assert item_labels(secretariat_client.get(ADD))[1:] == [
        "1. Opening — UN-RO 2 (1996)",
        "2. Peace-building — UN-RO 2 (1996)",
    ]
    assert item_labels(secretariat_client.get(ADD, {"meeting": "x"}))[1] == (
        "1. Opening — UN-RO 2 (1996)"
    )


def test_an_item_of_another_meeting_is_refused_beside_the_field(secretariat_client, two_meetings):
    first, second = two_meetings
    own, foreign = second.agenda_items.get(number=2), first.agenda_items.get(number=1)
    response = secretariat_client.post(ADD, session_data(second, [own, foreign]))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{}, {"agenda_item": ["This item belongs to another meeting."]}]
    # The form comes back offering the meeting chosen in it.
    assert item_labels(response)[1] == "1. Opening — UN-RO 3 (1996)"
    assert not Session.objects.exists()

    response = secretariat_client.post(ADD, session_data(second, [own]))
    assert response.status_code == 302
    assert list(Session.objects.get().agenda_items.all()) == [own]


def test_moving_a_session_to_another_meeting_refuses_the_items_it_keeps(
    secretariat_client, two_meetings
):
    first, second = two_meetings
    session = SessionFactory(meeting=first, room=None)
    entry = session.items.create(agenda_item=first.agenda_items.get(number=1), order=1)
    data = session_data(
        second,
        [],
        **{
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 1,
            "items-0-id": entry.pk,
            "items-0-session": session.pk,
            "items-0-order": 1,
            "items-0-agenda_item": entry.agenda_item.pk,
        },
    )
    url = reverse("admin:agenda_session_change", args=[session.pk])
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{"agenda_item": ["This item belongs to another meeting."]}]
    session.refresh_from_db()
    assert session.meeting == first


def test_an_unknown_item_is_refused_as_such(secretariat_client, two_meetings):
    _first, second = two_meetings
    data = session_data(
        second, [], **{"items-TOTAL_FORMS": 1, "items-0-order": 1, "items-0-agenda_item": "999999"}
    )
    response = secretariat_client.post(ADD, data)
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [
        {
            "agenda_item": [
                "Select a valid choice. That choice is not one of the available choices."
            ]
        }
    ]


def test_rooms_come_in_order_of_use_by_the_meeting_then_its_venue(
    secretariat_client, two_meetings
):
    first, second = two_meetings
    neighbour = MeetingFactory()  # also at United Nations Headquarters
    SessionFactory(meeting=first, room=RoomFactory(name="Conference Room 4"))
    SessionFactory(meeting=neighbour, room=RoomFactory(name="Trusteeship Council Chamber"))
    SessionFactory(meeting=second, room=RoomFactory(name="Salle XX"))
    RoomFactory(name="Conference Room 1")
    session = SessionFactory(meeting=first, room=None)

    for response in (
        secretariat_client.get(reverse("admin:agenda_session_change", args=[session.pk])),
        secretariat_client.get(ADD),
    ):
        assert room_groups(response) == [
            ("Rooms of this meeting", ["Conference Room 4"]),
            ("Rooms at the same venue", ["Trusteeship Council Chamber"]),
            ("Other rooms", ["Conference Room 1", "Salle XX"]),
        ]
    response = secretariat_client.get(ADD, {"meeting": second.pk})
    assert room_groups(response) == [
        ("Rooms of this meeting", ["Salle XX"]),
        ("Other rooms", ["Conference Room 1", "Conference Room 4", "Trusteeship Council Chamber"]),
    ]
