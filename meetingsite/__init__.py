# Loaded with Django, so that a task's .delay() goes through the project's Celery app.
from .celery import app as celery_app

__all__ = ("celery_app",)
