"""The registration desk: check-in and printable documents (staff only)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import desk, seating, speakers

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
    path("documents/sign-in/session/<int:pk>/", desk.sign_in_session, name="sign_in_session"),
    path("documents/sign-in/day/<str:day>/", desk.sign_in_day, name="sign_in_day"),
    path("documents/participants/", desk.participants, name="participants"),
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
        desk.participant_version,
        name="participant_version",
    ),
    path(
        "documents/participants/versions/<int:pk>/changes/",
        desk.participant_version_changes,
        name="participant_version_changes",
    ),
    path("documents/attendance/", desk.attendance, name="attendance"),
    path("documents/badges/", desk.badges, name="badges"),
    path(
        "documents/speakers/<int:number>/",
        desk.desk_required(desk.document_csp(speakers.desk_document)),
        name="speakers",
    ),
    path("documents/credentials/", desk.credentials_report, name="credentials"),
    path("documents/credentials/<int:pk>/file/", desk.credentials_file, name="credentials_file"),
    path("documents/seating/", seating.seating, name="seating"),
    path("documents/name-plates/", seating.name_plates, name="name_plates"),
]
