"""Long PDFs rendered in the background, with a status file the progress page reads.

WeasyPrint lays out about 100 to 200 table rows a second, so the list of a meeting of
thousands would hold a web worker for a minute or more. Documents longer than
INLINE_PDF_ROWS are rendered by a thread beside the worker instead, into MEDIA_ROOT, and
the request gets a page that shows the progress and reloads itself until the PDF is there.
The file is named after a hash of the HTML, so a changed list never serves a stale PDF, and
a job file created with O_EXCL keeps two app processes from rendering the same PDF twice.

The thread and status file are what the desk has today; a task queue is to replace them.
"""

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import translation

from . import rendering

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


# Each PDF logs a line per page (rendering keeps it off the console); a job's status file
# says how far it is.
_progress_logger.addHandler(_ProgressHandler())


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
            html = rendering.render_html(document, paper=paper, pdf=True)
        content = rendering.write_pdf(html)
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

    Built from the rows, the paper it prints on (``paper``, already resolved from the
    request or the meeting's own), the language and the templates' text, without rendering
    the HTML (thousands of QR codes take seconds), so a poll of the progress page is cheap.
    """
    digest = hashlib.sha256()
    for path in sorted(TEMPLATE_DIR.iterdir()):
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


@dataclass
class PdfJob:
    """Where a background PDF stands: ``content`` once done, else its progress."""

    key: str
    content: bytes | None = None
    state: str = "running"
    page: int | None = None
    started: float | None = None
    error: str = ""


def pdf_in_background(document, *, paper=None, retry=False):
    """The PDF if it is ready; otherwise start rendering it (once) and say how far it is.

    ``paper`` left out, the meeting's paper. A failed rendering stays reported until
    ``retry`` (or until it is stale).
    """
    paper = rendering.paper_or_default(paper, document.meeting)
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
