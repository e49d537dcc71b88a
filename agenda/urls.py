"""The public site: programme, sessions, participants, feeds."""

from django.urls import path  # noqa: F401

app_name = "agenda"

urlpatterns = []
