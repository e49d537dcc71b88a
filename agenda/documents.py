"""The registration desk's printable documents, each declared once as a registered class.

A document class says what the desk needs to print it: its identifier (the ``kind`` its
URL passes to ``desk.document``), title, template, permission, how it reads its rows from
the request's parameters (a constant number of queries whatever the size of the meeting),
and its columns. The columns, heading and value, are the one source of the CSV and of the
table in the HTML and PDF; ``agenda.rendering`` renders every document the same way.

    @register
    class Badges(Document):
        identifier = "badges"
        ...

    documents.REGISTRY["badges"].from_request(request, meeting)
"""

import datetime
import itertools
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from delegations.models import (
    Delegation,
    Participant,
    Translated,
    given_and_family,
    language_order,
    official_name,
    protocol_order,
    translation_languages,
)
from delegations.models import column as translated_column
from meetingsite.dates import date_time_separator, format_date_time, list_separator

from .bidi import isolate, isolated_html
from .models import AgendaItem, Attendance, ParticipantListVersion, Session, SpeakersList
from .rendering import LazyQr, qr_codes, row_breaks
from .seating import seating_plan
from .seating_svg import seating_svg

# The registration desk's right (agenda.Attendance's Meta): every document asks for it today.
DESK_PERMISSION = "agenda.use_desk"

# The path from an attendance to its participant's columns (``person_columns``).
PARTICIPANT = "participant__"

# Rows left empty at the foot of a sign-in sheet for delegates not on the list.
WALK_IN_ROWS = 8
# The listed rows printed together with the walk-in rows, so that the empty rows never fill
# a page alone: a last page of blank lines reads as a page lost from the list.
ROWS_KEPT_WITH_WALK_INS = 2

REGISTRY = {}


def register(document_class):
    """Make ``document_class`` printable at the desk under its identifier."""
    if document_class.identifier in REGISTRY:
        raise ValueError(f"Two documents are called {document_class.identifier!r}.")
    REGISTRY[document_class.identifier] = document_class
    return document_class


@dataclass(frozen=True)
class Column:
    """A column of a document: its heading and how a row gives its value.

    ``value`` is a row's key, or a function of the row. The CSV writes the value; the HTML
    table writes it too, unless ``cell`` gives the cell's HTML (when the page shows more
    than the spreadsheet needs). ``csv=False`` is a column only on paper (a signature);
    ``html=False`` one only in the spreadsheet. ``css_class`` marks the heading and, unless
    ``cell_class`` says otherwise, the cells.
    """

    heading: str
    value: object
    css_class: str = ""
    cell_class: str | None = None
    cell: object = None
    csv: bool = True
    html: bool = True

    def value_of(self, row):
        return self.value(row) if callable(self.value) else row[self.value]

    def cell_of(self, row):
        return self.cell(row) if self.cell is not None else self.value_of(row)


class Document:
    """What every printed document has; a subclass declares the rest and reads its rows."""

    identifier = ""
    title = ""
    template = ""
    filename = ""
    permission = DESK_PERMISSION
    columns = ()
    # The table's one row when it has none (a column-wide message), or nothing.
    empty_text = None
    # The language the document prints in; None: the request's.
    language = None
    # Its Typst template (templates/typst/), for the documents of thousands of
    # rows; "": its PDF is its HTML laid out by WeasyPrint.
    typeset = ""

    def __init__(self, meeting):
        self.meeting = meeting
        self.rows = []

    @classmethod
    def from_request(cls, request, meeting, **params):
        """The document for the URL's parameters; Http404 when they name nothing."""
        return cls(meeting, **params)

    @property
    def kind(self):
        """The name its templates style it by."""
        return self.identifier

    @property
    def subtitle(self):
        """The subtitle on screen: what ``print_subtitle`` prints, unwrapped."""
        return self.print_subtitle(plain)

    def get_context(self):
        """What the template prints besides the document itself."""
        return {"rows": self.rows}

    def print_subtitle(self, isolate):
        """The subtitle on paper, its pieces isolated (``rendering.isolate``)."""
        return meeting_dates(self.meeting, isolate)

    def print_body(self, isolate):
        """What the Typst template (``typeset``) prints, as JSON: texts already isolated."""
        raise NotImplementedError(f"{self.identifier} has no Typst template.")

    def print_files(self):
        """Binary files the Typst template reads besides its JSON, ``{name: bytes}``."""
        return {}

    def print_table(self, rows, isolate):
        """The columns' headings and the cells' values of ``rows``, for paper."""
        columns = [column for column in self.columns if column.html]
        return {
            "headings": [str(column.heading) for column in columns],
            "rows": [[isolate(column.value_of(row)) for column in columns] for row in rows],
        }

    def table_rows(self):
        """The rows the columns read, one a line of the CSV."""
        return self.rows

    def row_class(self, row):
        """The class of the row's ``<tr>`` in the HTML table, or None for no class."""
        return None

    @property
    def csv_header(self):
        return [str(column.heading) for column in self.columns if column.csv]

    @cached_property
    def csv_rows(self):
        columns = [column for column in self.columns if column.csv]
        return [[column.value_of(row) for column in columns] for row in self.table_rows()]

    @property
    def row_count(self):
        return len(self.csv_rows)

    def html_table(self, rows, columns=None):
        """``rows`` as the HTML table's head and cells (templates/documents/_table_*.html),
        in the document's ``columns`` unless given others."""
        columns = [column for column in columns or self.columns if column.html]
        return {
            "headings": [
                {"css_class": column.css_class, "text": str(column.heading)} for column in columns
            ],
            "rows": [
                {
                    "css_class": self.row_class(row),
                    "cells": [
                        {
                            "css_class": column.css_class
                            if column.cell_class is None
                            else column.cell_class,
                            "content": column.cell_of(row),
                        }
                        for column in columns
                    ],
                }
                for row in rows
            ],
            "empty": str(self.empty_text) if self.empty_text else "",
        }


def organization_label(organization):
    """The organization's name in the document's language (English when untranslated)."""
    return named_with_acronym(organization.display_name, organization.acronym)


def named_with_acronym(name, acronym):
    """ "United Nations (UN)", or the name alone when it has no acronym."""
    return f"{name} ({acronym})" if acronym else name


class OrganizationLabels:
    """``organization_label`` of organizations read with ``values()`` (their columns under
    ``prefix``), the name's columns in the reader's language order found once."""

    def __init__(self, order, prefix):
        self.prefix, self.name = prefix, Translated("name", order, prefix)

    def __call__(self, values):
        name = self.name.pick(values)[0] or values[f"{self.prefix}name"]
        return named_with_acronym(name, values[f"{self.prefix}acronym"])


def long_date(value):
    """A date as the public pages write it, in the document's language ("Thursday,
    15 February 1996", "1996年2月15日 星期四")."""
    from .templatetags.agenda_site import long_date  # Imported here: it imports the views.

    return long_date(value)


def clock(value):
    """A time of day as the public pages write it ("10:00", "10 h 00")."""
    from .templatetags.agenda_site import clock

    return clock(value)


def plain(value):
    return str(value)


def meeting_dates(meeting, wrap=plain):
    """The meeting's days; ``wrap`` isolates each date, for paper (``rendering.isolate``)."""
    if meeting.start_date == meeting.end_date:
        return wrap(long_date(meeting.start_date))
    return f"{wrap(long_date(meeting.start_date))} – {wrap(long_date(meeting.end_date))}"


def session_line(session, wrap=plain):
    """ "Session 1 — Thursday, 15 February 1996, 10:00–12:00, Conference Room 4"; ``wrap``
    isolates each piece, so that on Arabic paper each keeps its place and its own order."""
    start, end = session.local_start, session.local_end
    # The language's own comma between the pieces (CLDR's, "، " in Arabic), not ", ".
    separator = date_time_separator()
    room = f"{separator}{wrap(session.room)}" if session.room_id else ""
    return (
        f"{wrap(session.title)} — {wrap(long_date(start))}{separator}"
        f"{wrap(f'{clock(start)}–{clock(end)}')}{room}"
    )


# --- Rows read as columns --------------------------------------------------------------------
# A document of thousands of rows reads its people with ``values()``: a model instance costs
# tens of microseconds to build (six languages' columns, signals), and each read of one of
# its translated fields resolves the language and its fallbacks again.


def person_columns(path=""):
    """What ``People`` reads of a participant (``path`` leads from the queried model)."""
    official, organization = f"{path}official__", f"{path}delegation__organization__"
    return [
        f"{path}role",
        f"{path}badge_number",
        *_language_columns(path, "representing"),
        *_language_columns(official, "honorific"),
        f"{official}given_name",
        f"{official}family_name",
        *_language_columns(official, "position"),
        f"{official}country",
        f"{organization}name",
        *_language_columns(organization, "name"),
        f"{organization}acronym",
    ]


def _language_columns(path, field):
    """``field`` of ``path`` in every language the register keeps ("official__position_en",
    … "official__position_ar")."""
    return [f"{path}{translated_column(field, code)}" for code in translation_languages()]


def role_labels():
    """Each role's label in the active language (``get_role_display``)."""
    return {value: str(label) for value, label in Participant.Role.choices}


class People:
    """Participants read with ``person_columns(path)``, as the documents print them: each
    one's name (and their name alone, without the honorific), position, country, role,
    badge number, organization and "Representing" note in the active language, with the
    fallbacks of the models' own properties (``Official.full_name``,
    ``Organization.display_name``, ``translated_value``).

    The columns of each text in the reader's language order are found once for all the
    rows: thousands of people, each with four translated texts.
    """

    def __init__(self, path=""):
        order = language_order(translation.get_language())
        official, organization = f"{path}official__", f"{path}delegation__organization__"
        self.path, self.official = path, official
        self.honorific = Translated("honorific", order, official)
        self.position = Translated("position", order, official)
        self.representing = Translated("representing", order, path)
        self.organization = OrganizationLabels(order, organization)
        self.roles = role_labels()

    def __call__(self, values):
        official = self.official
        honorific, honorific_language = self.honorific.pick(values)
        given, family = values[f"{official}given_name"], values[f"{official}family_name"]
        role = values[f"{self.path}role"]
        return {
            "organization": self.organization(values),
            "name": official_name(honorific, honorific_language, given, family),
            "name_alone": given_and_family(given, family),  # without the honorific
            "position": self.position.pick(values)[0],
            "country": values[f"{official}country"],
            "role": self.roles.get(role, role),
            "badge_number": values[f"{self.path}badge_number"],
            "representing": self.representing.pick(values)[0],
        }


def expected_people(meeting):
    """Everyone ``Participant.objects.expected`` lists, in its order, as ``People`` reads
    them: one query, no model instance."""
    person = People()
    return [
        person(values)
        for values in Participant.objects.expected(meeting).values(*person_columns())
    ]


# --- Sign-in sheet ---------------------------------------------------------------------------


@register
class SignInSheet(Document):
    """Sign-in sheet of one session, or of a whole day: number, organization, name, position."""

    identifier = "sign_in"
    title = gettext_lazy("Sign-in sheet")
    template = "documents/sign_in.html"
    typeset = "sign_in.typ"
    columns = (
        Column(gettext_lazy("No."), "number", css_class="number"),
        Column(
            gettext_lazy("Organization"), "organization", css_class="organization", cell_class=""
        ),
        Column(gettext_lazy("Name"), "name", css_class="name", cell_class=""),
        Column(gettext_lazy("Position"), "position", css_class="position", cell_class=""),
        Column(gettext_lazy("Signature"), lambda row: "", css_class="signature", csv=False),
    )

    def __init__(self, meeting, *, session=None, day=None):
        super().__init__(meeting)
        self.session, self.day = session, day
        self.rows = [
            {
                "number": number,
                "organization": row["organization"],
                "name": row["name"],
                "position": row["position"],
            }
            for number, row in enumerate(expected_people(meeting), start=1)
        ]

    @classmethod
    def from_request(cls, request, meeting, *, pk=None, day=None):
        if pk is not None:
            return cls(
                meeting, session=get_object_or_404(Session.objects.for_desk(meeting), pk=pk)
            )
        try:
            date = datetime.date.fromisoformat(day)
        except ValueError:
            raise Http404(_("Not a date.")) from None
        if date not in meeting.days:
            raise Http404(_("The meeting does not sit that day."))
        return cls(meeting, day=date)

    def print_subtitle(self, isolate):
        if self.session is not None:
            return session_line(self.session, isolate)
        return isolate(long_date(self.day))

    @property
    def filename(self):
        if self.session is not None:
            return f"sign-in-{self.session.local_start:%Y-%m-%d-%H%M}"
        return f"sign-in-{self.day:%Y-%m-%d}"

    def get_context(self):
        """The listed rows, then the last few of them with the walk-in rows: the template
        keeps that second group on one page (one layout pass, the same in the browser's
        print and in the PDF, and always the same number of walk-in rows)."""
        count = len(self.rows)
        split = max(count - ROWS_KEPT_WITH_WALK_INS, 0)
        return {
            "rows": self.rows,
            "table": self.html_table(self.rows[:split]),
            "last_rows": self.html_table(self.rows[split:]),
            "blank_rows": range(count + 1, count + 1 + WALK_IN_ROWS),
        }

    def print_body(self, isolate):
        """The rows, where the group kept with the walk-in rows starts, and the walk-ins'
        numbers (as ``get_context`` gives them to the HTML)."""
        count = len(self.rows)
        table = self.print_table(self.rows, isolate)
        return {
            **table,
            # Where each row's texts after its number (digits only, never broken) break.
            "breaks": [row_breaks(cells[1:]) for cells in table["rows"]],
            "split": max(count - ROWS_KEPT_WITH_WALK_INS, 0),
            "blank_rows": [str(number) for number in range(count + 1, count + 1 + WALK_IN_ROWS)],
        }


# --- List of participants, and its issued versions -------------------------------------------


@register
class ParticipantsList(Document):
    """The list of participants: delegations in protocol order, head of delegation first.

    The page groups members under their delegation; the CSV has a line a member.
    """

    identifier = "participants"
    title = gettext_lazy("List of participants")
    template = "documents/participants.html"
    typeset = "participants.typ"
    filename = "list-of-participants"
    columns = (
        Column(gettext_lazy("Organization"), "organization"),
        Column(gettext_lazy("Role"), "role"),
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Position"), "position"),
        Column(gettext_lazy("Representing"), "representing"),
    )

    def __init__(self, meeting):
        super().__init__(meeting)
        order = language_order(translation.get_language())
        organization, representing = (
            OrganizationLabels(order, "organization__"),
            Translated("representing", order),
        )
        delegations = (
            Delegation.objects.filter(meeting=meeting)
            .active()
            .in_protocol_order()
            .values(
                "pk",
                *_language_columns("", "representing"),
                "organization__name",
                *_language_columns("organization__", "name"),
                "organization__acronym",
            )
        )
        groups = {
            delegation["pk"]: {
                "organization": organization(delegation),
                "representing": representing.pick(delegation)[0],
                "members": [],
            }
            for delegation in delegations
        }
        person = People()
        participants = (
            Participant.objects.listed()  # None cancelled, head first.
            .filter(delegation_id__in=list(groups))
            .values("delegation_id", *person_columns())
        )
        for values in participants:
            group = groups[values["delegation_id"]]
            member = person(values)
            group["members"].append(
                {
                    "role": member["role"],
                    "name": member["name"],
                    "position": member["position"],
                    "country": member["country"],
                    # A member's own note only where it differs from the delegation's.
                    "representing": (
                        member["representing"]
                        if member["representing"] != group["representing"]
                        else ""
                    ),
                }
            )
        self.rows = list(groups.values())  # groups: an organization and its members

    def get_context(self):
        return {"groups": self.rows}

    def print_version(self, isolate):
        """The line naming an issued version above the table; None for the live list."""
        return None

    def print_body(self, isolate):
        """Each delegation and its members, as templates/documents/participants.html prints
        them: the position with the country, and a member's own "Representing" note."""

        def representing(note):
            return _("Representing: %(note)s") % {"note": isolate(note)} if note else ""

        def position(member):
            text = isolate(member["position"])
            if member.get("country"):
                text += f" ({isolate(member['country'])})"
            return text

        return {
            "headings": [_("Name"), _("Role"), _("Position")],
            "empty": _("No participant named yet."),
            "version": self.print_version(isolate),
            "groups": [
                {
                    "organization": isolate(group["organization"]),
                    "representing": representing(group["representing"]),
                    "members": [
                        self.print_member(member, isolate, position, representing)
                        for member in group["members"]
                    ],
                }
                for group in self.rows
            ],
        }

    @staticmethod
    def print_member(member, isolate, position, representing):
        """A member's cells, and where they break (a note below the position: unknown)."""
        cells = {
            "name": isolate(member["name"]),
            "role": isolate(member["role"]),
            "position": position(member),
            "note": representing(member.get("representing")),
        }
        texts = [cells["name"], cells["role"], cells["position"]]
        return {**cells, "breaks": None if cells["note"] else row_breaks(texts)}

    def table_rows(self):
        """One row a member, for the live list and for issued versions alike."""
        return [
            {
                **member,
                "organization": group["organization"],
                "representing": member["representing"] or group["representing"],
            }
            for group in self.rows
            for member in group["members"]
        ]

    def snapshot(self):
        """What an issued version stores: the list's rows exactly as printed, as JSON."""
        return {
            "subtitle": self.subtitle,
            "groups": [
                {
                    "organization": group["organization"],
                    "representing": group["representing"],
                    "members": [dict(member) for member in group["members"]],
                }
                for group in self.rows
            ],
        }


def issued_version_or_404(meeting, pk):
    """An issued version of ``meeting``'s list of participants, or Http404."""
    return get_object_or_404(
        ParticipantListVersion.objects.select_related("meeting"), meeting=meeting, pk=pk
    )


@register
class IssuedParticipantsList(ParticipantsList):
    """An issued version of the list, printed from its snapshot alone (no query) in the
    language it was issued in."""

    identifier = "participant_version"
    kind = "participants"  # It prints as the list it is a version of.

    def __init__(self, version):
        Document.__init__(self, version.meeting)
        self.version = version
        self.language = version.language
        self.rows = version.snapshot["groups"]
        with translation.override(version.language):
            self.title = _("List of participants (%(version)s)") % {"version": version.label}

    @classmethod
    def from_request(cls, request, meeting, *, pk):
        return cls(issued_version_or_404(meeting, pk))

    @property
    def subtitle(self):
        return f"{self.version.symbol} — {self.version.snapshot['subtitle']}"

    def print_subtitle(self, isolate):
        return f"{isolate(self.version.symbol)} — {isolate(self.version.snapshot['subtitle'])}"

    def print_version(self, isolate):
        context = self.get_context()
        return _("%(symbol)s, issued %(issued)s") % {
            "symbol": isolate(context["symbol"]),
            "issued": isolate(context["issued"]),
        }

    @property
    def filename(self):
        return f"list-of-participants-{slugify(self.version.symbol)}"

    def get_context(self):
        issued = self.version.issued_at.astimezone(self.meeting.tz)
        return {
            "groups": self.rows,
            "symbol": self.version.symbol,
            "issued": long_date(issued),
        }


CHANGE_FIELDS = {
    "role": gettext_lazy("Role"),
    "position": gettext_lazy("Position"),
    "country": gettext_lazy("Country"),
    "representing": gettext_lazy("Representing"),
}


def _entries(snapshot):
    """Each organization and each member of a snapshot, under a key that survives edits."""
    entries = {}
    for group in snapshot["groups"]:
        organization = group["organization"]
        entries[(organization, "", 0)] = {"representing": group["representing"]}
        seen = {}
        for member in group["members"]:
            occurrence = seen[member["name"]] = seen.get(member["name"], 0) + 1
            entries[(organization, member["name"], occurrence)] = {
                name: member.get(name, "") for name in CHANGE_FIELDS
            }
    return entries


def snapshot_changes(old, new):
    """The entries added, removed and changed from snapshot ``old`` to snapshot ``new``."""
    before, after = _entries(old), _entries(new)

    def row(key, **extra):
        organization, name, _occurrence = key
        return {"organization": organization, "name": name, **extra}

    added = [row(key) for key in after if key not in before]
    removed = [row(key) for key in before if key not in after]
    changed = []
    for key, values in after.items():
        if key not in before:
            continue
        fields = [
            {"field": str(CHANGE_FIELDS[name]), "old": before[key].get(name, ""), "new": value}
            for name, value in values.items()
            if before[key].get(name, "") != value
        ]
        if fields:
            changed.append(row(key, fields=fields))
    return {"added": added, "removed": removed, "changed": changed}


# --- Attendance record -----------------------------------------------------------------------


@register
class AttendanceRecord(Document):
    """Who was present. For the whole meeting: each session's totals, then each participant,
    under their organization, with the days they came and the number of sessions they
    attended. For one session: who checked in, and when. The CSV has a line a check-in, with
    its session, either way.

    The meeting's record is a line a participant rather than a line a check-in: a meeting of
    500 sessions has about 90,000 check-ins, 4,500 pages nobody reads on paper (and that no
    typesetter lays out in seconds); who attended which session, and when they came in, is
    on each session's record and in the CSV.
    """

    identifier = "attendance"
    title = gettext_lazy("Attendance record")
    template = "documents/attendance.html"
    typeset = "attendance.typ"
    # A check-in's columns: a session's record prints them after its heading (which names
    # the session, its date and start: html=False), the CSV all of them but the number.
    columns = (
        Column(gettext_lazy("Session"), "session", html=False),
        Column(gettext_lazy("Date"), "date", html=False),
        Column(gettext_lazy("Start"), "start", html=False),
        Column(gettext_lazy("No."), "number", css_class="number", csv=False),
        Column(gettext_lazy("Organization"), "organization"),
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Role"), "role"),
        # A date as well as the time: a delegate may be checked in on the eve of a session.
        Column(
            gettext_lazy("Checked in at"),
            "checked_in",
            cell=lambda row: date_format(row["checked_in_at"], "j M Y, H:i"),
        ),
    )

    def __init__(self, meeting, *, session=None):
        super().__init__(meeting)
        self.session = session
        self.sessions = [session] if session else list(Session.objects.for_desk(meeting))
        if session is not None:
            self.rows = self.check_ins

    # Each read when asked for: the meeting's CSV (its check-ins) needs neither.
    @cached_property
    def expected(self):
        return Participant.objects.expected(self.meeting).count()

    @cached_property
    def blocks(self):
        """Each session's totals; for a session's record, with its rows."""
        if self.session is not None:
            return [self._block(self.session, len(self.rows), self.rows)]
        return self._meeting_record[0]

    @property
    def groups(self):
        """The meeting's record: its people, each organization's under it."""
        return self._meeting_record[1]

    @classmethod
    def from_request(cls, request, meeting, *, pk=None):
        if pk is None:
            return cls(meeting)
        return cls(meeting, session=get_object_or_404(Session.objects.for_desk(meeting), pk=pk))

    def print_subtitle(self, isolate):
        if self.session is not None:
            return session_line(self.session, isolate)
        return meeting_dates(self.meeting, isolate)

    @property
    def filename(self):
        if self.session is not None:
            return f"attendance-record-{self.session.local_start:%Y-%m-%d-%H%M}"
        return "attendance-record"

    def _block(self, session, count, present=()):
        """A session's totals, and the rows of who was ``present`` where they are printed."""
        return {
            "session": session,
            "line": session_line(session),
            "date": date_format(session.local_start, "D j M"),
            "time": f"{session.local_start:%H:%M}",
            # Sessions of the same title sit at the same time in different rooms.
            "room": str(session.room) if session.room_id else "",
            "when": f"{date_format(session.local_start, 'D j M')}{date_time_separator()}"
            f"{session.local_start:%H:%M}",
            "present": present,
            "count": count,
            "absent": max(self.expected - count, 0),
        }

    @cached_property
    def _meeting_record(self):
        """Each session's totals, and each person's days and sessions (``blocks``,
        ``groups``): from the check-ins' two ids alone (tens of thousands of them), the
        people's names read once each."""
        day_of = {session.pk: session.local_start.date() for session in self.sessions}
        present, days, sessions = dict.fromkeys(day_of, 0), {}, {}
        for participant_id, session_id in Attendance.objects.filter(
            session__in=self.sessions
        ).values_list("participant_id", "session_id"):
            present[session_id] += 1
            days.setdefault(participant_id, set()).add(day_of[session_id])
            sessions[participant_id] = sessions.get(participant_id, 0) + 1
        blocks = [self._block(session, present[session.pk]) for session in self.sessions]
        # Everyone expected, and anyone who checked in and is no longer (withdrawn since).
        people = (
            Participant.objects.filter(delegation__meeting=self.meeting)
            .filter(
                Q(pk__in=Participant.objects.expected(self.meeting).values("pk"))
                | Exists(Attendance.objects.filter(participant=OuterRef("pk")))
            )
            .order_by(*protocol_order())
            .values("pk", *person_columns())
        )
        person, separator, groups = People(), list_separator(), []
        # Each set of days written once: thousands of people share a few dozen.
        written = {}
        for values in people:
            someone = person(values)
            if not groups or groups[-1]["organization"] != someone["organization"]:
                groups.append({"organization": someone["organization"], "members": []})
            came = frozenset(days.get(values["pk"], ()))
            if came not in written:
                written[came] = days_list(came, separator)
            groups[-1]["members"].append(
                {
                    "name": someone["name"],
                    "role": someone["role"],
                    "days": written[came],
                    "sessions": sessions.get(values["pk"], 0),
                }
            )
        return blocks, groups

    @cached_property
    def check_ins(self):
        """A row a check-in, session after session: the CSV's lines, a session's record."""
        present = {session.pk: [] for session in self.sessions}
        attendances = (
            Attendance.objects.filter(session__in=self.sessions)
            .order_by(*protocol_order(PARTICIPANT))
            .values("session_id", "participant_id", "checked_in_at", *person_columns(PARTICIPANT))
        )
        # What a row prints of its session and of its participant, made once for each: a
        # meeting of 500 sessions has tens of thousands of check-ins of a few thousand people.
        of_session = {
            session.pk: {
                "session": session.title,
                "date": f"{session.local_start:%Y-%m-%d}",
                "start": f"{session.local_start:%H:%M}",
            }
            for session in self.sessions
        }
        people, person = {}, People(PARTICIPANT)
        for values in attendances:
            someone = people.get(values["participant_id"])
            if someone is None:
                someone = people[values["participant_id"]] = person(values)
            rows = present[values["session_id"]]
            checked_in_at = values["checked_in_at"].astimezone(self.meeting.tz)
            rows.append(
                {
                    **of_session[values["session_id"]],
                    "number": len(rows) + 1,
                    "organization": someone["organization"],
                    "name": someone["name"],
                    "role": someone["role"],
                    "checked_in_at": checked_in_at,
                    "checked_in": f"{checked_in_at:%Y-%m-%d %H:%M}",
                }
            )
        return [row for session in self.sessions for row in present[session.pk]]

    def table_rows(self):
        return self.check_ins

    @property
    def row_count(self):
        """The rows on paper (what decides whether a worker prints it)."""
        if self.session is not None:
            return len(self.rows)
        return len(self.blocks) + sum(len(group["members"]) for group in self.groups)

    # The meeting's record: each participant, under their organization (unnumbered, as in
    # the list of participants: a column of 5,000 numbers is a fifth of its time on paper).
    people_columns = (
        Column(gettext_lazy("Name"), "name", css_class="col-name"),
        Column(gettext_lazy("Role"), "role", css_class="col-role"),
        Column(gettext_lazy("Days present"), "days"),
        Column(gettext_lazy("Sessions"), "sessions", css_class="number"),
    )

    def get_context(self):
        context = {"expected": self.expected, "session": self.session}
        if self.session is not None:
            block = self.blocks[0]
            # Not "block": a template's {% block %} takes that name.
            return context | {"record": block | {"table": self.html_table(block["present"])}}
        return context | {
            "blocks": self.blocks,
            "people": self.html_table([], self.people_columns),
            "groups": [
                {
                    "organization": group["organization"],
                    "table": self.html_table(group["members"], self.people_columns),
                }
                for group in self.groups
            ],
        }

    def total(self, block):
        if not block["count"]:
            return _("Nobody checked in (0 present of %(expected)s expected).") % {
                "expected": self.expected
            }
        return ngettext(
            "%(counter)s present of %(expected)s expected",
            "%(counter)s present of %(expected)s expected",
            block["count"],
        ) % {"counter": block["count"], "expected": self.expected}

    def print_body(self, isolate):
        """The session's rows and its total; or the totals, then a row a participant."""
        if self.session is not None:
            block = self.blocks[0]
            columns = [column for column in self.columns if column.html]
            return {
                "block": {
                    "line": session_line(self.session, isolate),
                    "headings": [str(column.heading) for column in columns],
                    # The cells as the HTML prints them (the check-in's date and time).
                    "rows": [
                        [isolate(str(column.cell_of(row))) for column in columns]
                        for row in block["present"]
                    ],
                    "total": self.total(block),
                }
            }
        # Each cell made once for each of its values: thousands of rows share a few role
        # names and numbers and days (isolate is not free).
        printed = [{} for _column in self.people_columns]
        separator = date_time_separator()  # between a session's date and its time

        def cells(member):
            line = []
            for column, seen in zip(self.people_columns, printed, strict=True):
                value = column.value_of(member)
                if value not in seen:
                    seen[value] = isolate(str(value))
                line.append(seen[value])
            return line

        return {
            "totals_heading": _("Totals"),
            "summary_headings": [
                _("Session"),
                _("Date"),
                _("Room"),
                _("Present"),
                _("Absent"),
                _("Expected"),
            ],
            "blocks": [
                with_breaks(
                    {
                        "title": isolate(block["session"].title),
                        "when": f"{isolate(block['date'])}{separator}{isolate(block['time'])}",
                        "room": isolate(block["room"]),
                        "count": str(block["count"]),
                        "absent": str(block["absent"]),
                        "expected": str(self.expected),
                    }
                )
                for block in self.blocks
            ],
            "people_heading": _("Participants"),
            "people_headings": [str(column.heading) for column in self.people_columns],
            "groups": [
                {
                    "organization": isolate(group["organization"]),
                    "members": (members := [cells(member) for member in group["members"]]),
                    "breaks": [row_breaks(member) for member in members],
                }
                for group in self.groups
            ],
        }


def with_breaks(cells):
    """A row's cells by name, and where they break (``rendering.row_breaks``)."""
    return {**cells, "breaks": row_breaks(list(cells.values()))}


def days_list(days, separator):
    """ "15, 16 Feb, 1 Mar": the days in order, each month's name once, after its last day
    (as "j M" writes a date)."""
    months = itertools.groupby(sorted(days), key=lambda day: (day.year, day.month))
    return separator.join(
        separator.join([*(str(day.day) for day in month[:-1]), date_format(month[-1], "j M")])
        for month in (list(days_of_month) for _month, days_of_month in months)
    )


# --- Badges ----------------------------------------------------------------------------------


@register
class Badges(Document):
    """One badge per expected participant: name, organization, role and badge number."""

    identifier = "badges"
    title = gettext_lazy("Badges")
    template = "documents/badges.html"
    typeset = "badges.typ"
    filename = "badges"
    columns = (
        Column(gettext_lazy("Badge number"), "badge_number"),
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Organization"), "organization"),
        Column(gettext_lazy("Role"), "role"),
    )

    def __init__(self, meeting):
        super().__init__(meeting)
        self.rows = [
            {
                "name": row["name"],
                "organization": row["organization"],
                "role": row["role"],
                "badge_number": row["badge_number"],
                "qr": LazyQr(row["badge_number"]),
            }
            for row in expected_people(meeting)
        ]

    @cached_property
    def qr_codes(self):
        """Each badge number's QR code: where it lies in the pixels of them all, and those."""
        return qr_codes(row["badge_number"] for row in self.rows)

    def print_body(self, isolate):
        placed, _pixels = self.qr_codes
        return {
            "no_number": _("No badge number"),
            "rows": [
                {
                    "name": isolate(row["name"]),
                    "organization": isolate(row["organization"]),
                    "role": isolate(row["role"]),
                    "badge_number": isolate(row["badge_number"]),
                    "qr": placed.get(row["badge_number"]),
                }
                for row in self.rows
            ],
        }

    def print_files(self):
        _placed, pixels = self.qr_codes
        return {"qr-codes.bin": pixels}


# --- Speakers' list --------------------------------------------------------------------------


def _with_reply_note(row):
    if not row["reply"]:
        return row["organization"]
    return format_html(
        '{} <span class="note">({})</span>',
        isolated_html(row["organization"]),
        _("right of reply"),
    )


@register
class SpeakersListSheet(Document):
    """The speakers' list of one agenda item, in speaking order."""

    identifier = "speakers"
    title = gettext_lazy("Speakers' list")
    template = "documents/speakers.html"
    empty_text = gettext_lazy("No delegation is inscribed yet.")
    columns = (
        Column(gettext_lazy("No."), "number", css_class="number"),
        Column(gettext_lazy("Organization"), "organization", cell=_with_reply_note),
        Column(gettext_lazy("Speaker"), "speaker"),
        Column(
            gettext_lazy("Level"),
            lambda row: row["level"] + (f" ({_('right of reply')})" if row["reply"] else ""),
            cell=lambda row: row["level"],
        ),
        Column(gettext_lazy("Status"), "status"),
    )

    def __init__(self, meeting, item, speakers_list):
        super().__init__(meeting)
        self.item, self.speakers_list = item, speakers_list
        ordered, _speaking, _withdrawn = speakers_list.rows()
        self.rows = [
            {
                "number": number,
                "organization": organization_label(inscription.delegation.organization),
                "speaker": inscription.speaker.official.full_name if inscription.speaker else "",
                "level": inscription.get_level_display(),
                "reply": inscription.is_reply,
                "status": inscription.get_status_display(),
            }
            for number, inscription in enumerate(ordered, start=1)
        ]

    @classmethod
    def from_request(cls, request, meeting, *, number):
        item = get_object_or_404(AgendaItem, meeting=meeting, number=number)
        return cls(meeting, item, SpeakersList.objects.for_item(item))

    @property
    def subtitle(self):
        if self.speakers_list.minutes_per_statement:
            limit = _("Time limit: %(minutes)d minutes per statement") % {
                "minutes": self.speakers_list.minutes_per_statement
            }
        else:
            limit = _("No time limit")
        return f"{isolate(self.item)} — {limit}"

    @property
    def filename(self):
        return f"speakers-item-{self.item.number}"

    def get_context(self):
        return {
            "rows": self.rows,
            "table": self.html_table(self.rows),
            "item": self.item,
            "speakers_list": self.speakers_list,
        }


# --- Credentials -----------------------------------------------------------------------------


def credentials_rows(meeting):
    """Every active delegation in protocol order with the state of its credentials."""
    delegations = (
        Delegation.objects.filter(meeting=meeting)
        .active()
        .select_related("organization", "meeting", "credentials__verified_by")
        .in_protocol_order()
    )
    rows = []
    for delegation in delegations:
        credentials = delegation.credentials_record
        state = delegation.credentials_state.label
        rows.append(
            {
                "delegation": delegation,
                "organization": organization_label(delegation.organization),
                "credentials": credentials,
                "state": state,
                "received": credentials.received.isoformat() if credentials else "",
                "verified_at": (
                    f"{credentials.verified_at.astimezone(meeting.tz):%Y-%m-%d %H:%M}"
                    if credentials and credentials.verified_at
                    else ""
                ),
                "verified_by": (
                    (
                        credentials.verified_by.get_full_name()
                        or credentials.verified_by.get_username()
                    )
                    if credentials and credentials.verified_by
                    else ""
                ),
            }
        )
    return rows


@register
class CredentialsReport(Document):
    """The credentials of every delegation: received when, verified when and by whom."""

    identifier = "credentials"
    title = gettext_lazy("Report on credentials")
    template = "documents/credentials.html"
    filename = "credentials"
    columns = (
        Column(gettext_lazy("Organization"), "organization"),
        Column(gettext_lazy("Credentials"), "state"),
        Column(gettext_lazy("Received"), "received"),
        Column(gettext_lazy("Verified at"), "verified_at"),
        Column(gettext_lazy("Verified by"), "verified_by"),
    )

    def __init__(self, meeting):
        super().__init__(meeting)
        self.rows = credentials_rows(meeting)

    def row_class(self, row):
        return "missing" if row["credentials"] is None else ""

    def get_context(self):
        return {
            "rows": self.rows,
            "table": self.html_table(self.rows),
            "missing": sum(1 for row in self.rows if row["credentials"] is None),
            "verified": sum(
                1 for row in self.rows if row["credentials"] and row["credentials"].verified
            ),
        }


# --- Seating plan and name plates ------------------------------------------------------------


def draw_line(plan):
    """How the order of the plan was set: the lot drawn, or alphabetical order."""
    if plan.draw is None:
        # Paper says how the order was set; how to draw the lot is for the admin's users,
        # and only the desk's page (its toolbar, which does not print) says it.
        return _("No lot drawn yet: alphabetical order from the first name.")
    draw = plan.draw
    line = _("Lot drawn on %(date)s: %(name)s (seed %(seed)s).") % {
        "date": isolate(format_date_time(draw.drawn_at.astimezone(plan.meeting.tz))),
        "name": isolate(draw.starting_organization.display_name),
        "seed": draw.seed,
    }
    if plan.draw_stale:
        line += " " + _(
            "That delegation no longer takes part: the order starts from the first name. "
            "Draw again."
        )
    return line


@register
class SeatingPlanSheet(Document):
    """The seating plan: the drawing of the table, then the places in order."""

    identifier = "seating"
    title = gettext_lazy("Seating plan")
    template = "documents/seating.html"
    filename = "seating-plan"
    columns = (
        Column(gettext_lazy("Place"), "number"),
        Column(gettext_lazy("Organization"), "name"),
        Column(gettext_lazy("Acronym"), "acronym"),
        Column(gettext_lazy("Head of delegation"), "head"),
    )

    def __init__(self, meeting):
        super().__init__(meeting)
        self.plan = seating_plan(meeting)
        self.rows = [
            {
                "number": seat.number,
                "name": seat.name,
                "acronym": seat.acronym,
                "head": seat.head,
                "presiding": seat.presiding,
                "seats": seat.seats_behind + 1,
            }
            for seat in self.plan.seats
        ]

    @property
    def subtitle(self):
        return draw_line(self.plan)

    def get_context(self):
        return {
            "rows": self.rows,
            "svg": seating_svg(self.plan),
            "table_shape": self.plan.table_shape,
            "draw": self.plan.draw,
            "first_floor": len(self.plan.head_table) + 1,
            "abbreviated": any(seat.abbreviated for seat in self.plan.seats),
        }


@register
class NamePlates(Document):
    """One tent card per place at the table, in seating order."""

    identifier = "name_plates"
    title = gettext_lazy("Name plates")
    template = "documents/name_plates.html"
    filename = "name-plates"
    columns = (
        Column(gettext_lazy("Organization"), "name"),
        Column(gettext_lazy("Acronym"), "acronym"),
    )

    def __init__(self, meeting):
        super().__init__(meeting)
        self.rows = [
            {
                "name": seat.name,
                "acronym": seat.acronym if seat.acronym != seat.name else "",
                # Long names get a smaller type, so that they fit the face in three lines.
                "size": "short"
                if len(seat.name) <= 14
                else "medium"
                if len(seat.name) <= 28
                else "long",
            }
            for seat in seating_plan(meeting).seats
        ]

    @property
    def subtitle(self):
        return _("Tent cards: fold each sheet in half along the dashed line.")

    def get_context(self):
        return {"plates": self.rows}
