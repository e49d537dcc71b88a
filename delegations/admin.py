from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .forms import ParticipantFormSet
from .models import Delegation, Meeting, Official, Organization, Participant, fold


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


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["short_title", "start_date", "end_date", "venue", "is_current", "is_published"]
    list_filter = ["is_published", "is_current"]
    search_fields = ["title", "short_title", "venue"]
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
    ]


class OfficialInline(admin.TabularInline):
    model = Official
    fields = ["honorific", "given_name", "family_name", "position", "country", "email", "phone"]
    extra = 0
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "headquarters", "official_count"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "headquarters"]
    folded_search_fields = ["sort_name"]
    inlines = [OfficialInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_official_count=Count("officials"))

    @admin.display(description=_("officials"), ordering="_official_count")
    def official_count(self, obj):
        return obj._official_count


@admin.register(Official)
class OfficialAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["full_name", "organization", "position", "country"]
    list_filter = ["organization__kind", "organization"]
    list_select_related = ["organization"]
    search_fields = [
        "given_name",
        "family_name",
        "position",
        "organization__name",
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


class ParticipantInline(admin.TabularInline):
    model = Participant
    formset = ParticipantFormSet
    fields = ["official", "role", "representing", "badge_number", "status", "special_requirements"]
    autocomplete_fields = ["official"]
    extra = 0


@admin.register(Delegation)
class DelegationAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = [
        "organization",
        "meeting",
        "status",
        "seats",
        "participant_count",
        "protocol_order",
    ]
    list_filter = ["meeting", "status", "organization__kind"]
    list_select_related = ["organization", "meeting"]
    search_fields = ["organization__name", "organization__acronym", "focal_point_name"]
    folded_search_fields = ["organization__sort_name"]
    autocomplete_fields = ["meeting", "organization"]
    inlines = [ParticipantInline]
    fieldsets = [
        (None, {"fields": ["meeting", "organization", "status", "representing"]}),
        (_("Seats and protocol"), {"fields": ["seats_allowed", "protocol_order"]}),
        (
            _("Focal point and credentials"),
            {
                "fields": [
                    "focal_point_name",
                    "focal_point_email",
                    "focal_point_phone",
                    "credentials_received",
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

    @admin.display(description=_("participants"), ordering="_participant_count")
    def participant_count(self, obj):
        return obj._participant_count


@admin.register(Participant)
class ParticipantAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["official", "delegation", "role", "status", "badge_number"]
    list_filter = ["delegation__meeting", "role", "status"]
    list_select_related = ["official", "delegation__organization", "delegation__meeting"]
    search_fields = [
        "official__given_name",
        "official__family_name",
        "badge_number",
        "delegation__organization__name",
        "delegation__organization__acronym",
    ]
    folded_search_fields = ["official__sort_key"]
    autocomplete_fields = ["delegation", "official"]
