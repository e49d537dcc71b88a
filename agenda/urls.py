"""The public site: programme, sessions, participants, feeds.

Every page answers at the bare URL for the current meeting and under
/meetings/<slug>/ for any published meeting; names of the second kind start with
"meeting_" and take the slug as their first argument.
"""

import datetime

from django.urls import include, path, register_converter

from . import views


class IsoDateConverter:
    """A calendar date as YYYY-MM-DD; an impossible date (1996-02-30) does not match."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return datetime.date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


register_converter(IsoDateConverter, "isodate")

app_name = "agenda"


def _pages(prefix):
    return [
        path("", views.home, name=f"{prefix}home"),
        path("agenda/", views.programme, name=f"{prefix}programme"),
        path("agenda/<isodate:day>/", views.day, name=f"{prefix}day"),
        path("agenda/sessions/<int:pk>/", views.session_detail, name=f"{prefix}session"),
        path("agenda/sessions/<int:pk>.ics", views.session_ics, name=f"{prefix}session_ics"),
        path("agenda.ics", views.programme_ics, name=f"{prefix}programme_ics"),
        path("agenda.json", views.programme_json, name=f"{prefix}programme_json"),
        path(
            "agenda/items/<int:number>/speakers/",
            views.speakers_list,
            name=f"{prefix}speakers",
        ),
        path("participants/", views.participants, name=f"{prefix}participants"),
        path("background/", views.background, name=f"{prefix}background"),
    ]


urlpatterns = [
    *_pages(""),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<slug:slug>/", include(_pages("meeting_"))),
]
