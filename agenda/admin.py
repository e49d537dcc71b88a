from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from delegations.admin import FoldedSearchMixin, SafeAutocompleteMixin

from . import speakers
from .models import (
    AgendaItem,
    Attendance,
    Inscription,
    ParticipantListVersion,
    Room,
    Session,
    SessionItem,
    SpeakersList,
)


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


class InscriptionForm(forms.ModelForm):
    level = forms.ChoiceField(
        label=_("level of representation"),
        choices=[("", _("From the speaker")), *Inscription.Level.choices],
        required=False,
        help_text=_(
            "Left empty: presiding officer or head of organization for a head of "
            "delegation, otherwise a lower level."
        ),
    )

    class Meta:
        model = Inscription
        fields = ["delegation", "speaker", "level", "is_reply"]

    def clean(self):
        cleaned = super().clean()
        delegation = cleaned.get("delegation")
        if not cleaned.get("level") and delegation is not None:
            cleaned["level"] = speakers.level_of(delegation, cleaned.get("speaker"))
            self.instance.level = cleaned["level"]
        list_id = self.instance.speakers_list_id
        if delegation is None or cleaned.get("is_reply") or list_id is None:
            return cleaned
        taken = (
            Inscription.objects.filter(
                speakers_list_id=list_id, delegation=delegation, is_reply=False
            )
            .exclude(status=Inscription.Status.WITHDRAWN)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            self.add_error(
                "delegation",
                ValidationError(
                    _("This delegation is already inscribed on this list."), code="inscribed"
                ),
            )
        return cleaned


class InscriptionInline(SafeAutocompleteMixin, admin.TabularInline):
    """Inscribe delegations and correct speaker or level; the order and the floor are
    handled by the buttons of the speaking order above."""

    model = Inscription
    form = InscriptionForm
    fields = ["delegation", "speaker", "level", "is_reply", "status", "inscribed_at"]
    readonly_fields = ["status", "inscribed_at"]
    autocomplete_fields = ["delegation", "speaker"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("delegation__organization")


# Buttons of the speaking order: action → (label, service, shown for these statuses).
INSCRIPTION_ACTIONS = {
    "call": (_("Give the floor"), "inscription_call", {Inscription.Status.INSCRIBED}),
    "spoken": (
        _("Mark spoken"),
        "inscription_mark_spoken",
        {Inscription.Status.INSCRIBED, Inscription.Status.SPEAKING},
    ),
    "up": (_("Move up"), "move_up", {Inscription.Status.INSCRIBED}),
    "down": (_("Move down"), "move_down", {Inscription.Status.INSCRIBED}),
    "withdraw": (_("Withdraw"), "inscription_withdraw", {Inscription.Status.INSCRIBED}),
    "reply": (
        _("Add right of reply"),
        "inscription_reply_add",
        {Inscription.Status.INSCRIBED, Inscription.Status.SPEAKING, Inscription.Status.SPOKEN},
    ),
}


@admin.register(SpeakersList)
class SpeakersListAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["agenda_item", "levels_first", "minutes_per_statement", "is_closed"]
    list_filter = ["agenda_item__meeting", "levels_first", "is_closed"]
    list_select_related = ["agenda_item__meeting"]
    search_fields = ["agenda_item__title"]
    autocomplete_fields = ["agenda_item"]
    fields = [
        "agenda_item",
        "levels_first",
        "minutes_per_statement",
        "is_closed",
        "speaking_order",
    ]
    readonly_fields = ["speaking_order"]
    inlines = [InscriptionInline]

    def get_urls(self):
        return [
            path(
                "<int:list_id>/inscriptions/<str:action>/",
                self.admin_site.admin_view(self.inscription_action),
                name="agenda_speakerslist_inscription_action",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("speaking order"))
    def speaking_order(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the list to inscribe delegations.")
        ordered, _speaking, _withdrawn = speakers.list_rows(obj)
        if not ordered:
            return _("No delegation is inscribed yet.")
        rows = []
        for number, inscription in enumerate(ordered, start=1):
            buttons = format_html_join(
                " ",
                '<button type="submit" class="button" name="inscription" value="{}" '
                'formaction="{}">{}</button>',
                (
                    (
                        inscription.pk,
                        reverse(
                            "admin:agenda_speakerslist_inscription_action", args=[obj.pk, key]
                        ),
                        label,
                    )
                    for key, (label, _service, statuses) in INSCRIPTION_ACTIONS.items()
                    if inscription.status in statuses
                ),
            )
            reply = f" ({_('right of reply')})" if inscription.is_reply else ""
            rows.append(
                (
                    number,
                    inscription.delegation.organization,
                    reply,
                    inscription.get_level_display(),
                    inscription.get_status_display(),
                    buttons,
                )
            )
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                rows,
            ),
        )

    def inscription_action(self, request, list_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        speakers_list = get_object_or_404(SpeakersList, pk=list_id)
        if not self.has_change_permission(request, speakers_list) or action not in (
            INSCRIPTION_ACTIONS
        ):
            raise PermissionDenied
        pk = request.POST.get("inscription", "")
        inscription = get_object_or_404(
            Inscription.objects.select_related("delegation__organization"),
            speakers_list=speakers_list,
            pk=int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 10 else 0,
        )
        try:
            if action in ("up", "down"):
                if not speakers.inscription_move(inscription=inscription, up=action == "up"):
                    messages.warning(request, _("It is already at the end of its group."))
            elif action == "reply":
                speakers.inscription_reply_add(inscription=inscription, user=request.user)
            else:
                getattr(speakers, INSCRIPTION_ACTIONS[action][1])(inscription=inscription)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(organization)s: %(action)s — done.")
                % {"organization": inscription, "action": INSCRIPTION_ACTIONS[action][0]},
            )
        return redirect("admin:agenda_speakerslist_change", speakers_list.pk)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Inscription:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for inscription in instances:
            if inscription.pk is None:
                # New inscriptions go through the service: time stamp, lock and checks.
                speakers.inscription_add(
                    agenda_item=form.instance.agenda_item,
                    delegation=inscription.delegation,
                    speaker=inscription.speaker,
                    level=inscription.level,
                    is_reply=inscription.is_reply,
                    user=request.user,
                )
            else:
                inscription.save()
        formset.save_m2m()


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
