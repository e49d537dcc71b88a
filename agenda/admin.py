from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from delegations.admin import FoldedSearchMixin, SafeAutocompleteMixin

from .models import AgendaItem, Attendance, ParticipantListVersion, Room, Session, SessionItem


@admin.register(Room)
class RoomAdmin(SimpleHistoryAdmin):
    list_display = ["name", "capacity", "location"]
    search_fields = ["name", "location"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "meeting"]
    list_display_links = ["number", "title"]
    list_filter = ["meeting"]
    list_select_related = ["meeting"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["meeting"]


class SessionItemInline(SafeAutocompleteMixin, admin.TabularInline):
    model = SessionItem
    fields = ["order", "agenda_item"]
    autocomplete_fields = ["agenda_item"]
    extra = 0


@admin.register(Session)
class SessionAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "local_time", "room", "chair", "is_provisional"]
    list_filter = ["meeting", "kind", "room", "is_provisional"]
    list_select_related = ["meeting", "room", "chair"]
    search_fields = ["title", "notes"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["meeting", "room", "chair"]
    inlines = [SessionItemInline]
    fields = [
        "meeting",
        "kind",
        "title",
        "room",
        "starts_at",
        "ends_at",
        "chair",
        "is_provisional",
        "notes",
    ]

    @admin.display(description=_("when (meeting's time)"), ordering="starts_at")
    def local_time(self, obj):
        start, end = obj.local_start, obj.local_end
        return f"{date_format(start, 'D j M Y')}, {start:%H:%M}–{end:%H:%M}"


@admin.register(Attendance)
class AttendanceAdmin(SafeAutocompleteMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["participant", "session", "checked_in_at", "checked_in_by"]
    list_filter = ["session__meeting", "session"]
    list_select_related = ["participant__official", "session__meeting", "checked_in_by"]
    search_fields = ["participant__official__family_name", "participant__badge_number"]
    folded_search_fields = ["participant__official__sort_key"]
    autocomplete_fields = ["session", "participant"]
    readonly_fields = ["checked_in_at", "checked_in_by"]
    date_hierarchy = "checked_in_at"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.checked_in_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ParticipantListVersion)
class ParticipantListVersionAdmin(admin.ModelAdmin):
    """Issued lists are read only: they are issued from the desk and never edited."""

    list_display = ["symbol", "kind", "meeting", "issued_at", "issued_by"]
    list_filter = ["meeting", "kind"]
    list_select_related = ["meeting", "issued_by"]
    fields = ["meeting", "kind", "revision", "symbol", "language", "issued_at", "issued_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
