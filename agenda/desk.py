"""The registration desk (staff only): check delegates in, and print attendance documents."""

import datetime
import functools
import zlib
from typing import NamedTuple

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.html import conditional_escape, escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from delegations.groups import REGISTRATION_DESK  # noqa: F401 (tests and bench import it here)
from delegations.models import Credentials, Delegation, Meeting, Participant, fold
from delegations.views import credentials_response
from meetingsite.caching import CACHE_SECONDS, page_versions
from meetingsite.compiled import compile_once
from meetingsite.dates import date_time_separator

from . import documents, rendering, tasks
from .bidi import isolated_html
from .models import (
    STAND_IN_MEETING,
    STAND_IN_SESSION,
    AgendaItem,
    Attendance,
    ParticipantListVersion,
    Session,
    session_counts,
)
from .services import attendance_check_in, attendance_undo, participants_version_issue

DESK_PERMISSION = documents.DESK_PERMISSION

# Rows shown at once: a desk finds people by searching, not by scrolling thousands of rows.
RESULT_LIMIT = 50


def desk_required(view):
    """Anonymous visitors go to the desk's login page; users without the right get a 403."""
    checked = permission_required(DESK_PERMISSION, raise_exception=True)(view)
    return login_required(checked, login_url=reverse_lazy("desk:login"))


def current_meeting_or_404():
    meeting = Meeting.objects.current()
    if meeting is None:
        raise Http404(_("No meeting is marked current."))
    return meeting


def default_session(times, now):
    """Of the sessions whose (start, end) are ``times``, the index of the one under way at
    ``now``, else of the next one, else of the last one; None when there is none."""
    for index, (start, end) in enumerate(times):
        if start <= now < end:
            return index
    for index, (start, _end) in enumerate(times):
        if start > now:
            return index
    return len(times) - 1 if times else None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _chosen_session(meeting, value):
    """The session of ``meeting`` that people are checked in to (``for_desk``) whose id
    ``value`` gives, else None: that one row. Reading all the picker's sessions to find
    it took a check-in 60 ms at a meeting of 500 sessions."""
    pk = _int_or_none(value)
    if pk is None:
        return None
    session = Session.objects.for_desk(meeting).select_related("room").filter(pk=pk).first()
    if session is not None:
        session.meeting = meeting
    return session


def _session_of(view, pk):
    """The picker's session ``pk`` as the desk's queries and forms need it, its id and
    meeting, without a query: its other fields load if read (Model.from_db defers them)."""
    session = Session.from_db(DEFAULT_DB_ALIAS, ["id", "meeting_id"], [pk, view.meeting.pk])
    session.meeting = view.meeting
    return session


def session_labels(meeting, sessions):
    """Each session's label in the picker, "Mon 16 Sep, 09:00–09:48 · Title" in the
    meeting's zone, each distinct date and time formatted once."""
    tz = meeting.tz
    dates, clocks = {}, {}
    separator = date_time_separator()  # CLDR's: ", " in English, "، " in Arabic

    def day(value):
        if value.date() not in dates:
            dates[value.date()] = date_format(value, "D j M")
        return dates[value.date()]

    def clock(value):
        if value not in clocks:
            clocks[value] = time_format(value, "H:i")
        return clocks[value]

    labels = []
    for session in sessions:
        start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        labels.append(f"{day(start)}{separator}{clock(start)}–{clock(end)} · {session.title}")
    return labels


class DeskView(NamedTuple):
    """What the desk reads of the current meeting that only a change to the meeting's
    data changes: the meeting, the picker's sessions (their ids, and their starts and
    ends in seconds since the epoch), its ``<option>`` elements in one language, none
    selected, how many people the meeting expects, and the ids of the first of them
    that the desk shows before any search (``first_page``, ``RESULT_LIMIT + 1`` at most).

    The sessions as plain values because every search reads them from the cache: the
    same 500 sessions as named tuples of ``datetime`` took a millisecond a search to
    unpickle, and joining their options another."""

    meeting: Meeting
    pks: tuple
    times: tuple
    options: str
    expected: int
    first_page: tuple

    def session_pk(self, value, now):
        """The id of the session ``value`` names, if it is one of the picker's; else of
        the one under way at ``now``, else the next one, else the last one; else None."""
        pk = _int_or_none(value)
        if pk in self.pks:
            return pk
        index = default_session(self.times, now.timestamp())
        return None if index is None else self.pks[index]

    def options_choosing(self, pk):
        """The picker's options with session ``pk`` selected."""
        option = f'<option value="{pk}">'
        # The labels are escaped and the ids are numbers (desk_view).
        return mark_safe(self.options.replace(option, f"{option[:-1]} selected>", 1))  # noqa: S308


# In the cache key: a DeskView cached by an earlier release, of other fields, would not
# unpickle into this one (a shared cache outlives a deployment).
DESK_VIEW_SHAPE = zlib.crc32(" ".join(DeskView._fields).encode())


def desk_view():
    """The current meeting's ``DeskView`` in the active language (None when no meeting
    is current), cached under the data versions (meetingsite/caching.py): a change to a
    session, a delegation or a participant bumps the meeting's version, a change to a
    meeting (its time zone, which one is current) the global one.

    A large meeting has 500 sessions: loading them with their six-language titles,
    formatting and listing them took most of each search's time, and they change far
    less often than the desk searches; the meeting itself, with its six languages'
    columns, took another query and millisecond."""
    versions, _changed_at = page_versions()
    key = f"desk:{DESK_VIEW_SHAPE}:{versions}:{translation.get_language()}"
    view = cache.get(key)
    if view is None:
        meeting = Meeting.objects.current()
        if meeting is None:
            return None
        sessions = list(Session.objects.for_desk(meeting).select_related(None))
        labels = session_labels(meeting, sessions)
        view = DeskView(
            meeting=meeting,
            pks=tuple(session.pk for session in sessions),
            times=tuple(
                (session.starts_at.timestamp(), session.ends_at.timestamp())
                for session in sessions
            ),
            options="".join(
                f'<option value="{session.pk}">{escape(label)}</option>'
                for session, label in zip(sessions, labels, strict=True)
            ),
            expected=Participant.objects.expected(meeting).count(),
            # Everyone expected, in protocol order: PostgreSQL sorted all 5,000 of a
            # large meeting to show the first 51, a desk's every page before a search.
            first_page=tuple(
                Participant.objects.expected(meeting).values_list("pk", flat=True)[
                    : RESULT_LIMIT + 1
                ]
            ),
        )
        cache.set(key, view, CACHE_SECONDS)
    return view


# What a result row reads of a participant, with ``values()``: its id and what
# ``documents.People`` reads, as the printed lists do. Model instances (six languages'
# columns each, for three models) took longer to build than the search took to run.
ROW_COLUMNS = ["pk", *documents.person_columns()]


def people_at(participants, session):
    """``participants`` as the result rows read them (``ROW_COLUMNS``), each with when it
    was checked in to ``session`` (``checked_in_at``, None when it was not) and by whom
    (``checked_in_by``, a username): one query.

    The check-in as two subqueries, not joined: PostgreSQL evaluates them after the sort,
    for the page's rows only, where joining the attendance and its user doubled the
    search's planning (2.4 ms against 1.1 ms); SQLite takes as long either way."""
    here = Attendance.objects.filter(session=session, participant=OuterRef("pk")).order_by()
    by = f"checked_in_by__{get_user_model().USERNAME_FIELD}"
    # The columns are named: modeltranslation need not rewrite them, nor copy each row.
    return participants.rewrite(False).values(
        *ROW_COLUMNS,
        checked_in_at=Subquery(here.values("checked_in_at")[:1]),
        checked_in_by=Subquery(here.values(by)[:1]),
    )


# Stand-ins for the first page's ids (DeskView.first_page) in its query compiled once.
STAND_IN_IDS = [-7_100_000 - index for index in range(RESULT_LIMIT + 1)]


@functools.lru_cache(maxsize=32)
def _prepared(connection, language, words):
    """The desk's search for ``words`` words compiled once for each database connection
    and language (the organizations' names are read in the reader's), with stand-ins for
    the meeting, the session and each word (meetingsite.compiled); None when it cannot
    be. ``words`` None: the first page's people by their ids (``DeskView.first_page``),
    a stand-in for each.

    Building and compiling the query took the ORM longer than the database took to run
    it (5 to 8 ms of a search); its shape depends on nothing else, as
    ``ParticipantQuerySet.matching`` passes each word as one parameter, unchanged, so
    only the parameters change from one search to the next."""
    # Never a folded word: fold() leaves no control character.
    stand_ins = [f"\x00word{index}\x00" for index in range(words or 0)]
    slot_of = {word: index for index, word in enumerate(stand_ins)}
    slot_of |= {STAND_IN_MEETING: "meeting", STAND_IN_SESSION: "session"}
    found = Participant.objects.expected(STAND_IN_MEETING)
    if words is None:
        slot_of |= {pk: ("id", index) for index, pk in enumerate(STAND_IN_IDS)}
        found = found.filter(pk__in=STAND_IN_IDS)
    else:
        found = found.matching(stand_ins)
    # Each row also says how many are present at the session, counted once (PostgreSQL
    # and SQLite evaluate an uncorrelated subquery once): one query less a search.
    present = Attendance.objects.present_count(STAND_IN_SESSION, STAND_IN_MEETING)
    rows = people_at(found, Session(pk=STAND_IN_SESSION)).annotate(present_here=present)
    return compile_once(rows[: RESULT_LIMIT + 1], connection, slot_of)


def found_people(meeting, session, query, first_page=None):
    """The first ``RESULT_LIMIT + 1`` participants of ``meeting`` that ``query`` finds,
    as ``people_at(Participant.objects.expected(meeting).search(query), session)`` reads
    them, from the search compiled once (``_prepared``); and how many are present at
    ``session`` (``Attendance.objects.present``), or None when nobody was found.
    ``first_page``: the ids an empty query finds (``DeskView.first_page``), if known."""
    words = fold(query).split()
    by_ids = not words and first_page is not None
    shape = None if by_ids else len(words)
    prepared = _prepared(connections[DEFAULT_DB_ALIAS], translation.get_language(), shape)
    if prepared is None:
        found = Participant.objects.expected(meeting).matching(words)
        return list(people_at(found, session)[: RESULT_LIMIT + 1]), None
    values = dict(enumerate(words)) | {"meeting": meeting.pk, "session": session.pk}
    if by_ids:
        # 0 for the slots that the page does not fill: never an id.
        ids = [*first_page, *[0] * len(STAND_IN_IDS)][: len(STAND_IN_IDS)]
        values |= {("id", index): pk for index, pk in enumerate(ids)}
    people = prepared.dicts(values)
    present = [person.pop("present_here") for person in people]
    return people, present[0] if present else None


def _rows(people, meeting):
    """The result rows, from ``people`` (``people_at``), each with every text it shows
    made here, as the printed list of participants shows it (``documents.People``): the
    translations once for all the rows. Fifty rows of ``blocktranslate``, lazy role
    labels and lookups through the models cost the desk more than its search."""
    person = documents.People()
    not_checked_in = _("Not checked in")
    present_since = _("Present since %(time)s (%(by)s)")
    check_in = _('Check in<span class="visually-hidden"> %(name)s</span>')
    undo = _('Undo<span class="visually-hidden"> check-in of %(name)s</span>')
    rows = []
    for values in people:
        shown = person(values)
        checked_in_at = values["checked_in_at"]
        name = {"name": conditional_escape(shown["name_alone"])}
        if checked_in_at is None:
            status, button = not_checked_in, mark_safe(check_in % name)
        else:
            since = {
                "time": isolated_html(
                    date_format(checked_in_at.astimezone(meeting.tz), "D j M, H:i")
                ),
                "by": isolated_html(values["checked_in_by"] or "—"),
            }
            status, button = mark_safe(present_since % since), mark_safe(undo % name)
        rows.append(
            {
                "pk": values["pk"],
                "present": checked_in_at is not None,
                "full_name": shown["name"],
                "position": shown["position"],
                "organization": shown["organization"],
                "role": shown["role"],
                "badge_number": shown["badge_number"],
                "status": status,
                "button": button,
            }
        )
    return rows


def rows_html(request, rows, session, query, focus_row=None):
    """The result rows as the desk's table shows them (one or fifty), by Jinja2
    (templates/jinja2/desk/_rows.html): Django's engine took longer over fifty rows than
    the search took to find them."""
    context = {
        "rows": rows,
        "session": session,
        "query": query,
        "focus_row": focus_row,
        # Made once for all the rows: the lazy ``csrf_input`` that Jinja2 gets with the
        # request masks the token again wherever it is printed, fifty times.
        "csrf_input": csrf_input(request),
        # What every row's form posts to, reversed once for all the rows.
        "check_in_url": reverse("desk:check_in"),
        "undo_url": reverse("desk:undo"),
    }
    html = render_to_string("desk/_rows.html", context, using="jinja2")
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped it: autoescape)


@desk_required
@require_GET
def index(request):
    view = desk_view()
    if view is None:
        return render(request, "desk/index.html", {"meeting": None})
    meeting = view.meeting
    chosen = view.session_pk(request.GET.get("session"), timezone.now())
    query = request.GET.get("q", "").strip()[:100]
    context = {"meeting": meeting, "session": None, "query": query}
    if chosen is not None:
        session = _session_of(view, chosen)
        people, present = found_people(meeting, session, query, view.first_page)
        more = len(people) > RESULT_LIMIT
        rows = _rows(people[:RESULT_LIMIT], meeting)
        # A scanned badge gives one result: its button takes the focus, so Enter checks in.
        focus_row = rows[0]["pk"] if len(rows) == 1 and not rows[0]["present"] else None
        context |= {
            "session": session,
            "session_options": view.options_choosing(chosen),
            "rows": rows,
            "rows_html": rows_html(request, rows, session, query, focus_row),
            "more": more,
            "counts": (
                Attendance.objects.counts_at(session, expected=view.expected)
                if present is None
                else session_counts(view.expected, present)
            ),
            "focus_row": focus_row,
        }
    return render(request, "desk/index.html", context)


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _back_to_desk(session, query, participant=None):
    params = {"session": session.pk}
    if query:
        params["q"] = query
    anchor = f"#p{participant.pk}" if participant is not None else ""
    return redirect(f"{reverse('desk:index')}?{urlencode(params)}{anchor}")


def _attendance_change(request, *, undo):
    meeting = current_meeting_or_404()
    session = _chosen_session(meeting, request.POST.get("session"))
    if session is None:
        raise Http404(_("No such session of the current meeting."))
    participant = get_object_or_404(
        Participant.objects.expected(meeting),
        pk=_int_or_none(request.POST.get("participant")) or 0,
    )
    query = request.POST.get("q", "").strip()[:100]
    name = participant.official.full_name
    try:
        if undo:
            changed = attendance_undo(session=session, participant=participant)
            message = (
                _("%(name)s is no longer checked in.")
                if changed
                else _("%(name)s was not checked in.")
            ) % {"name": name}
        else:
            _attendance, changed = attendance_check_in(
                session=session, participant=participant, user=request.user
            )
            message = (
                _("%(name)s is checked in.") if changed else _("%(name)s was already checked in.")
            ) % {"name": name}
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
        return _back_to_desk(session, query, participant)
    if _wants_json(request):
        one = Participant.objects.filter(pk=participant.pk).select_related(None).order_by()
        row = _rows(people_at(one, session), meeting)[0]
        return JsonResponse(
            {
                "ok": True,
                "changed": changed,
                "present": row["present"],
                "message": message,
                "counts": Attendance.objects.counts_at(session),
                "row": rows_html(request, [row], session, query),
            }
        )
    messages.success(request, message)
    return _back_to_desk(session, query, participant)


@desk_required
@require_POST
def check_in(request):
    return _attendance_change(request, undo=False)


@desk_required
@require_POST
def undo(request):
    return _attendance_change(request, undo=True)


@desk_required
@require_GET
def counts(request):
    """Expected, present and absent for a session, polled by the desk page to stay live:
    the session and the expected count from the desk's cached view (``desk_view``)."""
    view = desk_view()
    pk = _int_or_none(request.GET.get("session"))
    if view is None or pk not in view.pks:
        raise Http404(_("No such session of the current meeting."))
    figures = Attendance.objects.counts_at(_session_of(view, pk), expected=view.expected)
    return JsonResponse(figures)


# --- Documents -----------------------------------------------------------------------------

# A document's print stylesheet is inline (its page boxes carry the title and date), so its
# page allows that one style element through the CSP nonce, and nothing else inline.
document_csp = csp_update({"style-src": [NONCE]})


@desk_required
@require_GET
def document_list(request):
    meeting = current_meeting_or_404()
    sessions = list(Session.objects.for_desk(meeting))
    # The credentials record's one reading (Delegation.credentials_state): the desk lists
    # as missing exactly the delegations the admin shows as "Missing", accredited or not.
    missing = [
        row["organization"]
        for row in documents.credentials_rows(meeting)
        if row["delegation"].credentials_state == Delegation.CredentialsState.MISSING
    ]
    return render(
        request,
        "desk/documents.html",
        {
            "meeting": meeting,
            "sessions": sessions,
            "days": meeting.days,
            "agenda_items": AgendaItem.objects.filter(meeting=meeting),
            "credentials_missing": missing,
        },
    )


def _document_response(request, document, params=None):
    """``document`` in the format and on the paper the request asks for; ``params``, the
    URL's parameters that gave it (a worker prints a long PDF again from them)."""
    fmt = request.GET.get("format", "html")
    # Without ``?paper=``, the meeting's own paper (A4 in Geneva, Letter in New York).
    paper = rendering.paper_or_default(request.GET.get("paper"), document.meeting)
    filename = f"{document.meeting.slug}-{document.filename}"
    if fmt == "csv":
        response = HttpResponse(
            rendering.render_csv(document), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt == "pdf":
        if document.row_count <= tasks.INLINE_PDF_ROWS:
            content = rendering.render_pdf(document, paper=paper)
        else:
            since = _asked_at(request)
            job, content = tasks.pdf_in_background(
                document,
                params=params,
                paper=paper,
                retry=request.GET.get("retry") == "1",
                since=since,
            )
            if content is None:
                return _pdf_progress(request, document, job, since)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    if fmt != "html":
        raise Http404(_("Documents come as html, pdf or csv."))
    return HttpResponse(rendering.render_html(document, paper=paper, request=request))


# A progress page older than this asks afresh: an old link never serves an old list.
LONGEST_WAIT = datetime.timedelta(hours=1)


def _asked_at(request):
    """When the desk first asked for this PDF: the progress page's ``since`` (seconds since
    the epoch), else now. Not a number, in the future or over an hour ago: now."""
    now = timezone.now()
    try:
        asked = datetime.datetime.fromtimestamp(int(request.GET["since"]), tz=datetime.UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return now
    return asked if now - LONGEST_WAIT <= asked <= now else now


def _pdf_progress(request, document, job, since):
    """202 Accepted: the PDF is queued or being laid out; the page reloads itself until it
    is there. 200 with a button to try again when it failed."""
    moved = job.started_at if job.state == tasks.State.RUNNING else job.updated_at
    elapsed = max(0, int((timezone.now() - moved).total_seconds())) if moved else None
    params = {key: value for key, value in request.GET.items() if key != "retry"}
    params["since"] = str(int(since.timestamp()))
    return render(
        request,
        "documents/progress.html",
        {
            "document": document,
            "meeting": document.meeting,
            "job": job,
            "elapsed": elapsed,
            "rows": document.row_count,
            "refresh_url": f"{request.path}?{urlencode(params)}",
            "retry_url": f"{request.path}?{urlencode(params | {'retry': '1'})}",
        },
        status=200 if job.state == tasks.State.FAILED else 202,
    )


def document_required(view):
    """What ``desk_required`` does, with the permission of the document the URL names: the
    view gets the document's class instead of its identifier."""

    @functools.wraps(view)
    def checked(request, kind, **params):
        document_class = documents.REGISTRY.get(kind)
        if document_class is None:
            raise Http404
        if not request.user.has_perm(document_class.permission):
            raise PermissionDenied
        return view(request, document_class, **params)

    return login_required(checked, login_url=reverse_lazy("desk:login"))


@document_required
@require_GET
@document_csp
def document(request, document_class, **params):
    """Any registered document as HTML, PDF or CSV, on letter or A4 paper.

    The URL's other parameters (a session, a day, an agenda item, an issued version) go to
    the document's ``from_request``; it prints in its own language when it has one.
    """
    printed = document_class.from_request(request, current_meeting_or_404(), **params)
    with translation.override(printed.language or translation.get_language()):
        return _document_response(request, printed, params)


# --- Issued lists of participants ----------------------------------------------------------

ISSUE_PERMISSION = "agenda.add_participantlistversion"


@desk_required
@require_GET
def participant_versions(request):
    """The issued versions of the list, the button to issue the next one, and their changes."""
    meeting = current_meeting_or_404()
    versions = list(ParticipantListVersion.objects.for_meeting(meeting))
    final = any(v.kind == ParticipantListVersion.Kind.FINAL for v in versions)
    context = {
        "meeting": meeting,
        "versions": versions,
        "can_issue": request.user.has_perm(ISSUE_PERMISSION) and not final,
        "first": not versions,
        "base_symbol": versions[0].symbol if versions else "",
    }
    return render(request, "desk/participant_versions.html", context)


@desk_required
@require_POST
def participant_version_issue(request):
    if not request.user.has_perm(ISSUE_PERMISSION):
        raise PermissionDenied
    meeting = current_meeting_or_404()
    try:
        version = participants_version_issue(
            meeting=meeting,
            kind=request.POST.get("kind", ""),
            user=request.user,
            base_symbol=request.POST.get("symbol", "")[:100],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(symbol)s is issued.") % {"symbol": version.symbol})
    return redirect("desk:participant_versions")


@desk_required
@require_GET
def participant_version_changes(request, pk):
    """What changed from an earlier version (by default the one before) to version ``pk``."""
    meeting = current_meeting_or_404()
    version = documents.issued_version_or_404(meeting, pk)
    earlier = list(
        ParticipantListVersion.objects.for_meeting(meeting).filter(revision__lt=version.revision)
    )
    if not earlier:
        raise Http404(_("The provisional list has no earlier version."))
    chosen = _int_or_none(request.GET.get("since"))
    since = next((v for v in earlier if v.pk == chosen), earlier[-1])
    context = {
        "meeting": meeting,
        "version": version,
        "since": since,
        "earlier": earlier,
        "changes": documents.snapshot_changes(since.snapshot, version.snapshot),
    }
    return render(request, "desk/participant_version_changes.html", context)


# --- Credentials -------------------------------------------------------------------------

CREDENTIALS_PERMISSION = "delegations.view_credentials"


@login_required(login_url=reverse_lazy("desk:login"))
@permission_required(CREDENTIALS_PERMISSION, raise_exception=True)
@require_GET
def credentials_file(request, pk):
    """A delegation's credentials file: the secretariat only, never the desk or the public."""
    credentials = get_object_or_404(Credentials.objects.select_related("delegation"), pk=pk)
    return credentials_response(credentials)
