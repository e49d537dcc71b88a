"""The registration desk's printable documents: rows, and their HTML, PDF and CSV forms.

Each document is built once as plain rows (a constant number of queries whatever the
size of the meeting) and then rendered three ways from those rows: the HTML page with
its print stylesheet, the same HTML through WeasyPrint as a PDF, and CSV.
"""

import csv
import hashlib
import io
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delegations.models import Credentials, Delegation, Participant

from .models import Attendance, Session

# Rows left empty at the foot of a sign-in sheet for delegates not on the list.
WALK_IN_ROWS = 8

PAPER_SIZES = {"letter": "letter", "a4": "A4"}
DEFAULT_PAPER = "letter"  # The first meeting is in New York.

INACTIVE_DELEGATIONS = (Delegation.Status.DECLINED, Delegation.Status.WITHDRAWN)

# Cells a spreadsheet would read as a formula (or that hide one behind a control character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def expected_participants(meeting):
    """Everyone expected at the meeting's sessions, in protocol order, head of delegation first.

    Cancelled participants and the delegations that declined or withdrew are left out.
    """
    return (
        Participant.objects.filter(delegation__meeting=meeting)
        .exclude(status=Participant.Status.CANCELLED)
        .exclude(delegation__status__in=INACTIVE_DELEGATIONS)
        .select_related("official", "delegation__organization")
        .order_by(
            F("delegation__protocol_order").asc(nulls_last=True),
            "delegation__organization__sort_name",
            "delegation__organization__name",
            "role_order",
            "official__sort_key",
            "pk",
        )
    )


def desk_sessions(meeting):
    """The sessions people are checked in to: every session of the meeting but the breaks."""
    return (
        Session.objects.filter(meeting=meeting)
        .exclude(kind=Session.Kind.BREAK)
        .select_related("room", "meeting")
        .order_by("starts_at", "pk")
    )


def organization_label(organization):
    """The organization's name in the document's language (English when untranslated)."""
    name = organization.display_name
    return f"{name} ({organization.acronym})" if organization.acronym else name


@dataclass
class Document:
    """What every printed document has: a title, its meeting, a date line and a file name."""

    kind: str
    title: str
    meeting: object
    subtitle: str
    filename: str
    template: str
    csv_header: list = field(default_factory=list)
    csv_rows: list = field(default_factory=list)
    context: dict = field(default_factory=dict)


def _session_line(session):
    start, end = session.local_start, session.local_end
    room = f", {session.room}" if session.room_id else ""
    return f"{session.title} — {date_format(start, 'l j F Y')}, {start:%H:%M}–{end:%H:%M}{room}"


def sign_in_sheet(meeting, *, session=None, day=None):
    """Sign-in sheet of one session, or of a whole day: number, organization, name, position."""
    rows = [
        {
            "number": number,
            "organization": organization_label(participant.delegation.organization),
            "name": participant.official.full_name,
            "position": participant.official.position,
        }
        for number, participant in enumerate(expected_participants(meeting), start=1)
    ]
    blanks = range(len(rows) + 1, len(rows) + 1 + WALK_IN_ROWS)
    if session is not None:
        subtitle = _session_line(session)
        filename = f"sign-in-{session.local_start:%Y-%m-%d-%H%M}"
    else:
        subtitle = date_format(day, "l j F Y")
        filename = f"sign-in-{day:%Y-%m-%d}"
    return Document(
        kind="sign_in",
        title=_("Sign-in sheet"),
        meeting=meeting,
        subtitle=subtitle,
        filename=filename,
        template="documents/sign_in.html",
        csv_header=[_("No."), _("Organization"), _("Name"), _("Position")],
        csv_rows=[
            [row["number"], row["organization"], row["name"], row["position"]] for row in rows
        ],
        context={"rows": rows, "blank_rows": blanks},
    )


# Lazy: rendered in the language of each request, not the one at import.
PARTICIPANTS_CSV_HEADER = [
    gettext_lazy("Organization"),
    gettext_lazy("Role"),
    gettext_lazy("Name"),
    gettext_lazy("Position"),
    gettext_lazy("Representing"),
]


def participants_list(meeting):
    """The list of participants: delegations in protocol order, head of delegation first."""
    groups = []
    for delegation in Delegation.objects.for_list().filter(meeting=meeting).active():
        members = [
            {
                "role": participant.get_role_display(),
                "name": participant.official.full_name,
                "position": participant.official.position,
                "country": participant.official.country,
                "representing": (
                    participant.representing
                    if participant.representing != delegation.representing
                    else ""
                ),
            }
            for participant in delegation.participants.all()  # listed(): none cancelled
        ]
        groups.append(
            {
                "organization": organization_label(delegation.organization),
                "representing": delegation.representing,
                "members": members,
            }
        )
    return Document(
        kind="participants",
        title=_("List of participants"),
        meeting=meeting,
        subtitle=_meeting_dates(meeting),
        filename="list-of-participants",
        template="documents/participants.html",
        csv_header=PARTICIPANTS_CSV_HEADER,
        csv_rows=_participants_csv_rows(groups),
        context={"groups": groups},
    )


def _participants_csv_rows(groups):
    """One CSV row per member, for the live list and for issued versions alike."""
    return [
        [
            group["organization"],
            member["role"],
            member["name"],
            member["position"],
            member["representing"] or group["representing"],
        ]
        for group in groups
        for member in group["members"]
    ]


def participants_snapshot(document):
    """What an issued version stores: the list's rows exactly as printed, as JSON."""
    return {
        "subtitle": document.subtitle,
        "groups": [
            {
                "organization": group["organization"],
                "representing": group["representing"],
                "members": [dict(member) for member in group["members"]],
            }
            for group in document.context["groups"]
        ],
    }


def participants_version(version):
    """An issued version as a document, built from its snapshot alone (no query)."""
    snapshot = version.snapshot
    groups = snapshot["groups"]
    issued = version.issued_at.astimezone(version.meeting.tz)
    return Document(
        kind="participants",
        title=_("List of participants (%(version)s)") % {"version": version.label},
        meeting=version.meeting,
        subtitle=f"{version.symbol} — {snapshot['subtitle']}",
        filename=f"list-of-participants-{slugify(version.symbol)}",
        template="documents/participants.html",
        csv_header=PARTICIPANTS_CSV_HEADER,
        csv_rows=_participants_csv_rows(groups),
        context={
            "groups": groups,
            "symbol": version.symbol,
            "issued": date_format(issued, "j F Y"),
        },
    )


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


def _credentials_of(delegation):
    try:
        return delegation.credentials
    except Credentials.DoesNotExist:
        return None


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
        credentials = _credentials_of(delegation)
        if credentials is None:
            state = _("Missing")
        elif credentials.verified:
            state = _("Verified")
        else:
            state = _("Received, not verified")
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


def credentials_report(meeting):
    """The credentials of every delegation: received when, verified when and by whom."""
    rows = credentials_rows(meeting)
    missing = sum(1 for row in rows if row["credentials"] is None)
    return Document(
        kind="credentials",
        title=_("Report on credentials"),
        meeting=meeting,
        subtitle=_meeting_dates(meeting),
        filename="credentials",
        template="documents/credentials.html",
        csv_header=[
            _("Organization"),
            _("Credentials"),
            _("Received"),
            _("Verified at"),
            _("Verified by"),
        ],
        csv_rows=[
            [
                row["organization"],
                row["state"],
                row["received"],
                row["verified_at"],
                row["verified_by"],
            ]
            for row in rows
        ],
        context={
            "rows": rows,
            "missing": missing,
            "verified": sum(
                1 for row in rows if row["credentials"] and row["credentials"].verified
            ),
        },
    )


def attendance_record(meeting):
    """Who was present at each session, with each session's totals."""
    sessions = list(desk_sessions(meeting))
    expected = expected_participants(meeting).count()
    present = {session.pk: [] for session in sessions}
    attendances = (
        Attendance.objects.filter(session__in=sessions)
        .select_related("participant__official", "participant__delegation__organization")
        .order_by(
            F("participant__delegation__protocol_order").asc(nulls_last=True),
            "participant__delegation__organization__sort_name",
            "participant__delegation__organization__name",
            "participant__role_order",
            "participant__official__sort_key",
            "pk",
        )
    )
    for attendance in attendances:
        participant = attendance.participant
        present[attendance.session_id].append(
            {
                "organization": organization_label(participant.delegation.organization),
                "name": participant.official.full_name,
                "role": participant.get_role_display(),
                "checked_in_at": attendance.checked_in_at.astimezone(meeting.tz),
            }
        )
    blocks = [
        {
            "session": session,
            "line": _session_line(session),
            "date": date_format(session.local_start, "D j M"),
            "time": f"{session.local_start:%H:%M}",
            "present": present[session.pk],
            "count": len(present[session.pk]),
            "absent": max(expected - len(present[session.pk]), 0),
        }
        for session in sessions
    ]
    return Document(
        kind="attendance",
        title=_("Attendance record"),
        meeting=meeting,
        subtitle=_meeting_dates(meeting),
        filename="attendance-record",
        template="documents/attendance.html",
        csv_header=[
            _("Session"),
            _("Date"),
            _("Start"),
            _("Organization"),
            _("Name"),
            _("Role"),
            _("Checked in at"),
        ],
        csv_rows=[
            [
                block["session"].title,
                f"{block['session'].local_start:%Y-%m-%d}",
                block["time"],
                row["organization"],
                row["name"],
                row["role"],
                f"{row['checked_in_at']:%H:%M}",
            ]
            for block in blocks
            for row in block["present"]
        ],
        context={"blocks": blocks, "expected": expected},
    )


@lru_cache(maxsize=20_000)
def qr_svg(text):
    """The QR code of ``text`` as inline SVG; the desk's search accepts what it encodes.

    A fixed mask skips segno's trial of all eight (any mask is valid QR and scans), which
    makes a code three times faster: it matters on a sheet of thousands of badges.
    """
    code = segno.make(text, micro=False, error="m", boost_error=False, mask=0)
    return mark_safe(code.svg_inline(scale=3, border=2, omitsize=True))  # noqa: S308


class LazyQr:
    """A badge's QR code, drawn only when a template prints it (never for the CSV)."""

    def __init__(self, text):
        self.text = text

    def __bool__(self):
        return bool(self.text)

    def __html__(self):
        return qr_svg(self.text) if self.text else ""

    __str__ = __html__

    def __repr__(self):
        return f"LazyQr({self.text!r})"


def badges(meeting):
    """One badge per expected participant: name, organization, role and badge number."""
    rows = [
        {
            "name": participant.official.full_name,
            "organization": organization_label(participant.delegation.organization),
            "role": participant.get_role_display(),
            "badge_number": participant.badge_number,
            "qr": LazyQr(participant.badge_number),
        }
        for participant in expected_participants(meeting)
    ]
    return Document(
        kind="badges",
        title=_("Badges"),
        meeting=meeting,
        subtitle=_meeting_dates(meeting),
        filename="badges",
        template="documents/badges.html",
        csv_header=[_("Badge number"), _("Name"), _("Organization"), _("Role")],
        csv_rows=[
            [row["badge_number"], row["name"], row["organization"], row["role"]] for row in rows
        ],
        context={"rows": rows},
    )


def _meeting_dates(meeting):
    if meeting.start_date == meeting.end_date:
        return date_format(meeting.start_date, "j F Y")
    return f"{date_format(meeting.start_date, 'j F')} – {date_format(meeting.end_date, 'j F Y')}"


# --- Rendering -----------------------------------------------------------------------------


def css_string(text):
    """``text`` as a quoted CSS string that cannot close the string or the style element."""
    out = []
    for char in str(text):
        if char.isalnum() or char in " .,:;()–—'’":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


PAGE_X_OF_Y = gettext_lazy("Page %(page)s of %(pages)s")


def page_counter_css():
    """CSS ``content`` for the translated "Page x of y" at the foot of every page."""
    marker = "\x00"
    text = str(PAGE_X_OF_Y) % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}
    parts = []
    for index, piece in enumerate(text.split(marker)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts))


def render_html(document, *, paper=DEFAULT_PAPER, pdf=False, request=None):
    context = {
        "document": document,
        "meeting": document.meeting,
        "paper": paper,
        "page_size": PAPER_SIZES[paper],
        "pdf": pdf,
        "css_title": mark_safe(css_string(document.title)),
        "css_meeting": mark_safe(css_string(document.meeting.title)),
        "css_subtitle": mark_safe(css_string(document.subtitle)),
        "css_page": page_counter_css(),
        **document.context,
    }
    # With the request, the inline print stylesheet carries the page's CSP nonce.
    return render_to_string(document.template, context, request=request)


def _no_fetching(url, *args, **kwargs):
    # Documents are self-contained (inline CSS and SVG); nothing a name contains is fetched.
    raise ValueError(f"Documents fetch no resources ({url}).")


def _write_pdf(html):
    from weasyprint import HTML  # Imported here: loading pango costs time at start-up.

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def render_pdf(document, *, paper=DEFAULT_PAPER):
    return _write_pdf(render_html(document, paper=paper, pdf=True))


def row_count(document):
    return len(document.csv_rows)


# --- Long PDFs in the background -------------------------------------------------------------
#
# WeasyPrint lays out about 100 to 200 table rows a second, so the list of a meeting of
# thousands would hold a web worker for a minute or more. Documents longer than
# INLINE_PDF_ROWS are rendered by a thread beside the worker instead, into MEDIA_ROOT, and
# the request gets a page that shows the progress and reloads itself until the PDF is there.
# The file is named after a hash of the HTML, so a changed list never serves a stale PDF, and
# a job file created with O_EXCL keeps two app processes from rendering the same PDF twice.

INLINE_PDF_ROWS = 200
STALE_JOB_SECONDS = 15 * 60
KEEP_PDF_SECONDS = 24 * 60 * 60

_progress = {}  # thread id -> job status path
_threads = {}  # job key -> thread, so tests can wait for them
_progress_logger = logging.getLogger("weasyprint.progress")
logger = logging.getLogger(__name__)


class _ProgressHandler(logging.Handler):
    """Writes "page N laid out" from WeasyPrint's progress log into the job's status file."""

    def emit(self, record):
        job = _progress.get(threading.get_ident())
        if job is None or not str(record.msg).startswith("Step 5"):
            return
        page = record.args[0] if record.args else None
        if isinstance(page, int):
            path, started = job
            _write_status(path, state="running", page=page, started=started)


_progress_logger.addHandler(_ProgressHandler())
# Each PDF logs a line per page; the job status file says it better than the console.
_progress_logger.propagate = False


def _job_dir():
    path = Path(settings.MEDIA_ROOT) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_status(path, **status):
    status.setdefault("updated", time.time())
    temporary = path.with_suffix(f".{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps(status))
    os.replace(temporary, path)


def _read_status(path):
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def _clean_old_files(directory):
    limit = time.time() - KEEP_PDF_SECONDS
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def _render_job(document, paper, language, pdf_path, status_path, started):
    _progress[threading.get_ident()] = (status_path, started)
    try:
        # The rows are already read: the thread renders and lays out, it never queries.
        with translation.override(language):
            html = render_html(document, paper=paper, pdf=True)
        content = _write_pdf(html)
        temporary = pdf_path.with_suffix(".pdf.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, pdf_path)
        status_path.unlink(missing_ok=True)
    except Exception as error:  # The progress page shows it; the log keeps the traceback.
        logger.exception("Background PDF %s failed", pdf_path.name)
        _write_status(status_path, state="failed", error=str(error), started=started)
    finally:
        _progress.pop(threading.get_ident(), None)


TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "documents"


def job_key(document, paper):
    """A name for the PDF that changes whenever what it prints would change.

    Built from the rows, the paper, the language and the templates' text, without rendering
    the HTML (thousands of QR codes take seconds), so a poll of the progress page is cheap.
    """
    digest = hashlib.sha256()
    for path in sorted(TEMPLATE_DIR.iterdir()):
        digest.update(path.read_bytes())
    meeting = document.meeting
    digest.update(
        repr(
            (
                document.kind,
                document.title,
                document.subtitle,
                meeting.pk,
                meeting.title,
                meeting.short_title,
                meeting.time_zone,
                paper,
                translation.get_language(),
                document.csv_rows,
                document.context,
            )
        ).encode()
    )
    return digest.hexdigest()[:40]


@dataclass
class PdfJob:
    """Where a background PDF stands: ``content`` once done, else its progress."""

    key: str
    content: bytes | None = None
    state: str = "running"
    page: int | None = None
    started: float | None = None
    error: str = ""


def pdf_in_background(document, *, paper=DEFAULT_PAPER, retry=False):
    """The PDF if it is ready; otherwise start rendering it (once) and say how far it is.

    A failed rendering stays reported until ``retry`` (or until it is stale).
    """
    key = job_key(document, paper)
    directory = _job_dir()
    pdf_path = directory / f"{key}.pdf"
    status_path = directory / f"{key}.json"
    if pdf_path.exists():
        return PdfJob(key=key, content=pdf_path.read_bytes(), state="done")
    status = _read_status(status_path)
    stale = status is not None and time.time() - status.get("updated", 0) > STALE_JOB_SECONDS
    if status is not None and (stale or (retry and status.get("state") == "failed")):
        status_path.unlink(missing_ok=True)
        status = None
    if status is None:
        try:
            descriptor = os.open(status_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:  # Another process started it a moment ago.
            status = _read_status(status_path) or {"state": "running"}
        else:
            os.close(descriptor)
            status = {"state": "running", "page": 0, "started": time.time()}
            _write_status(status_path, **status)
            _clean_old_files(directory)
            thread = threading.Thread(
                target=_render_job,
                args=(
                    document,
                    paper,
                    translation.get_language(),
                    pdf_path,
                    status_path,
                    status["started"],
                ),
                name=f"pdf-{key[:8]}",
                daemon=True,
            )
            _threads[key] = thread
            thread.start()
    return PdfJob(
        key=key,
        state=status.get("state", "running"),
        page=status.get("page"),
        started=status.get("started"),
        error=status.get("error", ""),
    )


def wait_for_pdf_jobs(timeout=None):
    """Wait until every background PDF of this process is written (for tests and commands)."""
    for thread in list(_threads.values()):
        thread.join(timeout)


def neutralise(value):
    """A CSV cell no spreadsheet reads as a formula: a leading apostrophe where needed."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def render_csv(document):
    """UTF-8 with a byte-order mark, so that Excel reads the accents right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in document.csv_header])
    for row in document.csv_rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")
