"""A delegation focal point's registration, through its private link."""

from django.urls import path  # noqa: F401

app_name = "registration"

urlpatterns = []
