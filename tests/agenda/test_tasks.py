"""Long PDFs as Celery tasks (agenda/tasks.py): one job per PDF, its state on the desk's
progress page, the PDF in the default storage. Without a broker (these tests) a task runs
in the process that queues it, once the request's transaction commits."""

import datetime
import re
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from agenda import documents, rendering, tasks
from agenda.models import Session
from delegations.models import Delegation, Meeting, Participant
from meetingsite.models import PdfJob, StoredFile
from tests.agenda.desk_data import build_meeting
from tests.agenda.test_documents import A4, in_order, pdf_pages
from tests.factories import OfficialFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

State = PdfJob.State
URL = "/desk/documents/participants/"


@pytest.fixture
def meeting():
    return build_meeting(delegations=2, members=2, sessions=2)


@pytest.fixture
def background(settings, tmp_path, monkeypatch):
    """Every PDF longer than two rows goes to a task, into a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(tasks, "INLINE_PDF_ROWS", 2)
    return tmp_path / "documents"


def participants_job(meeting, **fields):
    """The row another process left for the meeting's list of participants on Letter."""
    return PdfJob.objects.create(
        key=tasks.job_key(documents.ParticipantsList(meeting), "letter"),
        meeting=meeting,
        document="participants",
        paper="letter",
        language="en",
        rows=4,
        **fields,
    )


def words(response):
    return " ".join(response.content.decode().split())


def test_without_a_broker_a_long_pdf_is_made_at_once_and_kept_in_the_storage(
    desk_client, meeting, background, commit_hooks_at_once
):
    response = desk_client.get(URL, {"format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_pages(response.content)[0][0]
    assert in_order(text, ["H.E. Mr. Given0 Family0000", "H.E. Mr. Given1 Family0001"])
    [job] = PdfJob.objects.all()
    key = tasks.job_key(documents.ParticipantsList(meeting), "letter")
    assert (job.key, job.state, job.document, job.params, job.paper, job.language) == (
        key,
        State.DONE,
        "participants",
        {},
        "letter",
        "en",
    )
    assert (job.rows, job.error, job.file_name) == (4, "", f"documents/{key}.pdf")
    assert default_storage.open(job.file_name).read() == response.content
    # In the shared storage (the database), not on this host's disk.
    assert list(StoredFile.objects.values_list("name", flat=True)) == [job.file_name]
    assert not background.exists() or not any(background.iterdir())
    # Asked again, it is read from the storage, not made again.
    again = desk_client.get(URL, {"format": "pdf"})
    assert again.content == response.content
    assert PdfJob.objects.get().finished_at == job.finished_at


def test_a_queued_pdf_shows_its_progress_page_until_the_worker_has_made_it(
    desk_client, meeting, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        waiting = desk_client.get(URL, {"format": "pdf"})

    assert waiting.status_code == 202
    html = waiting.content.decode()
    since = re.search(r"since=(\d+)", html).group(1)
    assert abs(int(since) - time.time()) < 60
    assert (
        '<meta http-equiv="refresh" '
        f'content="2;url=/desk/documents/participants/?format=pdf&amp;since={since}">' in html
    )
    assert (
        "The PDF of 4 rows is queued: it is laid out as soon as a worker is free. "
        "Queued 0 seconds ago." in words(waiting)
    )
    assert PdfJob.objects.get().state == State.QUEUED
    assert len(queued) == 1
    queued[0]()  # What the broker hands the worker, once the request has committed.

    ready = desk_client.get(URL, {"format": "pdf"})
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
    assert PdfJob.objects.get().state == State.DONE


def test_two_requests_for_the_same_pdf_start_one_job(
    client, desk_user, meeting, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        client.force_login(desk_user)
        first = client.get(URL, {"format": "pdf"})
        second = client.get(URL, {"format": "pdf"})

    assert (first.status_code, second.status_code) == (202, 202)
    assert PdfJob.objects.count() == 1
    assert len(queued) == 1


def test_a_job_another_host_started_is_not_started_again(
    desk_client, meeting, background, django_capture_on_commit_callbacks
):
    participants_job(
        meeting,
        state=State.RUNNING,
        task_id="elsewhere",
        page=3,
        started_at=timezone.now() - datetime.timedelta(seconds=61),
    )

    with django_capture_on_commit_callbacks() as queued:
        response = desk_client.get(URL, {"format": "pdf"})

    assert response.status_code == 202
    assert "The PDF of 4 rows is being laid out. Page 3 so far. Started 61 seconds ago." in (
        words(response)
    )
    assert queued == []
    assert PdfJob.objects.get().task_id == "elsewhere"


def test_a_stale_job_is_queued_again_and_its_old_task_then_does_nothing(
    desk_client, meeting, background, django_capture_on_commit_callbacks
):
    # Its worker died sixteen minutes ago, or the broker lost it.
    long_ago = timezone.now() - datetime.timedelta(seconds=tasks.STALE_JOB_SECONDS + 60)
    job = participants_job(meeting, state=State.QUEUED, task_id="lost", updated_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = desk_client.get(URL, {"format": "pdf"})

    assert response.status_code == 202  # Captured hooks run once the request is over.
    assert len(queued) == 1
    job.refresh_from_db()
    assert job.state == State.DONE
    assert job.task_id != "lost"
    assert tasks.render_document_pdf.apply(args=(job.pk,), task_id="lost").get() == "superseded"
    assert desk_client.get(URL, {"format": "pdf"})["Content-Type"] == "application/pdf"


def test_a_failed_pdf_says_so_and_can_be_tried_again(
    desk_client, meeting, background, monkeypatch, commit_hooks_at_once
):
    def broken(document, *, paper=None):
        raise OSError("disk full")

    working = rendering.render_pdf
    monkeypatch.setattr(rendering, "render_pdf", broken)

    failed = desk_client.get(URL, {"format": "pdf"})

    assert failed.status_code == 200
    html = failed.content.decode()
    assert "The PDF could not be made. <code>disk full</code>" in html
    assert 'http-equiv="refresh"' not in html
    assert re.search(
        r'<a class="btn btn-primary" href="/desk/documents/participants/\?format=pdf&amp;'
        r'since=\d+&amp;retry=1">Try again</a>',
        html,
    )
    assert (PdfJob.objects.get().state, PdfJob.objects.get().error) == (State.FAILED, "disk full")
    # It stays failed until someone asks to try again.
    monkeypatch.setattr(rendering, "render_pdf", working)
    assert "disk full" in desk_client.get(URL, {"format": "pdf"}).content.decode()
    retried = desk_client.get(URL, {"format": "pdf", "retry": "1"})
    assert retried["Content-Type"] == "application/pdf"
    assert (PdfJob.objects.get().state, PdfJob.objects.get().error) == (State.DONE, "")
    assert [name[-4:] for name in StoredFile.objects.values_list("name", flat=True)] == [".pdf"]


def test_a_broker_that_cannot_be_reached_fails_the_job_with_a_clear_message(
    desk_client, meeting, background, monkeypatch, commit_hooks_at_once
):
    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_document_pdf, "apply_async", unreachable)

    response = desk_client.get(URL, {"format": "pdf"})

    assert response.status_code == 200
    assert (
        "The PDF could not be made. <code>The task queue could not be reached (Error 111 "
        "connecting to 127.0.0.1:6379. Connection refused.).</code>" in response.content.decode()
    )
    assert PdfJob.objects.get().state == State.FAILED


def test_a_changed_list_never_serves_the_old_pdf(
    desk_client, meeting, background, commit_hooks_at_once
):
    desk_client.get(URL, {"format": "pdf"})
    Participant.objects.filter(official__given_name="Given1").update(
        status=Participant.Status.CANCELLED
    )
    ParticipantFactory(
        delegation=Delegation.objects.get(organization__acronym="O0000"),
        official=OfficialFactory(given_name="Newly", family_name="Added"),
    )

    text = pdf_pages(desk_client.get(URL, {"format": "pdf"}).content)[0][0]

    assert "Newly Added" in text
    assert "Given1" not in text
    assert PdfJob.objects.count() == 2


def test_the_worker_prints_the_document_again_from_the_urls_parameters(
    desk_client, meeting, background, commit_hooks_at_once
):
    session = Session.objects.filter(meeting=meeting).order_by("starts_at").last()

    response = desk_client.get(
        reverse("desk:sign_in_session", args=[session.pk]), {"format": "pdf"}
    )

    assert response["Content-Type"] == "application/pdf"
    job = PdfJob.objects.get()
    assert (job.document, job.params) == ("sign_in", {"pk": session.pk})
    assert "Session 2" in pdf_pages(response.content)[0][0]


def test_a_job_whose_document_is_gone_fails_with_the_reason(meeting, background):
    session = Session.objects.filter(meeting=meeting).first()
    job = PdfJob.objects.create(
        key="k" * 40,
        meeting=meeting,
        document="sign_in",
        params={"pk": session.pk},
        paper="letter",
        language="en",
        task_id="t1",
    )
    session.delete()

    assert tasks.render_document_pdf.apply(args=(job.pk,), task_id="t1").get() == "failed"

    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.error == "No Session matches the given query."


def test_a_background_pdf_is_keyed_by_the_paper_it_prints_on(
    meeting, background, commit_hooks_at_once
):
    Meeting.objects.filter(pk=meeting.pk).update(paper=Meeting.Paper.A4)
    meeting.refresh_from_db()
    document = documents.REGISTRY["participants"].from_request(None, meeting)

    job, content = tasks.pdf_in_background(document)

    assert job.key == tasks.job_key(document, "a4")
    assert tasks.job_key(document, "a4") != tasks.job_key(document, "letter")
    assert [size for _text, size in pdf_pages(content)] == [A4]


def test_pdfs_made_a_day_ago_are_deleted_with_their_jobs(
    desk_client, meeting, background, commit_hooks_at_once
):
    desk_client.get(URL, {"format": "pdf"})
    job = PdfJob.objects.get()

    tasks.delete_old_pdfs(now=timezone.now() + datetime.timedelta(hours=23))
    assert PdfJob.objects.count() == 1
    tasks.delete_old_pdfs(now=timezone.now() + datetime.timedelta(hours=25))

    assert PdfJob.objects.count() == 0
    assert not default_storage.exists(job.file_name)


def test_a_list_that_keeps_changing_still_gets_its_pdf_with_one_job_at_a_time(
    desk_client, meeting, background, django_capture_on_commit_callbacks
):
    """Check-ins at the door change the list between two reloads of the progress page."""

    def add_someone(n):
        ParticipantFactory(
            delegation=Delegation.objects.get(organization__acronym="O0000"),
            official=OfficialFactory(given_name=f"Late{n}", family_name="Arrival"),
        )

    with django_capture_on_commit_callbacks() as queued:
        waiting = desk_client.get(URL, {"format": "pdf"})
        since = re.search(r"since=(\d+)", waiting.content.decode()).group(1)
        add_someone(1)
        again = desk_client.get(URL, {"format": "pdf", "since": since})

    assert (waiting.status_code, again.status_code) == (202, 202)
    assert len(queued) == 1  # The job under way stands for the changed list too.
    queued[0]()  # The worker runs it now: it prints the list as it is, with Late1.
    add_someone(2)

    ready = desk_client.get(URL, {"format": "pdf", "since": since})

    assert ready["Content-Type"] == "application/pdf"
    text = pdf_pages(ready.content)[0][0]
    assert "Late1 Arrival" in text
    assert "Late2 Arrival" not in text
    assert PdfJob.objects.count() == 1
    # Asked afresh (no since), the list as it is now: a new job.
    with django_capture_on_commit_callbacks(execute=True):
        fresh = desk_client.get(URL, {"format": "pdf"})
    assert fresh.status_code == 202
    assert PdfJob.objects.count() == 2


@pytest.mark.parametrize("since", ["soon", "99999999999999999999", "-5", "two hours ago"])
def test_a_since_that_is_no_time_or_long_ago_is_taken_as_now(
    desk_client, meeting, background, since
):
    if since == "two hours ago":
        since = str(int(time.time()) - 2 * 3600)

    response = desk_client.get(URL, {"format": "pdf", "since": since})

    assert response.status_code == 202
    asked = int(re.search(r"since=(\d+)", response.content.decode()).group(1))
    assert abs(asked - time.time()) < 60
