from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, OuterRef, Value, When
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from delegations.admin import (
    FoldedSearchMixin,
    HistoryAdmin,
    LabelledTabularInline,
    MeetingTimeZoneMixin,
    SafeAutocompleteMixin,
    SafeLookupsMixin,
    in_every_language,
)
from delegations.admin import MeetingAdmin as RegisterMeetingAdmin
from delegations.models import Meeting

from . import services
from .forms import AttendanceForm, InscriptionForm, SeatingDrawForm
from .models import (
    AgendaItem,
    Attendance,
    Inscription,
    ParticipantListVersion,
    Room,
    SeatingDraw,
    Session,
    SessionItem,
    SpeakersList,
)

# The seating draw belongs to the agenda, which knows the register; the register's
# meeting admin gets the draw's actions here, so that ``delegations`` never imports us.
admin.site.unregister(Meeting)


@admin.register(Meeting)
class MeetingAdmin(RegisterMeetingAdmin):
    actions = [*RegisterMeetingAdmin.actions, "draw_seating_horseshoe", "draw_seating_rectangle"]

    def _draw_seating(self, request, queryset, table_shape):
        for meeting in queryset:
            try:
                draw = services.seating_draw(
                    meeting=meeting, table_shape=table_shape, by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                gettext(
                    "%(meeting)s: the lot fell on %(name)s (seed %(seed)s). The seating plan "
                    "and the name plates follow it."
                )
                % {
                    "meeting": meeting,
                    "name": draw.starting_organization.name,
                    "seed": draw.seed,
                },
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Draw the seating by lot (horseshoe table)"), permissions=["draw_seating"]
    )
    def draw_seating_horseshoe(self, request, queryset):
        self._draw_seating(request, queryset, SeatingDraw.TableShape.HORSESHOE)

    @admin.action(
        description=_("Draw the seating by lot (rectangular table)"), permissions=["draw_seating"]
    )
    def draw_seating_rectangle(self, request, queryset):
        self._draw_seating(request, queryset, SeatingDraw.TableShape.RECTANGLE)

    def has_draw_seating_permission(self, request):
        return request.user.has_perm("agenda.add_seatingdraw")


@admin.register(SeatingDraw)
class SeatingDrawAdmin(SafeLookupsMixin, MeetingTimeZoneMixin, admin.ModelAdmin):
    """The record of every draw. Adding one draws the lot; a draw is never edited or deleted
    afterwards, a new draw replaces it (the action on meetings does the same)."""

    form = SeatingDrawForm
    meeting_time_fields = ["drawn_at"]
    list_display = [
        "meeting",
        "drawn_at",
        "starting_organization",
        "seed",
        "table_shape",
        "drawn_by",
    ]
    list_filter = ["meeting", "table_shape"]
    list_select_related = ["meeting", "starting_organization", "drawn_by"]
    date_hierarchy = "drawn_at"
    readonly_fields = ["starting_organization", "seed", "candidates", "drawn_at", "drawn_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["meeting", "table_shape"]
        return ["meeting", "table_shape", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        draw = services.seating_draw(
            meeting=obj.meeting, table_shape=obj.table_shape, by=request.user
        )
        # The admin's messages and redirect follow the saved draw.
        obj.__dict__.update(draw.__dict__)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Room)
class RoomAdmin(TranslationAdmin, HistoryAdmin):
    list_display = ["name", "capacity", "location"]
    search_fields = [*in_every_language("name"), "location"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SafeAutocompleteMixin, TranslationAdmin, HistoryAdmin):
    list_display = ["number", "title", "meeting"]
    list_display_links = ["number", "title"]
    list_filter = ["meeting"]
    list_select_related = ["meeting"]
    search_fields = in_every_language("title", "description")
    autocomplete_fields = ["meeting"]


def _pk_or_none(value):
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and int(value) < 2**63 else None


def session_meeting(request):
    """The meeting a session's admin page is about: the one posted in its form, else the
    session's own, else one named in the address (``?meeting=``, which also fills the
    form's field), else the current meeting; None when there is none of these."""
    meeting_id = _pk_or_none(request.POST.get("meeting"))
    if meeting_id is None:
        object_id = request.resolver_match.kwargs.get("object_id")
        meeting_id = (
            Session.objects.filter(pk=_pk_or_none(object_id) or 0)
            .values_list("meeting_id", flat=True)
            .first()
        )
    if meeting_id is None:
        meeting_id = _pk_or_none(request.GET.get("meeting"))
    if meeting_id is not None:
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is not None:
            return meeting
    return Meeting.objects.current()


class AgendaItemChoiceField(forms.ModelChoiceField):
    """A select that offers one meeting's agenda items, each labelled with its meeting.

    Any existing item is accepted here, so that one of another meeting reaches
    SessionItem.clean, which refuses it with its own message beside the field (not "Select
    a valid choice").
    """

    def label_from_instance(self, obj):
        return gettext("%(item)s — %(meeting)s") % {"item": obj, "meeting": obj.meeting}

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            return forms.ModelChoiceField(AgendaItem.objects.all()).to_python(value)


class SessionItemInline(LabelledTabularInline):
    """The session's agenda items, chosen in a plain select of its meeting's items: a
    meeting has tens of items at most, which a select shows at once."""

    model = SessionItem
    fields = ["order", "agenda_item"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            meeting = session_meeting(request)
            items = AgendaItem.objects.select_related("meeting")
            kwargs["queryset"] = items.filter(meeting=meeting) if meeting else items
            kwargs["form_class"] = AgendaItemChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agenda_item__meeting")


class RoomIterator(forms.models.ModelChoiceIterator):
    """The rooms in three groups: those the meeting already uses, those used by other
    meetings at its venue, then the others."""

    GROUPS = [
        _("Rooms of this meeting"),
        _("Rooms at the same venue"),
        _("Other rooms"),
    ]

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = [[] for _group in self.GROUPS]
        for room in self.queryset:
            groups[room.rank].append(self.choice(room))
        for label, choices in zip(self.GROUPS, groups, strict=True):
            if choices:
                yield (label, choices)


class RoomChoiceField(forms.ModelChoiceField):
    iterator = RoomIterator


def rooms_for(meeting):
    """Every room, ranked for ``meeting``: 0 used by its sessions, 1 by sessions of another
    meeting at the same venue, 2 the others. Rooms have no meeting: they are places of a
    venue that one meeting after another uses (Session.clean checks a room's clashes
    across meetings)."""
    if meeting is None:
        return Room.objects.annotate(rank=Value(2)).order_by("name")
    used = Session.objects.filter(room=OuterRef("pk"))
    return Room.objects.annotate(
        rank=Case(
            When(Exists(used.filter(meeting=meeting)), then=Value(0)),
            When(Exists(used.filter(meeting__venue__iexact=meeting.venue)), then=Value(1)),
            default=Value(2),
        )
    ).order_by("rank", "name")


@admin.register(Session)
class SessionAdmin(MeetingTimeZoneMixin, SafeAutocompleteMixin, TranslationAdmin, HistoryAdmin):
    # Four columns fit beside the navigation and the filters at 1280 px: the kind, and
    # whether the session is provisional, go under its title.
    list_display = ["session", "local_time", "room", "chair"]
    list_filter = ["meeting", "kind", "room", "is_provisional"]
    list_select_related = ["meeting", "room", "chair"]
    search_fields = in_every_language("title", "notes")
    date_hierarchy = "starts_at"
    autocomplete_fields = ["meeting", "chair"]
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = rooms_for(session_meeting(request))
            kwargs["form_class"] = RoomChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("session"), ordering="title")
    def session(self, obj):
        kind = obj.get_kind_display()
        if obj.is_provisional:
            kind = gettext("%(kind)s, provisional") % {"kind": kind}
        return format_html('{}<span class="list-detail">{}</span>', obj.title, kind)

    @admin.display(description=_("when (meeting's time)"), ordering="starts_at")
    def local_time(self, obj):
        start, end = obj.local_start, obj.local_end
        return format_html(
            "{}<br>{}–{}", date_format(start, "D j M Y"), f"{start:%H:%M}", f"{end:%H:%M}"
        )


@admin.register(Attendance)
class AttendanceAdmin(
    MeetingTimeZoneMixin, SafeAutocompleteMixin, FoldedSearchMixin, HistoryAdmin
):
    meeting_path = "session__meeting"
    meeting_time_fields = ["checked_in_at"]
    list_display = ["participant", "session", "checked_in_at", "checked_in_by"]
    list_filter = ["session__meeting", "session"]
    list_select_related = ["participant__official", "session__meeting", "checked_in_by"]
    search_fields = ["participant__official__family_name", "participant__badge_number"]
    folded_search_fields = ["participant__official__sort_key"]
    autocomplete_fields = ["session", "participant"]
    readonly_fields = ["checked_in_at", "checked_in_by"]
    date_hierarchy = "checked_in_at"
    form = AttendanceForm

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The desk's own service: its record (time, who) stands if a desk was quicker.
        attendance, _created = services.attendance_check_in(
            session=obj.session, participant=obj.participant, user=request.user
        )
        obj.__dict__.update(attendance.__dict__)


class InscriptionInline(SafeAutocompleteMixin, LabelledTabularInline):
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
class SpeakersListAdmin(MeetingTimeZoneMixin, SafeAutocompleteMixin, HistoryAdmin):
    meeting_path = "agenda_item__meeting"
    list_display = ["agenda_item", "levels_first", "minutes_per_statement", "is_closed"]
    list_filter = ["agenda_item__meeting", "levels_first", "is_closed"]
    list_select_related = ["agenda_item__meeting"]
    search_fields = in_every_language("agenda_item__title")
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
        ordered, _speaking, _withdrawn = obj.rows()
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
                if not services.inscription_move(inscription=inscription, up=action == "up"):
                    messages.warning(request, _("It is already at the end of its group."))
            elif action == "reply":
                services.inscription_reply_add(inscription=inscription, user=request.user)
            else:
                getattr(services, INSCRIPTION_ACTIONS[action][1])(inscription=inscription)
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
                services.inscription_add(
                    agenda_item=form.instance.agenda_item,
                    delegation=inscription.delegation,
                    speaker=inscription.speaker,
                    level=inscription.level,
                    is_reply=inscription.is_reply,
                    user=request.user,
                )
            else:
                services.inscription_correct(inscription=inscription)
        formset.save_m2m()


@admin.register(ParticipantListVersion)
class ParticipantListVersionAdmin(SafeLookupsMixin, MeetingTimeZoneMixin, admin.ModelAdmin):
    """Issued lists are read only: they are issued from the desk and never edited."""

    meeting_time_fields = ["issued_at"]

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
