"""The Celery app: long PDFs and e-mails run as tasks, on workers beside the web processes.

``make worker`` (or ``celery -A meetingsite worker``) starts a worker; its settings are the
project's, read from the environment like the web's (``CELERY_*`` in meetingsite/settings.py).
Without ``CELERY_BROKER_URL`` there is no broker and no worker: every task runs at once in
the process that asks for it (``make run`` and the test suite need nothing else).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetingsite.settings")

app = Celery("meetingsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks.py of every installed app: agenda.tasks (PDFs), delegations.tasks (e-mails).
app.autodiscover_tasks()
