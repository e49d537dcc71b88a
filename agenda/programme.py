"""The programme as the public pages and feeds show it: each session of a meeting with
its times in the meeting's zone, its words in the reader's language, its room, chair and
agenda items, read once for the programme, the day, the calendar feeds and the JSON.

The sessions are read as plain rows (``values()``), not model instances: a session,
its room and its chair carry each translated text in six columns, and building the
instances and reading their translated fields (each read resolves the active language
and its fallbacks) was most of a 500-session programme's time. Here each translated text
is picked from its columns once, in the reader's ``language_order``, and what repeats
across sessions (a room, a chair, an agenda item, a time of day) is computed once.
"""

import dataclasses
import datetime

from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.formats import time_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from delegations.models import (
    Translated,
    lang_attribute,
    language_order,
    official_name,
)

from .bidi import base_direction, isolated_html
from .models import AgendaItem, Session, SessionItem


@dataclasses.dataclass(slots=True, frozen=True)
class ProgrammeItem:
    """An agenda item as a session lists it: its number and title in the reader's language."""

    pk: int
    number: int
    title: str


@dataclasses.dataclass(slots=True)
class ProgrammeSession:
    """One session as ``programme_sessions`` reads it.

    ``title_language`` is the language its title is shown in (English when the reader's
    language has none yet); ``start_local``/``end_local`` are in the meeting's zone,
    ``start_iso``/``end_iso`` the same as ISO 8601 and ``start_clock``/``end_clock`` the
    reader's clock ("10:00"); ``pending``: provisional, and the meeting not over yet;
    ``location`` is what a calendar writes (the room and its location, else the room, the
    venue and the city).
    """

    pk: int
    kind: str
    kind_label: str
    title: str
    title_language: str | None
    notes: str
    is_provisional: bool
    pending: bool
    start_local: datetime.datetime
    end_local: datetime.datetime
    start_iso: str
    end_iso: str
    start_clock: str
    end_clock: str
    room_id: int | None
    room_name: str
    location: str
    chair_id: int | None
    chair_name: str
    entries: list

    @property
    def chair(self):
        """Whether the session has a chair (as ``session.chair`` is for a model)."""
        return self.chair_id is not None

    @property
    def item_titles(self):
        return [(item.number, item.title) for item in self.entries]


def location(room_name, room_location, meeting):
    """Where a session is, as its calendar event says: the room and the room's own
    location, or else the room with the meeting's venue and city."""
    if room_location:
        parts = [room_name, room_location]
    else:
        parts = [room_name, meeting.venue, meeting.city]
    return ", ".join(part for part in parts if part)


def programme_sessions(meeting, sessions, *, items=None):
    """``sessions`` (a queryset of ``meeting``'s sessions, in its order) as a list of
    ``ProgrammeSession``; ``items`` may give the meeting's agenda items when the caller
    has them already.

    Queries: the sessions with their rooms and chairs, the meeting's agenda items (unless
    ``items`` gives them) and which session takes which, whatever the number of sessions.
    """
    order = language_order(get_language())
    title = Translated("title", order)
    notes = Translated("notes", order)
    room_name = Translated("name", order, "room__")
    room_location = Translated("location", order, "room__")
    honorific = Translated("honorific", order, "chair__")
    fields = [
        *("pk", "kind", "is_provisional", "room_id", "chair_id"),
        *("chair__given_name", "chair__family_name"),
    ]
    for text in (title, notes, room_name, room_location, honorific):
        fields += text.names()
    # The columns are named: modeltranslation need not rewrite them, nor copy each row.
    # The times as the database writes them, each parsed once (``at``): the ORM's
    # conversion of every row's two took a fifth of the reading.
    rows = list(
        sessions.rewrite(False).values(
            *fields,
            start_text=Cast("starts_at", CharField()),
            end_text=Cast("ends_at", CharField()),
        )
    )
    entries = _session_items(meeting, items)
    tz = meeting.tz
    over = meeting.is_over
    kinds = {value: str(label) for value, label in Session.Kind.choices}
    clock_format = pgettext("time of day", "H:i")
    times, rooms, chairs = {}, {}, {}

    def at(value):
        """A stored time (its text) in the meeting's zone, as ISO 8601 and on the reader's
        clock: once for each time (a meeting's rooms start and end together). SQLite
        writes UTC without its offset, PostgreSQL with it (its connections are in UTC)."""
        if value not in times:
            moment = datetime.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            local = moment.astimezone(tz)
            times[value] = (local, local.isoformat(), time_format(local, clock_format))
        return times[value]

    def room(row):
        if row["room_id"] not in rooms:
            name, place = room_name.pick(row)[0], room_location.pick(row)[0]
            rooms[row["room_id"]] = (name, location(name, place, meeting))
        return rooms[row["room_id"]]

    def chair(row):
        if row["chair_id"] not in chairs:
            name = ""
            if row["chair_id"] is not None:
                name = official_name(
                    *honorific.pick(row), row["chair__given_name"], row["chair__family_name"]
                )
            chairs[row["chair_id"]] = name
        return chairs[row["chair_id"]]

    result = []
    for row in rows:
        (start, start_iso, start_clock), (end, end_iso, end_clock) = (
            at(row["start_text"]),
            at(row["end_text"]),
        )
        text, text_language = title.pick(row)
        name, place = room(row)
        result.append(
            ProgrammeSession(
                pk=row["pk"],
                kind=row["kind"],
                kind_label=kinds.get(row["kind"], row["kind"]),
                title=text,
                title_language=text_language,
                notes=notes.pick(row)[0],
                is_provisional=row["is_provisional"],
                pending=row["is_provisional"] and not over,
                start_local=start,
                end_local=end,
                start_iso=start_iso,
                end_iso=end_iso,
                start_clock=start_clock,
                end_clock=end_clock,
                room_id=row["room_id"],
                room_name=name,
                location=place,
                chair_id=row["chair_id"],
                chair_name=chair(row),
                entries=entries.get(row["pk"], []),
            )
        )
    return result


def _session_items(meeting, items=None):
    """{session pk: [ProgrammeItem]} in each session's order, for ``meeting``."""
    if items is None:
        items = AgendaItem.objects.filter(meeting=meeting)
    by_pk = {item.pk: ProgrammeItem(item.pk, item.number, item.title) for item in items}
    entries = {}
    pairs = (
        SessionItem.objects.filter(session__meeting=meeting)
        .order_by("session_id", "order")
        .values_list("session_id", "agenda_item_id")
    )
    for session_id, item_id in pairs:
        # SessionItem.clean keeps other meetings' items out; rows written around it stay
        # unshown rather than break the page.
        if item_id in by_pk:
            entries.setdefault(session_id, []).append(by_pk[item_id])
    return entries


@dataclasses.dataclass(slots=True, frozen=True)
class SessionRow:
    """A row of a programme table (templates/jinja2/includes/session_table.html): the
    session's texts as they are (the template escapes them) and the pieces composed here
    as markup: ``title_lang`` (`` lang="en"`` when the title is shown in another language
    than the page's), ``item_lines`` ("Item 3: …") and ``facts`` (room · chair), each
    name kept in its own direction (``bidi.isolated_html``: a Latin name in an Arabic
    page)."""

    kind: str
    is_break: bool
    title: str
    title_lang: str
    url: str
    start_iso: str
    end_iso: str
    start_clock: str
    end_clock: str
    kind_badge: str
    pending: bool
    item_lines: list
    facts: str
    start_local: datetime.datetime


def session_rows(sessions, session_url):
    """The rows of a programme table for ``sessions`` (of ``programme_sessions``);
    ``session_url(pk)`` gives a session page's URL. What repeats across rows (an agenda
    item's line, a room, a chair, a language mark) is composed once."""
    item_line = conditional_escape(_("Item %(number)s: %(title)s"))
    chair_line = conditional_escape(_("Chair: %(chair)s"))
    page, base = get_language(), base_direction()
    lines, rooms, chairs, marks = {}, {}, {}, {}

    def line(item):
        if item.pk not in lines:
            title = isolated_html(item.title, base=base)
            lines[item.pk] = mark_safe(item_line % {"number": item.number, "title": title})  # noqa: S308 (escaped pieces)
        return lines[item.pk]

    def facts(session):
        if session.room_id not in rooms:
            rooms[session.room_id] = (
                format_html("<bdi>{}</bdi>", session.room_name) if session.room_name else ""
            )
        if session.chair_id not in chairs:
            name = isolated_html(session.chair_name, base=base)
            chairs[session.chair_id] = chair_line % {"chair": name} if session.chair_name else ""
        parts = [part for part in (rooms[session.room_id], chairs[session.chair_id]) if part]
        return mark_safe(" · ".join(parts))  # noqa: S308 (escaped pieces)

    def mark(language):
        if language not in marks:
            marks[language] = lang_attribute(language, page)
        return marks[language]

    return [
        SessionRow(
            kind=session.kind,
            is_break=session.kind == Session.Kind.BREAK,
            title=session.title,
            title_lang=mark(session.title_language),
            url=session_url(session.pk),
            start_iso=session.start_iso,
            end_iso=session.end_iso,
            start_clock=session.start_clock,
            end_clock=session.end_clock,
            # Working sessions are most of the programme: only the other kinds say so.
            kind_badge=session.kind_label if session.kind != Session.Kind.WORKING else "",
            pending=session.pending,
            item_lines=[line(item) for item in session.entries],
            facts=facts(session),
            start_local=session.start_local,
        )
        for session in sessions
    ]


def by_day(meeting, rows, *, all_days):
    """[(date, [rows])] in date order, dates in the meeting's time zone; with
    ``all_days``, every day of the meeting, those without a session too."""
    days = {day: [] for day in meeting.days} if all_days else {}
    for row in rows:
        days.setdefault(row.start_local.date(), []).append(row)
    return sorted(days.items())
