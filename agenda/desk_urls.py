"""The registration desk: check-in and printable documents (staff only)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import desk, seating

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
    path("documents/attendance/", desk.attendance, name="attendance"),
    path("documents/badges/", desk.badges, name="badges"),
    path("documents/seating/", seating.seating, name="seating"),
    path("documents/name-plates/", seating.name_plates, name="name_plates"),
]
