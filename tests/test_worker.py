"""A real Celery worker: a process of its own, Redis as broker, the test's PostgreSQL
database. A long PDF asked for at the desk is made by that worker and delivered through
the progress page."""

import os
import subprocess
import sys
import time

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from agenda import tasks
from meetingsite.celery import app as celery_app
from meetingsite.models import PdfJob
from tests.agenda.desk_data import build_meeting
from tests.app_processes import shared_database_url

BROKER = "redis://127.0.0.1:6379/2"
DEADLINE_SECONDS = 180  # A bound on a broken worker, not a measure: the PDF takes seconds.

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database a worker process can share: run with DATABASE_URL=postgres://…",
    ),
]


def forget_connections():
    celery_app.close()
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def broker():
    """Redis database 2, emptied, as the test process's broker (not eager any more)."""
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=3).flushdb()
    except redis.ConnectionError as error:
        pytest.fail(f"The worker test needs Redis at {BROKER} ({error}).")
    forget_connections()  # Made for the eager default by earlier tests of this process.
    celery_app.conf.update(CELERY_BROKER_URL=BROKER, CELERY_TASK_ALWAYS_EAGER=False)
    yield BROKER
    forget_connections()
    celery_app.conf.update(CELERY_BROKER_URL=settings.CELERY_BROKER_URL)
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=settings.CELERY_TASK_ALWAYS_EAGER)
    redis.Redis.from_url(BROKER).flushdb()


@pytest.fixture
def worker(broker, settings, tmp_path):
    """``celery -A meetingsite worker`` on the test's database, on a host of its own: its
    MEDIA_ROOT is not the web process's (the test's), as on two machines."""
    settings.MEDIA_ROOT = tmp_path / "web-host"
    settings.MEDIA_ROOT.mkdir()
    worker_media = tmp_path / "worker-host"
    worker_media.mkdir()
    url = shared_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "DEBUG": "true",
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": str(worker_media),
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "meetingsite",
                "worker",
                "--pool=solo",
                "--loglevel=info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    yield log, worker_media
    process.terminate()
    process.wait(timeout=60)


def test_a_long_pdf_is_made_by_a_worker_and_delivered_through_the_progress_page(
    client, staff_groups, desk_user, worker, monkeypatch, settings
):
    log, worker_media = worker
    monkeypatch.setattr(tasks, "INLINE_PDF_ROWS", 2)
    build_meeting(delegations=3, members=2, sessions=1)
    client.force_login(desk_user)
    url = "/desk/documents/participants/?format=pdf"

    first = client.get(url)

    assert first.status_code == 202
    assert "The PDF of 6 rows is queued" in first.content.decode()
    progress_pages = 1
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        response = client.get(url)  # What the page's refresh asks for.
        if response.status_code != 202 or time.monotonic() > deadline:
            break
        progress_pages += 1
        time.sleep(0.5)

    assert response.status_code == 200, log.read_text()
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    [job] = PdfJob.objects.all()
    assert (job.state, job.error) == (PdfJob.State.DONE, "")
    assert job.started_at is not None and job.finished_at >= job.started_at
    # The worker made it: its log names the task and the job's own task id.
    assert f"agenda.render_document_pdf[{job.task_id}]" in log.read_text()
    # Made on the worker's host, served by the web's: through the shared storage (the
    # database), with nothing on either host's disk.
    assert default_storage.open(job.file_name).read() == response.content
    assert list(worker_media.rglob("*")) == list(settings.MEDIA_ROOT.rglob("*")) == []
    assert progress_pages >= 1
