from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Meeting site — Secretariat")
admin.site.site_title = _("Meeting site")
admin.site.index_title = _("Register, invitations and programme")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("language/", views.switch_language, name="switch_language"),
    # Before delegations.urls: a focal point's inscriptions, served by the agenda app.
    path("register/", include("agenda.speaker_urls")),
    path("register/", include("delegations.urls")),
    path("desk/", include("agenda.desk_urls")),
    path("", include("agenda.urls")),
]
