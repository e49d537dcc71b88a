"""The registration desk: check-in and printable documents (staff only)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import desk

app_name = "desk"

urlpatterns = [
    path("", desk.index, name="index"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="desk/login.html", next_page=reverse_lazy("desk:index")
        ),
        name="login",
    ),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("desk:login")),
        name="logout",
    ),
    path("check-in/", desk.check_in, name="check_in"),
    path("undo/", desk.undo, name="undo"),
    path("counts/", desk.counts, name="counts"),
    path("documents/", desk.document_list, name="documents"),
    path(
        "documents/sign-in/session/<int:pk>/",
        desk.document,
        {"kind": "sign_in"},
        name="sign_in_session",
    ),
    path(
        "documents/sign-in/day/<str:day>/", desk.document, {"kind": "sign_in"}, name="sign_in_day"
    ),
    path("documents/participants/", desk.document, {"kind": "participants"}, name="participants"),
    path(
        "documents/participants/versions/",
        desk.participant_versions,
        name="participant_versions",
    ),
    path(
        "documents/participants/versions/issue/",
        desk.participant_version_issue,
        name="participant_version_issue",
    ),
    path(
        "documents/participants/versions/<int:pk>/",
        desk.document,
        {"kind": "participant_version"},
        name="participant_version",
    ),
    path(
        "documents/participants/versions/<int:pk>/changes/",
        desk.participant_version_changes,
        name="participant_version_changes",
    ),
    path("documents/attendance/", desk.document, {"kind": "attendance"}, name="attendance"),
    path(
        "documents/attendance/session/<int:pk>/",
        desk.document,
        {"kind": "attendance"},
        name="attendance_session",
    ),
    path("documents/badges/", desk.document, {"kind": "badges"}, name="badges"),
    path("documents/speakers/<int:number>/", desk.document, {"kind": "speakers"}, name="speakers"),
    path("documents/credentials/", desk.document, {"kind": "credentials"}, name="credentials"),
    path("documents/credentials/<int:pk>/file/", desk.credentials_file, name="credentials_file"),
    path("documents/seating/", desk.document, {"kind": "seating"}, name="seating"),
    path("documents/name-plates/", desk.document, {"kind": "name_plates"}, name="name_plates"),
]
