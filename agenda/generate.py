"""A synthetic large meeting for benchmarks and query-budget tests.

Deterministic for a given seed: the same arguments build the same names, programme and
attendance. Rows are written with bulk_create, so fields that ``save()`` would derive
(sort keys, role order) are derived here with the same functions.
"""

import datetime
import random
import zoneinfo

from django.db import transaction

from delegations.models import Delegation, Meeting, Official, Organization, Participant, fold
from meetingsite.caching import data_changed

from .models import AgendaItem, Attendance, Room, Session, SessionItem

BATCH = 2000

# Names in several scripts, so that sorting, searching and printing meet real variety.
GIVEN_NAMES = [
    "Amina",
    "José",
    "Ingrid",
    "Chukwuemeka",
    "Søren",
    "Zoë",
    "Nguyễn Thị",
    "François",
    "Łukasz",
    "Ayşe",
    "Björn",
    "Mária",
    "Kwame",
    "Siddharth",
    "Mei",
    "Olúwaségun",
    "Анна",
    "Дмитрий",
    "Ελένη",
    "Γιώργος",
    "محمد",
    "فاطمة",
    "أحمد",
    "ليلى",
    "王",
    "李",
    "陈",
    "佐藤",
    "김",
    "Rahel",
    "Tupac",
    "Aroha",
]
FAMILY_NAMES = [
    "Höynck",
    "García Márquez",
    "Okonkwo",
    "Ødegaard",
    "Nakamura",
    "Dubois",
    "Kowalczyk",
    "Yılmaz",
    "Þórsdóttir",
    "Nagy",
    "Mensah",
    "Ramanathan",
    "Zhang",
    "Adébáyọ̀",
    "Иванова",
    "Смирнов",
    "Παπαδοπούλου",
    "Νικολάου",
    "العلاف",
    "الحسيني",
    "بن علي",
    "小林",
    "伟",
    "娜",
    "太郎",
    "민준",
    "Tesfaye",
    "Quispe",
    "Ngata",
    "von Moltke",
    "de la Cruz",
    "O'Brien",
]
HONORIFICS = ["H.E. Mr.", "H.E. Ms.", "Mr.", "Ms.", "Dr.", "Ambassador", "Prof."]
POSITIONS = [
    "Secretary-General",
    "Deputy Secretary-General",
    "Permanent Observer to the United Nations",
    "Director, Political Affairs",
    "Senior Adviser",
    "Legal Counsel",
    "Head of Mediation Support",
    "Counsellor",
]
REGIONS = [
    "Andean",
    "Baltic",
    "Caribbean",
    "Danubian",
    "East African",
    "Gulf",
    "Himalayan",
    "Indian Ocean",
    "Mekong",
    "Nordic",
    "Pacific Islands",
    "Sahel",
    "Southern African",
    "Central Asian",
    "Mediterranean",
    "Black Sea",
    "Great Lakes",
    "Amazonian",
]
BODIES = [
    "Community",
    "Union",
    "Council",
    "Organization",
    "Forum",
    "Commission",
    "League",
    "Partnership",
    "Conference",
    "Development Bank",
]
SESSION_TOPICS = [
    "Conflict prevention",
    "Mediation",
    "Peacekeeping partnerships",
    "Sanctions",
    "Humanitarian access",
    "Climate and security",
    "Women, peace and security",
    "Youth and security",
    "Post-conflict reconstruction",
    "Elections support",
    "Rule of law",
    "Financing for peace",
]


def _organizations(rng, count, prefix):
    seen = set()
    rows = []
    n = 0
    while len(rows) < count:
        n += 1
        name = f"{rng.choice(REGIONS)} {rng.choice(BODIES)}"
        if name in seen:
            name = f"{name} {n}"
        seen.add(name)
        name = f"{name} ({prefix})"
        acronym = "".join(word[0] for word in name.split() if word[0].isupper())[:12]
        kind = Organization.Kind.STATE if n % 10 == 0 else Organization.Kind.REGIONAL
        rows.append(
            Organization(
                name=name,
                acronym=f"{acronym}{n}",
                kind=kind,
                headquarters=rng.choice(["Geneva", "Nairobi", "Bangkok", "Lima", "Vienna"]),
                sort_name=fold(name),
            )
        )
    return Organization.objects.bulk_create(rows, batch_size=BATCH)


def _delete_previous(slug, prefix):
    """Remove an earlier run of the same generation so a re-run replaces it."""
    Meeting.objects.filter(slug=slug).delete()
    Official.objects.filter(organization__name__endswith=f"({prefix})").delete()
    Organization.objects.filter(name__endswith=f"({prefix})").delete()
    Room.objects.filter(name__endswith=f"({prefix})").delete()


# The working day of a generated programme with a given number of sessions: the morning
# and the afternoon around a lunch break, each room's sessions back to back.
MORNING = (datetime.time(9), datetime.time(13))
AFTERNOON = (datetime.time(14, 30), datetime.time(18, 30))


def _spread(count, parts):
    """``count`` split into ``parts`` near-equal whole numbers, the larger ones first."""
    return [count // parts + (1 if n < count % parts else 0) for n in range(parts)]


def _half_day(day, bounds, count, tz):
    """``count`` back-to-back (start, end) between ``bounds`` on ``day``, whole minutes."""
    begins = datetime.datetime.combine(day, bounds[0], tz)
    ends = datetime.datetime.combine(day, bounds[1], tz)
    length = (ends - begins) // max(count, 1)
    length -= datetime.timedelta(seconds=length.total_seconds() % 60)
    return [(begins + n * length, begins + (n + 1) * length) for n in range(count)]


def spread_programme(days, rooms, sessions, tz):
    """[(room index, start, end)] for ``sessions`` spread evenly over ``days`` and
    ``rooms``: each room's sessions of a day back to back, half before a lunch break and
    half after it (the morning gets the odd one)."""
    slots = []
    for day, per_day in zip(days, _spread(sessions, len(days)), strict=True):
        for room, per_room in enumerate(_spread(per_day, rooms)):
            morning = -(-per_room // 2)
            times = _half_day(day, MORNING, morning, tz)
            times += _half_day(day, AFTERNOON, per_room - morning, tz)
            slots += [(room, start, end) for start, end in times]
    return sorted(slots, key=lambda slot: (slot[1], slot[0]))


def _spread_sessions(rng, meeting, room_count, session_count, officials, prefix, tz):
    rooms = Room.objects.bulk_create(
        [Room(name=f"Conference Room {n + 1} ({prefix})", capacity=800) for n in range(room_count)]
    )
    sessions = []
    for room, start, end in spread_programme(meeting.days, room_count, session_count, tz):
        opening = not sessions
        sessions.append(
            Session(
                meeting=meeting,
                kind=Session.Kind.OPENING if opening else Session.Kind.WORKING,
                title=rng.choice(SESSION_TOPICS),
                room=rooms[room],
                starts_at=start,
                ends_at=end,
                chair=officials[rng.randrange(len(officials))] if officials else None,
                # A few stay provisional, as in a real programme a week ahead.
                is_provisional=rng.random() < 0.1,
                notes="Interpretation in the six official languages." if room == 0 else "",
            )
        )
    return Session.objects.bulk_create(sessions, batch_size=BATCH)


def _each_session_attendance(rng, sessions, participant_rows):
    """Each session is attended by a random share of the participants."""
    for session in sessions:
        share = rng.uniform(0.2, 0.5)
        for participant in participant_rows:
            if rng.random() < share:
                yield Attendance(session=session, participant=participant)


def _parallel_attendance(rng, sessions, participant_rows):
    """Each participant attends, with some chance, one of the sessions held at a time."""
    by_start = {}
    for session in sessions:
        by_start.setdefault(session.starts_at, []).append(session)
    for parallel in by_start.values():
        share = rng.uniform(0.2, 0.5)
        for participant in participant_rows:
            if rng.random() < share:
                yield Attendance(session=rng.choice(parallel), participant=participant)


def _daily_sessions(rng, meeting, room_count, officials, prefix, tz):
    """Four to eight sessions a day, two hours apart in each room."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    rooms = Room.objects.bulk_create(
        [
            Room(name=f"Conference Room {letters[n % 26]}{n // 26 or ''} ({prefix})", capacity=800)
            for n in range(room_count)
        ]
    )
    sessions = []
    for day in meeting.days:
        per_day = rng.randint(4, 8)
        for n in range(per_day):
            room = rooms[n % len(rooms)]
            begins = datetime.datetime.combine(day, datetime.time(9 + 2 * (n // len(rooms))), tz)
            kind = Session.Kind.OPENING if (day == meeting.start_date and n == 0) else None
            sessions.append(
                Session(
                    meeting=meeting,
                    kind=kind or Session.Kind.WORKING,
                    title=rng.choice(SESSION_TOPICS),
                    room=room,
                    starts_at=begins,
                    ends_at=begins + datetime.timedelta(minutes=105),
                    chair=officials[rng.randrange(len(officials))] if officials else None,
                    is_provisional=False,
                )
            )
    return Session.objects.bulk_create(sessions, batch_size=BATCH)


@transaction.atomic
def generate_meeting(
    *, organizations, participants, days, seed, current=False, rooms=None, sessions=None
):
    """Build a meeting of ``organizations`` delegations and ``participants`` people.

    Without ``sessions``, four rooms hold four to eight sessions a day. With it, exactly
    ``sessions`` sessions spread evenly over ``rooms`` rooms (10 by default) and the
    days, back to back around a lunch break; each participant then attends at most one
    of the sessions held at the same time.
    """
    if sessions is not None and sessions < 1:
        raise ValueError("sessions must be at least 1")
    if rooms is not None and rooms < 1:
        raise ValueError("rooms must be at least 1")
    rng = random.Random(seed)
    slug = f"generated-{seed}"
    prefix = f"gen {seed}"
    _delete_previous(slug, prefix)
    tz = zoneinfo.ZoneInfo("America/New_York")
    start = datetime.date(2030, 9, 16)
    seats = max(1, -(-participants // max(organizations, 1)))
    if current:
        Meeting.objects.filter(is_current=True).update(is_current=False)
    meeting = Meeting.objects.create(
        title=f"Generated high-level meeting {seed}",
        short_title=f"Generated meeting {seed}",
        slug=slug,
        venue="United Nations Headquarters",
        city="New York",
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        time_zone="America/New_York",
        registration_deadline=datetime.datetime.combine(start, datetime.time(9), tz)
        - datetime.timedelta(days=7),
        seats_per_delegation=seats,
        background=(
            f"## About this meeting\n\nA meeting generated for benchmarks (seed {seed}): "
            f"{organizations} organizations, {participants} participants, {days} days."
        ),
        is_published=True,
        is_current=current,
    )

    orgs = _organizations(rng, organizations, prefix)
    delegations = Delegation.objects.bulk_create(
        [
            Delegation(
                meeting=meeting,
                organization=org,
                status=Delegation.Status.ACCREDITED,
                protocol_order=None,
            )
            for org in orgs
        ],
        batch_size=BATCH,
    )

    officials, people = [], []
    roles = [Participant.Role.HEAD, Participant.Role.ALTERNATE]
    for n in range(participants):
        delegation = delegations[n % len(delegations)]
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        officials.append(
            Official(
                organization=delegation.organization,
                honorific=rng.choice(HONORIFICS),
                given_name=given,
                family_name=family,
                position=rng.choice(POSITIONS),
                email=f"person{n}@example.org",
                phone=f"+1 212 555 {n % 10000:04d}",
                sort_key=fold(f"{family} {given}"),
            )
        )
        index_in_delegation = n // len(delegations)
        role = (
            roles[index_in_delegation]
            if index_in_delegation < len(roles)
            else rng.choice([Participant.Role.ADVISER, Participant.Role.OBSERVER])
        )
        people.append((delegation, role))
    officials = Official.objects.bulk_create(officials, batch_size=BATCH)
    participant_rows = Participant.objects.bulk_create(
        [
            Participant(
                delegation=delegation,
                official=official,
                role=role,
                role_order=Participant.ROLE_ORDER[role],
                status=Participant.Status.ACCREDITED,
                badge_number=f"G{seed}-{n:06d}",
            )
            for n, (official, (delegation, role)) in enumerate(zip(officials, people, strict=True))
        ],
        batch_size=BATCH,
    )

    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, number=n + 1, title=topic)
            for n, topic in enumerate(SESSION_TOPICS)
        ]
    )
    parallel = sessions is not None
    if parallel:
        sessions = _spread_sessions(rng, meeting, rooms or 10, sessions, officials, prefix, tz)
    else:
        sessions = _daily_sessions(rng, meeting, rooms or 4, officials, prefix, tz)
    SessionItem.objects.bulk_create(
        [
            SessionItem(session=session, agenda_item=item, order=order)
            for session in sessions
            for order, item in enumerate(rng.sample(items, rng.randint(1, 2)), start=1)
        ],
        batch_size=BATCH,
    )

    attendance = []
    for row in (
        _parallel_attendance(rng, sessions, participant_rows)
        if parallel
        else _each_session_attendance(rng, sessions, participant_rows)
    ):
        attendance.append(row)
        if len(attendance) >= BATCH * 5:
            Attendance.objects.bulk_create(attendance, batch_size=BATCH)
            attendance = []
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    data_changed()  # bulk_create sends no signals
    return meeting
