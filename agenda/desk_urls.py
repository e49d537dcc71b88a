"""The registration desk: check-in and printable documents (staff only)."""

from django.urls import path  # noqa: F401

app_name = "desk"

urlpatterns = []
