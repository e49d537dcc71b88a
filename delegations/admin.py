import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from meetingsite.site import site_url

from . import services
from .forms import ParticipantAdminForm, ParticipantFormSet
from .models import (
    Credentials,
    Delegation,
    Meeting,
    Official,
    Organization,
    Participant,
    fold,
    translation_languages,
    validate_time_zone,
)

logger = logging.getLogger(__name__)


def in_every_language(*lookups):
    """Search lookups over every language's column of a translated field:
    ``in_every_language("organization__name")`` finds "Union européenne" whatever the
    language of the admin (a plain "organization__name" searches the active one only)."""
    return [
        build_localized_fieldname(lookup, language)
        for lookup in lookups
        for language in translation_languages()
    ]


class SafeAutocompleteSelect(AutocompleteSelect):
    """AutocompleteSelect that survives a submitted value of the wrong type.

    Django's widget looks the submitted values up to redisplay them; "abc" for an
    integer key raises ValueError there, and a number past the database's integer range
    OverflowError: a server error on a form that should simply say "Select a valid
    choice". Values the key field cannot hold are dropped first.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or "pk")
        valid = []
        for item in value:
            try:
                key.run_validators(key.to_python(item))
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeChangeList(ChangeList):
    """A changelist for which a date out of range in the address is a wrong filter.

    Django turns a year it cannot build into IncorrectLookupParameters, but not the end
    of the range it computes (``?starts_at__year=9999``: 10000-01-01) nor a lookup the
    database cannot bind (``?end_date__year=99999``); both were 500s.
    """

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class SafeLookupsMixin:
    """What the address of an admin page carries is checked before it reaches a query.

    - The list's filters and date hierarchy (SafeChangeList): a filter no list can apply
      shows the whole list with a message, instead of Django's silent redirect.
    - The history pages: an id that is not one (``/meeting/abc/history/``) answers as
      the change page does, "… with ID “abc” doesn't exist", not with a 500.
    """

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters:
            if "e" not in request.GET:  # Django redirects once, to ?e=1: say it once
                messages.error(
                    request,
                    gettext("The list cannot be filtered that way; here it is unfiltered."),
                )
            raise

    def _not_an_id(self, request, object_id):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return None

    def history_view(self, request, object_id, extra_context=None):
        refused = self._not_an_id(request, object_id)
        return refused or super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        refused = self._not_an_id(request, object_id)
        if refused is None and not str(version_id).isdigit():
            raise Http404
        return refused or super().history_form_view(request, object_id, version_id, extra_context)


class HistoryAdmin(SafeLookupsMixin, SimpleHistoryAdmin):
    """The admin of every model with a history (django-simple-history)."""


class SafeAutocompleteMixin:
    """Use SafeAutocompleteSelect for every autocomplete field of a ModelAdmin or inline."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FoldedSearchMixin:
    """Adds accent- and case-insensitive search on pre-folded columns.

    ``folded_search_fields`` name columns that hold ``fold()``ed text (sort keys); every
    word of the query, folded the same way, must occur in one of them. "hoynck" and
    "HÖYNCK" both find Höynck on SQLite and PostgreSQL alike.
    """

    folded_search_fields = ()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = fold(search_term).split()
        if words and self.folded_search_fields:
            folded = queryset
            for word in words:
                match = Q()
                for field in self.folded_search_fields:
                    match |= Q(**{f"{field}__icontains": word})
                folded = folded.filter(match)
            results = results | folded
        return results, may_have_duplicates


def _follow(obj, path):
    """``obj``'s meeting, ``path`` being the ``__`` chain of foreign keys that leads to it."""
    for name in path.split("__") if path else ():
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _by_key(model, value):
    """The ``model`` row whose key is the submitted ``value``, or None (also for a value
    the key cannot hold: "abc", or past the database's integer range)."""
    if value in (None, ""):
        return None
    key = model._meta.pk
    try:
        key.run_validators(key.to_python(value))
    except ValidationError:
        return None
    return model._default_manager.filter(pk=value).first()


def _name_date_and_time(field):
    """Name the date and the time input of a split date-time field: Django's label is
    tied to neither (a MultiWidget has no single input to point at; axe "label")."""
    widgets = getattr(field.widget, "widgets", ())
    if len(widgets) == 2:
        label = capfirst(field.label)
        widgets[0].attrs["aria-label"] = gettext("%(field)s, date") % {"field": label}
        widgets[1].attrs["aria-label"] = gettext("%(field)s, time") % {"field": label}


class MeetingTimeZoneMixin:
    """Every time the admin shows or reads is in its meeting's own zone, whatever the
    server's TIME_ZONE and the browser's.

    Django's forms parse and display date-times in the *current* time zone, and the
    admin's read-only fields, list columns and date hierarchy use it too. Each view is
    rendered inside ``timezone.override`` of the right meeting's zone:

    - a change or add form: the meeting chosen in the same form when it is posted (or
      passed in the URL), else the object's meeting, so that "10:00" typed for a Geneva
      meeting is 10:00 in Geneva (for a meeting itself, the time zone typed in its form);
    - a changelist: the meeting it is filtered to, else the current meeting, which is
      the one the secretariat works on; the date hierarchy's days are that meeting's
      days. Columns named in ``meeting_time_fields`` show each row in its own meeting's
      zone, since a list can hold several meetings.

    ``meeting_path`` leads from the model to its meeting ("session__meeting"); empty for
    the Meeting itself.
    """

    meeting_path = "meeting"
    meeting_time_fields = ()

    def meeting_of(self, obj):
        return _follow(obj, self.meeting_path)

    def _meeting_in(self, data):
        """The meeting named by a form's data: its first foreign key on the path."""
        first, _sep, rest = self.meeting_path.partition("__")
        related = self.model._meta.get_field(first).related_model
        obj = _by_key(related, data.get(first))
        return obj if related is Meeting else _follow(obj, rest)

    def form_meeting(self, request, obj):
        """The meeting whose zone a change or add form reads and shows its times in, or
        None before one is chosen."""
        data = request.POST if request.method == "POST" else request.GET
        if self.meeting_path:
            return self._meeting_in(data) or (obj and self.meeting_of(obj))
        try:
            validate_time_zone(data.get("time_zone", ""))
        except ValidationError:
            return obj
        # The city names its zone ("Geneva time"), in each language typed in the form.
        cities = {column: data.get(column, "") for column in in_every_language("city")}
        return Meeting(time_zone=data["time_zone"], **cities)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        meeting = self.form_meeting(request, obj)
        for field in form.base_fields.values():
            if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
                field.help_text = (
                    meeting.local_time_name if meeting else gettext("The meeting's local time.")
                )
                _name_date_and_time(field)
        return form

    def changelist_time_zone(self, request):
        meeting = None
        if self.meeting_path:
            meeting = _by_key(Meeting, request.GET.get(f"{self.meeting_path}__id__exact"))
        return self._zone(meeting or Meeting.objects.current())

    @staticmethod
    def _zone(meeting):
        return meeting.tz if meeting else timezone.get_default_timezone()

    @staticmethod
    def _rendered(zone, view, *args, **kwargs):
        # A TemplateResponse renders after the view returns: render it inside the zone.
        with timezone.override(zone):
            response = view(*args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        return self._rendered(
            self._zone(self.form_meeting(request, obj)),
            super().changeform_view,
            request,
            object_id,
            form_url,
            extra_context,
        )

    def changelist_view(self, request, extra_context=None):
        return self._rendered(
            self.changelist_time_zone(request), super().changelist_view, request, extra_context
        )

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        zone = self._zone(obj and self.meeting_of(obj))
        return self._rendered(zone, super().history_view, request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        zone = self._zone(obj and self.meeting_of(obj))
        return self._rendered(
            zone, super().history_form_view, request, object_id, version_id, extra_context
        )

    def get_list_display(self, request):
        return [
            self._meeting_time_column(name) if name in self.meeting_time_fields else name
            for name in super().get_list_display(request)
        ]

    def _meeting_time_column(self, name):
        meeting_of = self.meeting_of

        @admin.display(description=self.model._meta.get_field(name).verbose_name, ordering=name)
        def column(obj):
            value, meeting = getattr(obj, name), meeting_of(obj)
            if value is None:
                return self.get_empty_value_display()
            return localize(value.astimezone(meeting.tz) if meeting else value)

        column.__name__ = name
        return column


class DelegationLockMixin:
    """A page that counts a delegation's seats validates and saves under the delegation's
    row lock, taken before any form is checked and held until the admin's transaction
    commits, so that a focal point saving at the same moment cannot take the same seat."""

    def delegations_to_lock(self, request, object_id):
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic(using=router.db_for_write(self.model)):
            if request.method == "POST":
                services.delegations_lock(pks=self.delegations_to_lock(request, object_id))
            return super().changeform_view(request, object_id, form_url, extra_context)


def _registration_url(token):
    return site_url(reverse("registration:register", args=[token]))


def _send_invitations(modeladmin, request, pairs):
    """E-mail each (delegation, token) its invitation; tell the user what happened.

    The delegation stays invited with its new link whatever the mail backend does. A
    link that was not e-mailed is shown here, once: only its digest is stored, so this is
    the secretariat's one chance to copy it and pass it on by other means.
    """
    sent, unsent = [], []
    for delegation, token in pairs:
        url = _registration_url(token)
        try:
            recipient = services.invitation_send(
                delegation=delegation, token=token, registration_url=url, by=request.user
            )
        except Exception as error:  # SMTP, socket, a misconfigured backend: whatever it raises
            logger.exception("Invitation to %s not sent", delegation)
            unsent.append(
                (
                    gettext(
                        "Could not e-mail the invitation to %(organization)s (%(error)s). It "
                        "is invited all the same: pass on its private link yourself, shown "
                        "here only once: %(url)s — or use “Send the invitation again” later."
                    )
                    % {
                        "organization": delegation.organization,
                        "error": str(error) or type(error).__name__,
                        "url": url,
                    },
                    messages.ERROR,
                )
            )
            continue
        if recipient:
            sent.append(delegation.organization)
        else:
            unsent.append(
                (
                    gettext(
                        "No e-mail address for %(organization)s. Pass on its private link "
                        "yourself, shown here only once: %(url)s — or enter a focal point "
                        "e-mail on the delegation and use “Send the invitation again”."
                    )
                    % {"organization": delegation.organization, "url": url},
                    messages.WARNING,
                )
            )
    if sent:
        modeladmin.message_user(
            request,
            ngettext(
                "Invitation e-mailed to %(count)d delegation.",
                "Invitations e-mailed to %(count)d delegations.",
                len(sent),
            )
            % {"count": len(sent)},
            messages.SUCCESS,
        )
    for message, level in unsent:
        modeladmin.message_user(request, message, level)


def _apply_each(modeladmin, request, objects, change, done_message):
    """Run ``change`` on each object; report how many went through and why others did not.

    ``done_message`` is an ``ngettext_lazy`` message numbered by "count".
    """
    done, errors = 0, []
    for obj in objects:
        try:
            change(obj)
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            done += 1
    if done:
        text = done_message % {"count": done}
        modeladmin.message_user(request, text, messages.SUCCESS)
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)


class InviteForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.all())


@admin.register(Meeting)
class MeetingAdmin(MeetingTimeZoneMixin, SafeAutocompleteMixin, TranslationAdmin, HistoryAdmin):
    meeting_path = ""
    meeting_time_fields = ["registration_deadline"]
    # Five columns fit beside the navigation and the filters at 1280 px; the venue is
    # on the meeting's page and found by the search.
    list_display = ["short_title", "dates", "registration_deadline", "is_current", "is_published"]
    list_filter = ["is_published", "is_current"]
    search_fields = in_every_language("title", "short_title", "venue")
    prepopulated_fields = {"slug": ["short_title"]}
    autocomplete_fields = ["convener"]
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["title", "short_title", "slug", "ordinal", "theme", "convener"]}),
        (
            _("Where and when"),
            {"fields": ["venue", "city", "start_date", "end_date", "time_zone"]},
        ),
        (
            _("Registration and publication"),
            {
                "fields": [
                    "registration_deadline",
                    "seats_per_delegation",
                    "is_published",
                    "is_current",
                ]
            },
        ),
        (_("Documents and background"), {"fields": ["paper", "background"]}),
    ]
    actions = ["make_current"]

    @admin.display(description=_("dates"), ordering="start_date")
    def dates(self, obj):
        start, end = (date_format(day, "j M Y") for day in (obj.start_date, obj.end_date))
        return start if start == end else format_html("{} –<br>{}", start, end)

    def view_on_site(self, obj):
        # An unpublished meeting has no public page yet: it would answer 404.
        return obj.get_absolute_url() if obj.is_published else None

    @admin.action(description=_("Make this the current meeting"), permissions=["change"])
    def make_current(self, request, queryset):
        """One meeting only: the site and the desk serve one current meeting at a time."""
        meetings = list(queryset[:2])
        if len(meetings) != 1:
            self.message_user(
                request,
                gettext("Select exactly one meeting to make it the current meeting."),
                messages.ERROR,
            )
            return
        meeting = meetings[0]
        was_published = meeting.is_published
        try:
            services.meeting_make_current(meeting=meeting, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        if was_published:
            text = gettext(
                "%(meeting)s is now the current meeting: the public site's home page and the "
                "registration desk show it."
            )
        else:
            text = gettext(
                "%(meeting)s is now the current meeting, and it has been published: the public "
                "site's home page and the registration desk show it."
            )
        self.message_user(request, text % {"meeting": meeting}, messages.SUCCESS)


class LabelledRowsFormSet:
    """Names each input of an inline row after its column (the delete box included).

    Django's tabular template writes each field's label once, in the column's header,
    which no input is tied to: a screen reader meets a row of unnamed inputs (axe "label",
    "select-name").
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if field.widget.is_hidden or not field.label:
                continue
            # A foreign key's select is wrapped (the add and change links) in a widget
            # that renders the inner one with the inner one's own attributes.
            for widget in (field.widget, getattr(field.widget, "widget", None)):
                if widget is not None:
                    widget.attrs.setdefault("aria-label", capfirst(field.label))


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose every input is named by its column."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (LabelledRowsFormSet, formset), {})


class OfficialInline(LabelledTabularInline):
    """The organization's officials as a short table that fits 1280 px; their country and
    telephone are on each official's own page (the change link)."""

    model = Official
    fields = ["honorific", "given_name", "family_name", "position", "email"]
    extra = 0
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(FoldedSearchMixin, TranslationAdmin, HistoryAdmin):
    list_display = ["name", "acronym", "kind", "headquarters", "presiding_order", "official_count"]
    list_filter = ["kind"]
    search_fields = [*in_every_language("name"), "acronym", "headquarters"]
    folded_search_fields = ["sort_name"]
    inlines = [OfficialInline]
    # "name" stands for its six columns, English first (modeltranslation): an empty one
    # shows the English name in that language.
    fieldsets = [
        (None, {"fields": ["name", "acronym", "kind", "headquarters", "sort_name"]}),
    ]

    actions = ["invite"]

    @admin.action(description=_("Invite to a meeting…"), permissions=["invite"])
    def invite(self, request, queryset):
        """Choose the meeting on an intermediate page, then invite every organization."""
        form = InviteForm(
            request.POST if "apply" in request.POST else None,
            initial={"meeting": Meeting.objects.current()},
        )
        if form.is_valid():
            meeting = form.cleaned_data["meeting"]
            if meeting.is_over:
                self.message_user(
                    request,
                    gettext(
                        "%(meeting)s ended on %(date)s: the links open the registration "
                        "read-only; credentials can still be sent."
                    )
                    % {"meeting": meeting, "date": date_format(meeting.end_date, "j F Y")},
                    messages.WARNING,
                )
            elif meeting.registration_closed:
                self.message_user(
                    request,
                    gettext(
                        "Registration for %(meeting)s closed on %(deadline)s: the links open "
                        "the registration read-only. Move the deadline on the meeting first."
                    )
                    % {"meeting": meeting, "deadline": services.deadline_display(meeting)},
                    messages.WARNING,
                )
            pairs = [
                services.delegation_invite(
                    meeting=meeting,
                    organization=organization,
                    by=request.user,
                )
                for organization in queryset
            ]
            _send_invitations(self, request, pairs)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Invite organizations to a meeting"),
            "opts": self.model._meta,
            "organizations": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "delegations/admin/invite.html", context)

    def has_invite_permission(self, request):
        return request.user.has_perms(
            ["delegations.add_delegation", "delegations.change_delegation"]
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_official_count=Count("officials"))

    @admin.display(description=_("officials"), ordering="_official_count")
    def official_count(self, obj):
        return obj._official_count


@admin.register(Official)
class OfficialAdmin(SafeAutocompleteMixin, FoldedSearchMixin, TranslationAdmin, HistoryAdmin):
    list_display = ["full_name", "organization", "position", "country"]
    list_filter = ["organization__kind", "organization"]
    list_select_related = ["organization"]
    search_fields = [
        "given_name",
        "family_name",
        *in_every_language("position", "organization__name"),
        "organization__acronym",
    ]
    folded_search_fields = ["sort_key"]
    autocomplete_fields = ["organization"]
    fields = [
        "organization",
        "honorific",
        "given_name",
        "family_name",
        "position",
        "country",
        "email",
        "phone",
    ]

    @admin.display(description=_("name"), ordering="sort_key")
    def full_name(self, obj):
        return obj.full_name


class ParticipantInline(SafeAutocompleteMixin, LabelledTabularInline):
    """Who is on the list, in what role, with which badge: a table that fits 1280 px. What
    a participant "represents" and their special requirements are on the participant's own
    page (the change link)."""

    model = Participant
    formset = ParticipantFormSet
    fields = ["official", "role", "badge_number", "status"]
    # Statuses move through the actions (accredit, cancel), which record the transition.
    readonly_fields = ["status"]
    autocomplete_fields = ["official"]
    extra = 0
    show_change_link = True


# What the admin says about a delegation's credentials is Delegation.credentials_state, as
# on the desk and in the report on credentials. A delegation's status says nothing about
# it: "Accredited" means the secretariat accepted its list of participants and badged them,
# with or without credentials yet.
class CredentialsStateFilter(admin.SimpleListFilter):
    """Which delegations lack credentials, or have them waiting for verification."""

    title = _("credentials")
    parameter_name = "credentials"

    def lookups(self, request, model_admin):
        return Delegation.CredentialsState.choices

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(credentials__isnull=True)
        if self.value() == "received":
            return queryset.filter(credentials__verified=False)
        if self.value() == "verified":
            return queryset.filter(credentials__verified=True)
        return queryset


@admin.register(Credentials)
class CredentialsAdmin(MeetingTimeZoneMixin, HistoryAdmin):
    """The secretariat checks credentials here; files come from the focal points' links.

    The file is never linked by its storage URL (private files have none): the download
    link goes through the view that checks the secretariat's permission.
    """

    meeting_path = "delegation__meeting"
    meeting_time_fields = ["verified_at"]
    list_display = ["delegation", "received", "verified", "verified_at", "verified_by", "download"]
    list_filter = ["delegation__meeting", "verified"]
    list_select_related = ["delegation__organization", "delegation__meeting", "verified_by"]
    search_fields = [
        *in_every_language("delegation__organization__name"),
        "delegation__organization__acronym",
    ]
    fields = [
        "delegation",
        "download",
        "original_name",
        "content_type",
        "size",
        "received",
        "uploaded_at",
        "verified",
        "verified_at",
        "verified_by",
    ]
    readonly_fields = fields
    actions = ["mark_verified"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Only the "mark verified" action changes credentials; the page itself is read only.
        return request.user.has_perm("delegations.change_credentials") and obj is None

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("desk:credentials_file", args=[obj.pk]),
            obj.original_name or gettext("download"),
        )

    @admin.action(description=_("Mark the credentials verified"), permissions=["change"])
    def mark_verified(self, request, queryset):
        done = sum(
            services.credentials_verify(credentials=credentials, by=request.user)[1]
            for credentials in queryset
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d delegation's credentials marked verified.",
                "%(count)d delegations' credentials marked verified.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(Delegation)
class DelegationAdmin(
    DelegationLockMixin,
    MeetingTimeZoneMixin,
    SafeAutocompleteMixin,
    FoldedSearchMixin,
    TranslationAdmin,
    HistoryAdmin,
):
    # Six columns fit beside the navigation and the filters at 1280 px: the meeting goes
    # under the organization, participants and seats share one, and when the invitation
    # was sent is on the delegation's page.
    list_display = [
        "delegation",
        "status",
        "participant_count",
        "link_status",
        "credentials_state",
        "protocol_order",
    ]
    list_filter = ["meeting", "status", "organization__kind", CredentialsStateFilter]
    list_select_related = ["organization", "meeting", "credentials"]
    search_fields = [
        *in_every_language("organization__name"),
        "organization__acronym",
        "focal_point_name",
    ]
    folded_search_fields = ["organization__sort_name"]
    autocomplete_fields = ["meeting", "organization"]
    inlines = [ParticipantInline]
    readonly_fields = [
        "status",
        "credentials_state",
        "link_status",
        "link_issued_at",
        "link_revoked_at",
        "invitation_sent_at",
        "registered_at",
        "version",
    ]
    history_list_display = ["status", "version"]
    actions = ["send_invitation", "revoke_link", "accredit", "withdraw"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "meeting",
                    "organization",
                    "status",
                    "credentials_state",
                    "representing",
                ],
                "description": _(
                    "Accredited: the secretariat accepted the delegation's list of "
                    "participants and issued their badges. It says nothing about "
                    "credentials: the credentials line says whether they are missing, "
                    "received or verified, as the desk's report on credentials does."
                ),
            },
        ),
        (_("Seats and protocol"), {"fields": ["seats_allowed", "protocol_order"]}),
        (
            _("Focal point"),
            {
                "fields": [
                    "focal_point_name",
                    "focal_point_email",
                    "focal_point_phone",
                ]
            },
        ),
        (
            _("Registration link"),
            {
                "fields": [
                    "link_status",
                    "link_issued_at",
                    "link_revoked_at",
                    "invitation_sent_at",
                    "registered_at",
                    "version",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _participant_count=Count(
                    "participants", filter=~Q(participants__status=Participant.Status.CANCELLED)
                )
            )
        )

    @admin.display(description=_("delegation"), ordering="organization__sort_name")
    def delegation(self, obj):
        return format_html('{}<span class="list-detail">{}</span>', obj.organization, obj.meeting)

    @admin.display(description=_("participants"), ordering="_participant_count")
    def participant_count(self, obj):
        return gettext("%(count)d of %(seats)d") % {
            "count": obj._participant_count,
            "seats": obj.seats,
        }

    @admin.display(description=_("credentials"))
    def credentials_state(self, obj):
        return obj.credentials_state.label

    @admin.display(description=_("registration link"))
    def link_status(self, obj):
        if obj.link_active:
            return gettext("active")
        if obj.link_revoked_at:
            return gettext("revoked")
        return gettext("none")

    def delegations_to_lock(self, request, object_id):
        return [object_id] if object_id else []

    def save_model(self, request, obj, form, change):
        services.delegation_save(delegation=obj, by=request.user)

    @admin.action(
        description=_("Send the invitation again (with a new link)"), permissions=["change"]
    )
    def send_invitation(self, request, queryset):
        # Inviting again also brings back a delegation that declined or was withdrawn.
        pairs = [
            services.delegation_invite(
                meeting=delegation.meeting, organization=delegation.organization, by=request.user
            )
            for delegation in queryset.select_related("meeting", "organization")
        ]
        _send_invitations(self, request, pairs)

    @admin.action(description=_("Revoke the registration link"), permissions=["change"])
    def revoke_link(self, request, queryset):
        done = sum(
            services.link_revoke(delegation=delegation, by=request.user) for delegation in queryset
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d registration link revoked.",
                "%(count)d registration links revoked.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Accredit the delegations and their nominated participants"),
        permissions=["change"],
    )
    def accredit(self, request, queryset):
        self._each(
            request,
            queryset,
            services.delegation_accredit,
            ngettext_lazy(
                "%(count)d delegation accredited.", "%(count)d delegations accredited.", "count"
            ),
        )

    @admin.action(description=_("Withdraw the delegations"), permissions=["change"])
    def withdraw(self, request, queryset):
        self._each(
            request,
            queryset,
            services.delegation_withdraw,
            ngettext_lazy(
                "%(count)d delegation withdrawn.", "%(count)d delegations withdrawn.", "count"
            ),
        )

    def _each(self, request, queryset, service, done_message):
        _apply_each(
            self,
            request,
            queryset.select_related("meeting", "organization"),
            lambda delegation: service(delegation=delegation, by=request.user),
            done_message,
        )


@admin.register(Participant)
class ParticipantAdmin(
    DelegationLockMixin, SafeAutocompleteMixin, FoldedSearchMixin, TranslationAdmin, HistoryAdmin
):
    form = ParticipantAdminForm
    list_display = ["official", "delegation", "role", "status", "badge_number"]
    list_filter = ["delegation__meeting", "role", "status"]
    list_select_related = ["official", "delegation__organization", "delegation__meeting"]
    search_fields = [
        "official__given_name",
        "official__family_name",
        "badge_number",
        *in_every_language("delegation__organization__name"),
        "delegation__organization__acronym",
    ]
    folded_search_fields = ["official__sort_key"]
    autocomplete_fields = ["delegation", "official"]
    readonly_fields = ["status"]
    history_list_display = ["status", "role"]
    actions = ["accredit", "cancel"]

    def delegations_to_lock(self, request, object_id):
        pks = [request.POST.get("delegation", "")]
        number = str(object_id or "")
        if number.isascii() and number.isdigit() and int(number) < 2**63:
            pks += Participant.objects.filter(pk=number).values_list("delegation_id", flat=True)
        return pks

    def save_model(self, request, obj, form, change):
        services.participant_save(participant=obj, by=request.user)

    @admin.action(description=_("Accredit the participants"), permissions=["change"])
    def accredit(self, request, queryset):
        self._each(
            request,
            queryset,
            services.participant_accredit,
            ngettext_lazy(
                "%(count)d participant accredited.", "%(count)d participants accredited.", "count"
            ),
        )

    @admin.action(description=_("Cancel the participants"), permissions=["change"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            services.participant_cancel,
            ngettext_lazy(
                "%(count)d participant cancelled.", "%(count)d participants cancelled.", "count"
            ),
        )

    def _each(self, request, queryset, service, done_message):
        _apply_each(
            self,
            request,
            queryset,
            lambda participant: service(participant=participant, by=request.user),
            done_message,
        )
