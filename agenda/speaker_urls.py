"""A focal point inscribes its delegation on speakers' lists through its private link.

Served by the agenda app under /register/<token>/, so that ``delegations`` need not
know about agenda items.
"""

from django.urls import path

from . import views

app_name = "speakers"

urlpatterns = [
    path("<str:token>/speakers/", views.speakers_focal_point, name="focal_point"),
    path(
        "<str:token>/speakers/<int:pk>/withdraw/",
        views.speakers_focal_point_withdraw,
        name="focal_point_withdraw",
    ),
]
