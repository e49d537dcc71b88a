"""The secretariat's admin: every page renders for the secretariat, none for strangers."""

import datetime
import re
import zoneinfo

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from icalendar import Calendar

from agenda import services as agenda_services
from agenda.models import (
    Attendance,
    Inscription,
    ParticipantListVersion,
    SeatingDraw,
    Session,
    SessionItem,
)
from agenda.services import participants_version_issue
from delegations.models import Credentials, Meeting, Official, Participant
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CredentialsFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
    RoomFactory,
    SessionFactory,
    SessionItemFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_MODELS = [
    model for model in admin.site._registry if model._meta.app_label in {"delegations", "agenda"}
]


# Models the admin only shows: issued lists are issued from the desk and never edited.
# Credentials come from the focal points' links; the admin only marks them verified.
READ_ONLY_MODELS = {ParticipantListVersion, Credentials}


def make_one_of_each():
    attendance = AttendanceFactory()
    entry = SessionItemFactory(session=attendance.session)
    participant = attendance.participant
    agenda_services.inscription_add(
        agenda_item=entry.agenda_item, delegation=participant.delegation, speaker=participant
    )
    participants_version_issue(
        meeting=attendance.session.meeting, kind="provisional", user=None, base_symbol="X/1"
    )
    CredentialsFactory(delegation__meeting=attendance.session.meeting)
    SeatingDraw.objects.create(
        meeting=attendance.session.meeting,
        seed=1,
        starting_organization=attendance.participant.delegation.organization,
        candidates=1,
    )
    return attendance


def add_status(model):
    return 403 if model in READ_ONLY_MODELS else 200


def test_every_project_model_is_in_the_admin():
    every_model = {
        model
        for label in ("delegations", "agenda")
        for model in apps.get_app_config(label).get_models()
        # simple-history's tables are shown through each model's "History" page.
        if not hasattr(model, "instance_type")
    }
    # SessionItem is edited inline on its session, Inscription on its speakers' list.
    assert set(PROJECT_MODELS) == every_model - {SessionItem, Inscription}


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m.__name__)
def test_admin_pages_render_for_the_secretariat(secretariat_client, model):
    make_one_of_each()
    opts = model._meta
    obj = model.objects.first()
    for name, args in [("changelist", []), ("add", []), ("change", [obj.pk])]:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)
        response = secretariat_client.get(url)
        assert response.status_code == (add_status(model) if name == "add" else 200), url
    search = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert secretariat_client.get(search, {"q": "Höynck"}).status_code == 200


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m.__name__)
def test_admin_pages_refuse_anonymous_visitors(client, model):
    make_one_of_each()
    opts = model._meta
    for name, args in [("changelist", []), ("add", []), ("change", [model.objects.first().pk])]:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("given", "family"), [("Wilhelm", "Höynck"), ("موفق", "العلاف"), ("José", "Cutileiro")]
)
def test_admin_saves_names_unchanged(secretariat_client, given, family):
    organization = OrganizationFactory()
    response = secretariat_client.post(
        reverse("admin:delegations_official_add"),
        {
            "organization": organization.pk,
            "honorific_en": "H.E. Mr.",
            "given_name": given,
            "family_name": family,
            "position_en": "Secretary-General",
            "country": "",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    official = Official.objects.get()
    assert (official.given_name, official.family_name) == (given, family)
    page = secretariat_client.get(reverse("admin:delegations_official_changelist"))
    assert f"H.E. Mr. {given} {family}" in page.content.decode()


def test_admin_search_ignores_accents_and_case(secretariat_client):
    OfficialFactory(given_name="Wilhelm", family_name="Höynck")
    OfficialFactory(given_name="Ajit", family_name="Singh")
    url = reverse("admin:delegations_official_changelist")
    for query in ["hoynck", "HÖYNCK", "wilhelm hoynck", "Höynck"]:
        response = secretariat_client.get(url, {"q": query})
        names = [str(o) for o in response.context["cl"].result_list]
        assert names == ["H.E. Mr. Wilhelm Höynck"], query


def participant_inline_data(delegation, rows):
    data = {
        "meeting": delegation.meeting.pk,
        "organization": delegation.organization.pk,
        "status": delegation.status,
        "representing_en": "",
        "seats_allowed": delegation.seats_allowed or "",
        "protocol_order": "",
        "focal_point_name": "",
        "focal_point_email": "",
        "focal_point_phone": "",
        "participants-TOTAL_FORMS": len(rows),
        "participants-INITIAL_FORMS": 0,
        "participants-MIN_NUM_FORMS": 0,
        "participants-MAX_NUM_FORMS": 1000,
    }
    for n, (official, role) in enumerate(rows):
        data.update(
            {
                f"participants-{n}-official": official.pk,
                f"participants-{n}-role": role,
                f"participants-{n}-representing": "",
                f"participants-{n}-badge_number": "",
                f"participants-{n}-status": Participant.Status.NOMINATED,
                f"participants-{n}-special_requirements": "",
            }
        )
    return data


def test_admin_refuses_two_heads_with_a_message(secretariat_client):
    delegation = DelegationFactory()
    a, b = OfficialFactory.create_batch(2, organization=delegation.organization)
    head = Participant.Role.HEAD
    response = secretariat_client.post(
        reverse("admin:delegations_delegation_change", args=[delegation.pk]),
        participant_inline_data(delegation, [(a, head), (b, head)]),
    )
    assert response.status_code == 200
    assert "A delegation has one head of delegation; 2 are marked." in response.content.decode()
    assert not Participant.objects.exists()


def test_admin_refuses_too_many_participants_and_duplicates(secretariat_client):
    delegation = DelegationFactory(seats_allowed=2)
    officials = OfficialFactory.create_batch(3, organization=delegation.organization)
    url = reverse("admin:delegations_delegation_change", args=[delegation.pk])
    adviser = Participant.Role.ADVISER
    response = secretariat_client.post(
        url, participant_inline_data(delegation, [(o, adviser) for o in officials])
    )
    assert "The delegation has 2 seats; 3 participants are listed." in response.content.decode()
    response = secretariat_client.post(
        url, participant_inline_data(delegation, [(officials[0], adviser)] * 2)
    )
    assert "Please correct the duplicate data for official." in response.content.decode()
    assert not Participant.objects.exists()


def test_admin_refuses_an_overlapping_session_with_a_message(secretariat_client):
    existing = SessionFactory(title="Opening")
    response = secretariat_client.post(
        reverse("admin:agenda_session_add"),
        {
            "meeting": existing.meeting.pk,
            "kind": Session.Kind.WORKING,
            "title_en": "Clash",
            "room": existing.room.pk,
            "starts_at_0": "1996-02-15",
            "starts_at_1": "10:30",
            "ends_at_0": "1996-02-15",
            "ends_at_1": "11:30",
            "chair": "",
            "is_provisional": "on",
            "notes_en": "",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
            "items-MIN_NUM_FORMS": 0,
            "items-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200
    assert "is already taken at that time by" in response.content.decode()
    assert Session.objects.count() == 1


def test_admin_saves_a_session_with_its_agenda_items(secretariat_client):
    room = RoomFactory()
    item = AgendaItemFactory()
    response = secretariat_client.post(
        reverse("admin:agenda_session_add"),
        {
            "meeting": item.meeting.pk,
            "kind": Session.Kind.WORKING,
            "title_en": "Peace-building",
            "room": room.pk,
            "starts_at_0": "1996-02-16",
            "starts_at_1": "10:00",
            "ends_at_0": "1996-02-16",
            "ends_at_1": "13:00",
            "chair": "",
            "notes_en": "",
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 0,
            "items-MIN_NUM_FORMS": 0,
            "items-MAX_NUM_FORMS": 1000,
            "items-0-order": 1,
            "items-0-agenda_item": item.pk,
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert list(session.agenda_items.all()) == [item]
    assert session.local_start.strftime("%Y-%m-%d %H:%M %Z") == "1996-02-16 10:00 EST"
    assert session.is_provisional is False


def test_participant_admin_accepts_a_valid_participant(secretariat_client):
    participant = ParticipantFactory.build(delegation=DelegationFactory())
    official = OfficialFactory(organization=participant.delegation.organization)
    response = secretariat_client.post(
        reverse("admin:delegations_participant_add"),
        {
            "delegation": participant.delegation.pk,
            "official": official.pk,
            "role": Participant.Role.HEAD,
            "representing_en": "",
            "badge_number": "96-0100",
            "status": Participant.Status.NOMINATED,
            "special_requirements": "Wheelchair access",
        },
    )
    assert response.status_code == 302
    assert Participant.objects.get().special_requirements == "Wheelchair access"


def test_participant_admin_raises_the_delegations_version(secretariat_client):
    """A focal point with the form open then gets "changed meanwhile", not a silent
    overwrite: the admin saves through services.participant_save."""
    delegation = DelegationFactory()
    official = OfficialFactory(organization=delegation.organization)
    version = delegation.version
    response = secretariat_client.post(
        reverse("admin:delegations_participant_add"),
        {"delegation": delegation.pk, "official": official.pk, "role": Participant.Role.HEAD},
    )
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.version == version + 1


def attendance_add(client, session, participant):
    return client.post(
        reverse("admin:agenda_attendance_add"),
        {"session": session.pk, "participant": participant.pk},
    )


def test_attendance_admin_checks_in_through_the_desks_service(
    secretariat_client, secretariat_user
):
    participant = ParticipantFactory()
    session = SessionFactory(meeting=participant.delegation.meeting)
    assert attendance_add(secretariat_client, session, participant).status_code == 302
    attendance = session.attendances.get()
    assert (attendance.participant, attendance.checked_in_by) == (participant, secretariat_user)


def test_attendance_admin_refuses_a_break_and_a_cancelled_participant(secretariat_client):
    participant = ParticipantFactory()
    meeting = participant.delegation.meeting
    lunch = SessionFactory(meeting=meeting, kind=Session.Kind.BREAK, title="Lunch break")
    response = attendance_add(secretariat_client, lunch, participant)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "participant": ["Nobody is checked in to a break."]
    }
    cancelled = ParticipantFactory(
        delegation=participant.delegation, status=Participant.Status.CANCELLED
    )
    response = attendance_add(secretariat_client, SessionFactory(meeting=meeting), cancelled)
    assert response.context["adminform"].form.errors == {
        "participant": [f"{cancelled.official}'s participation was cancelled."]
    }
    assert not lunch.attendances.exists()
    assert not cancelled.attendances.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, "１２"])
def test_participant_admin_answers_a_bad_delegation_with_a_message(secretariat_client, value):
    """The row lock taken before validation passes over what is not a delegation's id."""
    official = OfficialFactory()
    response = secretariat_client.post(
        reverse("admin:delegations_participant_add"),
        {"delegation": value, "official": official.pk, "role": Participant.Role.HEAD},
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["delegation"]
    assert not Participant.objects.exists()


# --- Times in the meeting's own zone -------------------------------------------------------

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def session_form(meeting, starts, ends, title="Peace-building"):
    """The session add form as posted, times typed "YYYY-MM-DD HH:MM"."""
    return {
        "meeting": meeting.pk,
        "kind": Session.Kind.WORKING,
        "title_en": title,
        "room": "",
        "starts_at_0": starts[:10],
        "starts_at_1": starts[11:],
        "ends_at_0": ends[:10],
        "ends_at_1": ends[11:],
        "chair": "",
        "notes_en": "",
        "items-TOTAL_FORMS": 0,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }


def test_a_session_typed_in_the_admin_is_read_and_published_in_its_meetings_zone(
    secretariat_client, server_time_zone, geneva
):
    response = secretariat_client.post(
        reverse("admin:agenda_session_add"),
        session_form(geneva, "2026-07-01 10:00", "2026-07-01 11:30"),
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.starts_at, session.ends_at) == (utc(2026, 7, 1, 8), utc(2026, 7, 1, 9, 30))
    change = secretariat_client.get(reverse("admin:agenda_session_change", args=[session.pk]))
    html = change.content.decode()
    assert "Peace-building (Wed 1 Jul 2026, 10:00)" in html
    assert 'name="starts_at_1" value="10:00:00"' in html
    assert 'name="ends_at_1" value="11:30:00"' in html
    listing = secretariat_client.get(reverse("admin:agenda_session_changelist")).content.decode()
    assert "Wed 1 Jul 2026<br>10:00–11:30" in listing

    programme = secretariat_client.get("/meetings/geneva/agenda/").content.decode()
    assert (
        '<time datetime="2026-07-01T10:00:00+02:00">10:00</time>–'
        '<time datetime="2026-07-01T11:30:00+02:00">11:30</time>'
    ) in programme
    assert "(Geneva time)" in programme
    event = Calendar.from_ical(
        secretariat_client.get(f"/meetings/geneva/agenda/sessions/{session.pk}.ics").content
    ).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert event["DTSTART"].to_ical() == b"20260701T100000"
    assert event.decoded("DTSTART") == datetime.datetime(2026, 7, 1, 10, tzinfo=ZURICH)
    data = secretariat_client.get("/meetings/geneva/agenda.json").json()
    assert [(s["starts_at"], s["ends_at"]) for s in data["sessions"]] == [
        ("2026-07-01T10:00:00+02:00", "2026-07-01T11:30:00+02:00")
    ]


def test_a_session_in_tokyo_is_read_in_tokyo_time(secretariat_client, server_time_zone, tokyo):
    secretariat_client.post(
        reverse("admin:agenda_session_add"),
        session_form(tokyo, "2026-07-01 09:00", "2026-07-01 10:00"),
    )

    session = Session.objects.get()
    assert session.starts_at == utc(2026, 7, 1, 0)
    html = secretariat_client.get(
        reverse("admin:agenda_session_change", args=[session.pk])
    ).content.decode()
    assert 'name="starts_at_0" value="2026-07-01"' in html
    assert 'name="starts_at_1" value="09:00:00"' in html


def test_sessions_either_side_of_the_autumn_clock_change_keep_their_local_hour(
    secretariat_client, server_time_zone
):
    # Summer time ends in Geneva on Sunday 25 October 2026, at 03:00 (UTC+2 → UTC+1).
    meeting = MeetingFactory(
        city="Geneva",
        time_zone="Europe/Zurich",
        start_date=datetime.date(2026, 10, 24),
        end_date=datetime.date(2026, 10, 26),
    )
    for day in ("2026-10-24", "2026-10-26"):
        response = secretariat_client.post(
            reverse("admin:agenda_session_add"),
            session_form(meeting, f"{day} 10:00", f"{day} 12:00", title=f"Session {day}"),
        )
        assert response.status_code == 302

    saturday, monday = Session.objects.order_by("starts_at")
    assert saturday.starts_at == utc(2026, 10, 24, 8)
    assert monday.starts_at == utc(2026, 10, 26, 9)
    for session in (saturday, monday):
        html = secretariat_client.get(
            reverse("admin:agenda_session_change", args=[session.pk])
        ).content.decode()
        assert 'name="starts_at_1" value="10:00:00"' in html


def test_moving_a_session_to_another_meeting_reads_its_times_in_the_new_meeting_zone(
    secretariat_client, server_time_zone, geneva, tokyo
):
    session = SessionFactory(
        meeting=tokyo, room=None, starts_at=utc(2026, 7, 1, 0), ends_at=utc(2026, 7, 1, 1)
    )

    secretariat_client.post(
        reverse("admin:agenda_session_change", args=[session.pk]),
        session_form(geneva, "2026-07-01 10:00", "2026-07-01 11:00"),
    )

    session.refresh_from_db()
    assert (session.meeting, session.starts_at) == (geneva, utc(2026, 7, 1, 8))


def meeting_form(meeting, **changes):
    data = {
        "title_en": meeting.title,
        "short_title_en": meeting.short_title,
        "slug": meeting.slug,
        "ordinal": "",
        "theme_en": "",
        "convener": "",
        "venue_en": meeting.venue,
        "city_en": meeting.city,
        "start_date": meeting.start_date.isoformat(),
        "end_date": meeting.end_date.isoformat(),
        "time_zone": meeting.time_zone,
        "registration_deadline_0": "",
        "registration_deadline_1": "",
        "seats_per_delegation": meeting.seats_per_delegation,
        "is_published": "on",
        "paper": meeting.paper,
        "background_en": meeting.background,
    }
    return data | changes


def test_the_registration_deadline_is_read_in_the_zone_typed_in_the_same_form(
    secretariat_client, server_time_zone
):
    # The meeting was entered in New York's zone; the same form moves it to Geneva.
    meeting = MeetingFactory(
        city="Geneva", start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2026, 7, 3)
    )
    url = reverse("admin:delegations_meeting_change", args=[meeting.pk])

    response = secretariat_client.post(
        url,
        meeting_form(
            meeting,
            time_zone="Europe/Zurich",
            registration_deadline_0="2026-06-15",
            registration_deadline_1="18:00",
        ),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.registration_deadline == utc(2026, 6, 15, 16)
    html = secretariat_client.get(url).content.decode()
    assert 'name="registration_deadline_1" value="18:00:00"' in html
    listing = secretariat_client.get(
        reverse("admin:delegations_meeting_changelist")
    ).content.decode()
    assert "June 15, 2026, 6 p.m." in listing


def test_the_meeting_add_form_reads_the_deadline_in_the_zone_typed_with_it(
    secretariat_client, server_time_zone
):
    form = meeting_form(
        MeetingFactory.build(slug="tokyo", start_date=datetime.date(2026, 7, 1)),
        end_date="2026-07-03",
        time_zone="Asia/Tokyo",
        registration_deadline_0="2026-06-15",
        registration_deadline_1="18:00",
    )

    response = secretariat_client.post(reverse("admin:delegations_meeting_add"), form)

    assert response.status_code == 302
    assert Meeting.objects.get(slug="tokyo").registration_deadline == utc(2026, 6, 15, 9)


def test_changelists_show_each_row_in_its_own_meetings_zone(
    secretariat_client, server_time_zone, geneva, tokyo
):
    for meeting in (geneva, tokyo):
        attendance = AttendanceFactory(
            session__meeting=meeting,
            session__room=None,
            session__starts_at=utc(2026, 7, 1, 7),
            session__ends_at=utc(2026, 7, 1, 8),
        )
        Attendance.objects.filter(pk=attendance.pk).update(checked_in_at=utc(2026, 7, 1, 8, 4))
        SeatingDraw.objects.create(
            meeting=meeting,
            seed=1,
            starting_organization=attendance.participant.delegation.organization,
            candidates=1,
            drawn_at=utc(2026, 6, 30, 22, 15),
        )

    attendances = secretariat_client.get(reverse("admin:agenda_attendance_changelist"))
    draws = secretariat_client.get(reverse("admin:agenda_seatingdraw_changelist"))

    html = attendances.content.decode()
    assert "July 1, 2026, 10:04 a.m." in html  # Geneva
    assert "July 1, 2026, 5:04 p.m." in html  # Tokyo
    html = draws.content.decode()
    assert "July 1, 2026, 12:15 a.m." in html  # Geneva, already the 1st
    assert "July 1, 2026, 7:15 a.m." in html  # Tokyo
    assert str(SeatingDraw.objects.get(meeting=geneva)).endswith("(2026-07-01 00:15)")


def test_read_only_times_show_in_the_meetings_zone(secretariat_client, server_time_zone, geneva):
    credentials = CredentialsFactory(
        delegation__meeting=geneva,
        received=datetime.date(2026, 6, 1),
        uploaded_at=utc(2026, 6, 1, 7, 30),
        verified=True,
        verified_at=utc(2026, 6, 2, 12, 45),
    )

    html = secretariat_client.get(
        reverse("admin:delegations_credentials_change", args=[credentials.pk])
    ).content.decode()
    listing = secretariat_client.get(
        reverse("admin:delegations_credentials_changelist")
    ).content.decode()

    assert "June 1, 2026, 9:30 a.m." in html
    assert "June 2, 2026, 2:45 p.m." in html
    assert "June 2, 2026, 2:45 p.m." in listing


@pytest.mark.parametrize("filtered", [True, False])
def test_the_date_hierarchy_follows_the_meetings_days(
    secretariat_client, server_time_zone, geneva, filtered
):
    # 00:30 on 2 July in Geneva is still 1 July in UTC and in New York.
    SessionFactory(
        meeting=geneva,
        title="After midnight",
        room=None,
        starts_at=utc(2026, 7, 1, 22, 30),
        ends_at=utc(2026, 7, 1, 23, 30),
    )
    if not filtered:
        Meeting.objects.filter(pk=geneva.pk).update(is_current=True)
    url = reverse("admin:agenda_session_changelist")
    params = {"meeting__id__exact": geneva.pk} if filtered else {}

    def titles(day):
        response = secretariat_client.get(
            url, params | {"starts_at__year": 2026, "starts_at__month": 7, "starts_at__day": day}
        )
        return [str(session) for session in response.context["cl"].result_list]

    assert titles(2) == ["After midnight (Thu 2 Jul 2026, 00:30)"]
    assert titles(1) == []


def test_the_time_fields_say_whose_time_they_are(secretariat_client, geneva):
    session = SessionFactory(meeting=geneva, room=None)

    change = secretariat_client.get(reverse("admin:agenda_session_change", args=[session.pk]))
    add = secretariat_client.get(reverse("admin:agenda_session_add"))

    assert change.context["adminform"].form.fields["starts_at"].help_text == "Geneva time"
    assert add.context["adminform"].form.fields["starts_at"].help_text == (
        "The meeting's local time."
    )


@pytest.mark.parametrize("size", [1, 12])
def test_the_sessions_list_reads_a_constant_number_of_queries(
    secretariat_client, size, django_assert_num_queries
):
    meeting = MeetingFactory(is_current=True)
    SessionFactory.create_batch(size, meeting=meeting, chair=OfficialFactory())
    url = reverse("admin:agenda_session_changelist")
    secretariat_client.get(url)  # the session and permissions, cached
    with django_assert_num_queries(11):
        response = secretariat_client.get(url)
    listing = response.content.decode()
    assert listing.count('<span class="list-detail">Working session, provisional</span>') == size


def test_every_input_of_a_session_page_has_a_name(secretariat_client):
    """Django ties no label to a split date-time's inputs nor to an inline's cells."""
    entry = SessionItemFactory()
    url = reverse("admin:agenda_session_change", args=[entry.session.pk])
    page = secretariat_client.get(url).content.decode()
    assert 'aria-label="Starts at, date"' in page and 'aria-label="Ends at, time"' in page
    labels = dict(re.findall(r'<(?:input|select) [^>]*name="items-0-(\w+)"([^>]*)>', page))
    assert {
        name: re.findall(r'aria-label="([^"]*)"', attrs) for name, attrs in labels.items()
    } == {
        "id": [],
        "session": [],
        "order": ["Order"],
        "agenda_item": ["Agenda item"],
        "DELETE": ["Delete"],
    }
