"""E-mails, sent by a Celery worker (or at once, without a broker: meetingsite/celery.py).

The message is written in the request that asks for it (its language, its private link)
and the task only sends it, through Django's e-mail framework, so a mail server that is
down or slow holds a worker, never a page. A send that fails on the connection (refused,
timed out, the server hanging up, any other SMTP error) is tried again later, with a
growing wait; one whose every recipient the server refuses (no such mailbox) is not.
"""

import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)

# Retried: the connection and the server's temporary errors. smtplib's errors are OSErrors.
RETRIED = (OSError,)
# Not retried: the server refused every recipient (no such mailbox, say).
PERMANENT = (smtplib.SMTPRecipientsRefused,)
MAX_RETRIES = 8  # With backoff up to 10 minutes apart: about half an hour in all.


@shared_task(
    bind=True,
    name="delegations.send_email",
    autoretry_for=RETRIED,
    dont_autoretry_for=PERMANENT,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_email(self, message, invitation=None):
    """Send ``message`` (``services.email_message``'s dict); ``invitation``, when it is one,
    ``{"delegation": pk, "by": user pk or None}``: its sending is recorded on the delegation."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    try:
        email.send()
    except Exception:
        logger.warning(
            "E-mail to %s not sent (try %d of %d)",
            ", ".join(message["to"]),
            self.request.retries + 1,
            MAX_RETRIES + 1,
            exc_info=True,
        )
        raise
    if invitation is not None:
        from .services import invitation_sent

        invitation_sent(
            delegation_pk=invitation["delegation"], to=message["to"][0], by_pk=invitation["by"]
        )
