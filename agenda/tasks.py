"""Long PDFs, made by a Celery worker and kept in the default storage.

WeasyPrint lays out about 100 to 200 table rows a second, so the list of a meeting of
thousands would hold a web worker for a minute or more. A document longer than
INLINE_PDF_ROWS is made by the task ``render_document_pdf`` instead (on a worker; in the
asking process when no broker is configured, meetingsite/settings.py), and the desk gets a
progress page that reloads itself until the PDF is there.

Each PDF is a row of ``PdfJob`` under a key that changes whenever what it prints would
change, so a changed list never serves a stale PDF. The key is unique in the database: two
app processes or hosts asking at once create one row, and only the one that created it
queues the task. The task receives the row's id, never the document: it prints the same
document again from what the row records (the document's identifier, the URL's parameters,
the paper, the language), through ``rendering.render_pdf``, and saves the PDF through
Django's storage API as ``documents/<key>.pdf``.
"""

import hashlib
import logging
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from meetingsite.models import PdfJob

from . import documents, rendering

INLINE_PDF_ROWS = 200
# A job queued or running that has not moved for this long is queued again: its worker
# died, or the broker lost it. A running job moves with every page laid out.
STALE_JOB_SECONDS = 15 * 60
# Made PDFs are deleted, with their rows, this long after they were made.
KEEP_PDF_SECONDS = 24 * 60 * 60
# How often a running job writes its page count (a write per page would be a write every
# few milliseconds).
PROGRESS_EVERY_SECONDS = 2

State = PdfJob.State
logger = logging.getLogger(__name__)
# What a printed document is laid out from: the HTML templates (WeasyPrint) and the Typst
# ones; a change to either makes new PDFs.
TEMPLATE_DIRS = [
    Path(__file__).resolve().parent.parent / "templates" / name for name in ("documents", "typst")
]


# --- Progress --------------------------------------------------------------------------------

_running = threading.local()  # .job: (pk, task_id, last write) of the job this thread makes


class _ProgressHandler(logging.Handler):
    """Writes "page N laid out" from WeasyPrint's progress log onto the running job."""

    def emit(self, record):
        job = getattr(_running, "job", None)
        if job is None or not str(record.msg).startswith("Step 5"):
            return
        page = record.args[0] if record.args else None
        pk, task_id, written = job
        if isinstance(page, int) and time.monotonic() - written >= PROGRESS_EVERY_SECONDS:
            PdfJob.objects.filter(pk=pk, task_id=task_id).update(
                page=page, updated_at=timezone.now()
            )
            _running.job = (pk, task_id, time.monotonic())


# Each PDF logs a line per page (rendering keeps it off the console), at INFO: a worker's
# root logger may be at WARNING.
_progress_logger = logging.getLogger("weasyprint.progress")
_progress_logger.addHandler(_ProgressHandler())
_progress_logger.setLevel(logging.INFO)


# --- Keys ------------------------------------------------------------------------------------


def job_key(document, paper):
    """A name for the PDF that changes whenever what it prints would change.

    Built from the rows, the paper it prints on (``paper``, already resolved from the
    request or the meeting's own), the language and the templates' text, without rendering
    the HTML (thousands of QR codes take seconds), so a poll of the progress page is cheap.
    """
    digest = hashlib.sha256()
    for path in sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    meeting = document.meeting
    digest.update(
        repr(
            (
                document.identifier,
                str(document.title),  # Lazy titles would repr as their address.
                str(document.subtitle),
                meeting.pk,
                meeting.title,
                meeting.short_title,
                meeting.time_zone,
                paper,
                translation.get_language(),
                document.csv_rows,
                document.get_context(),
            )
        ).encode()
    )
    return digest.hexdigest()[:40]


def slot_key(document, paper, params):
    """What stays the same while the document's rows change: which document, its URL's
    parameters, the meeting, the paper and the language."""
    identity = (
        document.identifier,
        sorted((params or {}).items()),
        document.meeting.pk,
        paper,
        translation.get_language(),
    )
    return hashlib.sha256(repr(identity).encode()).hexdigest()[:40]


def storage_name(key):
    return f"documents/{key}.pdf"


# --- Asking for a PDF ------------------------------------------------------------------------


def pdf_in_background(document, *, params=None, paper=None, retry=False, since=None):
    """The document's job, and the PDF when it is made: ``(job, content or None)``.

    The first to ask queues the task; everyone else (this process or another host) finds
    its row and reads how far it is. ``params`` are the keyword arguments of the document's
    ``from_request`` that give this very document (the URL's: a session's pk, a day, an
    agenda item's number), so that the worker can print it again. ``paper`` left out, the
    meeting's. A failed job stays reported until ``retry``; a stale one is queued again.

    ``since`` (an aware datetime) is when the desk first asked: a PDF the worker began at
    or after it is served even if the rows have changed again since, and while a job for
    the same document is under way no other is started. So a list that changes all the
    time (check-ins at the door) still comes, made from rows no older than the asking.
    """
    paper = rendering.paper_or_default(paper, document.meeting)
    key = job_key(document, paper)
    slot = slot_key(document, paper, params)
    job = PdfJob.objects.filter(key=key).first()
    if job is not None:
        content = _content(job)
        if content is not None:
            return job, content
    if since is not None and job is None:
        newer = (
            PdfJob.objects.filter(slot=slot, state=State.DONE, started_at__gte=since)
            .order_by("-started_at")
            .first()
        )
        content = _content(newer) if newer is not None else None
        if content is not None:
            return newer, content
    if job is None:
        fresh = timezone.now() - timedelta(seconds=STALE_JOB_SECONDS)
        under_way = (
            PdfJob.objects.filter(
                slot=slot, state__in=[State.QUEUED, State.RUNNING], updated_at__gte=fresh
            )
            .order_by("-created_at")
            .first()
        )
        if under_way is not None:
            return under_way, None
        job, created = PdfJob.objects.get_or_create(
            key=key,
            defaults={
                "slot": slot,
                "meeting": document.meeting,
                "document": document.identifier,
                "params": params or {},
                "paper": paper,
                "language": translation.get_language(),
                "rows": document.row_count,
                "task_id": str(uuid.uuid4()),
            },
        )
        if created:
            _enqueue(job)
        elif _wants_another_task(job, retry=retry):
            _requeue(job)
    elif _wants_another_task(job, retry=retry):
        _requeue(job)
    job.refresh_from_db()  # Run at once (no broker), the task has made it already.
    return job, _content(job)


def _content(job):
    if job.state != State.DONE or not job.file_name:
        return None
    try:
        with default_storage.open(job.file_name, "rb") as pdf:
            return pdf.read()
    except FileNotFoundError:  # Deleted meanwhile: _wants_another_task makes it again.
        return None


def _wants_another_task(job, *, retry):
    if job.state == State.FAILED:
        return retry
    if job.state == State.DONE:  # Done, but the file is gone.
        return True
    return timezone.now() - job.updated_at > timedelta(seconds=STALE_JOB_SECONDS)


def _requeue(job):
    """A new task for ``job``, unless another process queued one since we read it."""
    task_id = str(uuid.uuid4())
    queued = PdfJob.objects.filter(pk=job.pk, task_id=job.task_id, state=job.state).update(
        state=State.QUEUED,
        task_id=task_id,
        error="",
        page=None,
        started_at=None,
        finished_at=None,
        updated_at=timezone.now(),
    )
    if queued:
        job.task_id = task_id
        _enqueue(job)


def _enqueue(job):
    pk, task_id = job.pk, job.task_id

    def send():
        try:
            render_document_pdf.apply_async((pk,), task_id=task_id)
        except Exception as error:  # The broker is down: say so, and let the desk retry.
            logger.exception("Could not queue the PDF job %s", pk)
            PdfJob.objects.filter(pk=pk, task_id=task_id).update(
                state=State.FAILED,
                error=f"The task queue could not be reached ({error}).",
                updated_at=timezone.now(),
            )

    # Once the row is committed, or the worker might look for it before it exists.
    transaction.on_commit(send)


# --- The task --------------------------------------------------------------------------------


@shared_task(bind=True, name="agenda.render_document_pdf")
def render_document_pdf(self, job_pk):
    """Print the job's document as PDF into the default storage; record how it went.

    Does nothing when the job has been handed to another task meanwhile (queued again), so
    a PDF is made once per request for it, however often the broker delivers the task.
    """
    task_id = self.request.id
    now = timezone.now()
    claimed = PdfJob.objects.filter(pk=job_pk, task_id=task_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=now, updated_at=now, page=0
    )
    if not claimed:
        return "superseded"
    job = PdfJob.objects.select_related("meeting").get(pk=job_pk)
    _running.job = (job.pk, task_id, time.monotonic())
    try:
        with translation.override(job.language):
            document_class = documents.REGISTRY[job.document]
            document = document_class.from_request(None, job.meeting, **job.params)
            content = rendering.render_pdf(document, paper=job.paper)
        name = storage_name(job.key)
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(content))
    except Exception as error:  # The progress page shows it; the log keeps the traceback.
        logger.exception("PDF job %s (%s) failed", job.pk, job.document)
        PdfJob.objects.filter(pk=job_pk, task_id=task_id).update(
            state=State.FAILED,
            error=str(error) or type(error).__name__,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return "failed"
    finally:
        _running.job = None
    done = PdfJob.objects.filter(pk=job_pk, task_id=task_id).update(
        state=State.DONE,
        file_name=saved,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not done:  # Queued again while this one ran: the newer task's file is the one.
        default_storage.delete(saved)
        return "superseded"
    delete_old_pdfs()
    return "done"


def delete_old_pdfs(now=None):
    """Delete the PDFs made more than KEEP_PDF_SECONDS ago, and their jobs (and the jobs
    left queued or running that long: their task is long lost)."""
    limit = (now or timezone.now()) - timedelta(seconds=KEEP_PDF_SECONDS)
    old = PdfJob.objects.filter(updated_at__lt=limit).values_list("pk", "file_name")
    for pk, file_name in old:
        if file_name:
            default_storage.delete(file_name)
        PdfJob.objects.filter(pk=pk).delete()
