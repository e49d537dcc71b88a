"""App processes of their own, for the tests that need more than the test's process: two
hosts, two processes sharing a cache version, a restore under a running server, a worker.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.db import connection


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_database_url():
    """The test's PostgreSQL database as a URL another process can open."""
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"
    )


def start_app(database_url, **environment):
    """A gunicorn of the project (one worker, DEBUG on, caching pages in its own memory)
    on ``database_url``, with ``environment`` added: (process, base URL), once it answers
    /healthz."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "meetingsite.settings",
        "DEBUG": "true",
        **environment,
    }
    env.pop("REDIS_URL", None)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "meetingsite.wsgi",
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return process, base


def stop(*processes):
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
