"""E-mails as Celery tasks (delegations/tasks.py): queued on commit, sent through Django's
e-mail framework, tried again while the mail server cannot be reached."""

import smtplib

import celery.utils.time
import pytest
from celery import states
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction

from delegations import services, tasks
from meetingsite.celery import app as celery_app

pytestmark = pytest.mark.django_db


class FlakyBackend(LocmemBackend):
    """Fails with the errors in ``failures`` first, one a try, then delivers to mail.outbox."""

    failures = []
    tries = 0

    def send_messages(self, messages):
        FlakyBackend.tries += 1
        if FlakyBackend.failures:
            raise FlakyBackend.failures.pop(0)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _failures_stay_in_the_task():
    """As on a worker: a failure is the task's (retried, or its result), not the caller's."""
    celery_app.conf.update(CELERY_TASK_EAGER_PROPAGATES=False)
    yield
    celery_app.conf.update(CELERY_TASK_EAGER_PROPAGATES=True)


@pytest.fixture
def flaky(settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    monkeypatch.setattr(FlakyBackend, "failures", [])
    monkeypatch.setattr(FlakyBackend, "tries", 0)
    return FlakyBackend


def invitation_message(delegation, token):
    return services.email_message(
        template="invitation",
        context={
            "delegation": delegation,
            "meeting": delegation.meeting,
            "organization": delegation.organization,
            "registration_url": f"http://testserver/register/{token}/",
        },
        to="focal@oau.example",
    )


def run_as_a_worker(message, **kwargs):
    """The task as a worker runs it: a retry is run again (here at once), not raised."""
    return tasks.send_email.apply(args=(message,), kwargs=kwargs)


def test_a_send_the_server_drops_is_tried_again_until_it_goes_through(
    invited, flaky, secretariat_user
):
    delegation, token = invited
    flaky.failures = [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
    ]

    result = run_as_a_worker(
        invitation_message(delegation, token),
        invitation={"delegation": delegation.pk, "by": secretariat_user.pk},
    )

    assert result.state == states.SUCCESS
    assert flaky.tries == 3
    [message] = mail.outbox
    assert message.to == ["focal@oau.example"]
    assert f"http://testserver/register/{token}/" in message.body
    assert message.alternatives[0][1] == "text/html"
    # Recorded as sent once, when it went, by whom it was sent.
    delegation.refresh_from_db()
    assert delegation.invitation_sent_at is not None
    last = delegation.history.order_by("-history_id").first()
    assert (last.history_user, last.history_change_reason) == (
        secretariat_user,
        "Invitation e-mailed to focal@oau.example",
    )


def test_a_server_that_stays_down_is_given_up_on_after_the_last_try(invited, flaky):
    delegation, token = invited
    flaky.failures = [OSError("Connection refused")] * (tasks.MAX_RETRIES + 5)

    result = run_as_a_worker(
        invitation_message(delegation, token), invitation={"delegation": delegation.pk, "by": None}
    )

    assert result.state == states.FAILURE
    assert isinstance(result.result, OSError)
    assert flaky.tries == tasks.MAX_RETRIES + 1
    assert mail.outbox == []
    delegation.refresh_from_db()
    assert delegation.invitation_sent_at is None


def test_a_recipient_the_server_refuses_is_not_tried_again(invited, flaky):
    delegation, token = invited
    flaky.failures = [smtplib.SMTPRecipientsRefused({"focal@oau.example": (550, b"No such user")})]

    result = run_as_a_worker(invitation_message(delegation, token))

    assert result.state == states.FAILURE
    assert flaky.tries == 1


def test_the_retries_wait_longer_and_longer(invited, flaky, monkeypatch):
    delegation, token = invited
    flaky.failures = [OSError("Connection refused")] * 4
    waits = []
    retry = tasks.send_email.retry

    def recording_retry(*args, countdown=None, **kwargs):
        waits.append(countdown)
        return retry(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(tasks.send_email, "retry", recording_retry)
    # The jitter draws each wait between 0 and the backoff; here it draws the most.
    monkeypatch.setattr(celery.utils.time.random, "randrange", lambda stop: stop - 1)

    run_as_a_worker(invitation_message(delegation, token))

    assert waits == [5, 10, 20, 40]
    assert len(mail.outbox) == 1


def test_an_e_mail_is_queued_when_the_transaction_commits_never_before(
    invited, django_capture_on_commit_callbacks
):
    delegation, token = invited
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with transaction.atomic():
            services.invitation_send(
                delegation=delegation, token=token, registration_url="http://testserver/r/"
            )
            assert mail.outbox == []
        assert mail.outbox == []  # Still inside the test's own transaction.

    assert len(queued) == 1
    assert len(mail.outbox) == 1


def test_an_e_mail_of_a_transaction_rolled_back_is_never_sent(invited):
    delegation, token = invited
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invitation_send(
            delegation=delegation, token=token, registration_url="http://testserver/r/"
        )
        raise RuntimeError("the rest of the change failed")

    assert mail.outbox == []


def test_without_a_broker_a_failed_send_is_raised_to_the_caller_at_once(invited, flaky):
    """No worker will try again later, so the admin hears of it and shows the link."""
    celery_app.conf.update(CELERY_TASK_EAGER_PROPAGATES=True)  # As the settings have it.
    delegation, token = invited
    flaky.failures = [OSError("Connection refused")]

    with pytest.raises(OSError, match="Connection refused"):
        services.invitation_send(
            delegation=delegation, token=token, registration_url="http://testserver/r/"
        )

    assert flaky.tries == 1
