"""A delegation focal point's registration, through its private link."""

from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("<str:token>/", views.register, name="register"),
    path("<str:token>/done/", views.done, name="done"),
    path("<str:token>/decline/", views.decline, name="decline"),
    path("<str:token>/credentials/", views.credentials, name="credentials"),
    path("<str:token>/credentials/file/", views.credentials_file, name="credentials_file"),
]
