from django.contrib import admin
from django.urls import path

admin.site.site_header = "Meeting site — Secretariat"
admin.site.site_title = "Meeting site"
admin.site.index_title = "Register, invitations and programme"

urlpatterns = [
    path("admin/", admin.site.urls),
]
