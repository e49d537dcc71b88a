"""The register (organizations, officials) and who takes part in which meeting."""

import datetime
import hashlib
import os
import unicodedata
import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetingsite.dates import zone_city


def fold(text):
    """Case- and accent-insensitive form of ``text``: "Höynck" and "HOYNCK" both give "hoynck".

    Used for sort keys and for searching, so that the same rule holds on SQLite and
    PostgreSQL without database extensions.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def translation_languages():
    """The languages the meeting's own words are kept in, English first."""
    return settings.MODELTRANSLATION_LANGUAGES


def column(field, language):
    """The column holding ``field`` in ``language``: ``title_zh_hans`` for "zh-hans"."""
    return f"{field}_{language.replace('-', '_')}"


def language_order(language_code=None):
    """The languages whose text a reader of ``language_code`` is shown, the first one that
    has the text winning: that language, then English, then the others (as
    settings.MODELTRANSLATION_FALLBACK_LANGUAGES say). A language the meeting's words are
    not kept in reads English first."""
    code = (language_code or settings.LANGUAGE_CODE).lower()
    languages = translation_languages()
    wanted = code if code in languages else code.split("-")[0]
    return [*((wanted,) if wanted in languages else ()), *(x for x in languages if x != wanted)]


def first_translation(values):
    """The first of ``values`` ((language, text) pairs, in ``language_order``) whose text
    is not blank: ``(text, language)``, or ``("", None)`` when none has one."""
    for language, value in values:
        if value is not None and str(value).strip():
            return value, language
    return "", None


class Translated:
    """Reads one translated field from ``values()`` rows in a reader's language order
    (``language_order``): ``pick(row)`` gives ``(text, language)`` as ``translated_value``
    does for a model instance; ``prefix`` leads from the queried model to the field's."""

    def __init__(self, field, order, prefix=""):
        self.columns = [(language, prefix + column(field, language)) for language in order]

    def names(self):
        return [name for _language, name in self.columns]

    def pick(self, row):
        return first_translation((language, row[name]) for language, name in self.columns)


def translated_value(instance, field, language_code):
    """``instance``'s ``field`` as shown to a reader of ``language_code``, and the
    language it is in: that language's text, or else English, or else the first other
    language that has one (blank text counts as none).

    Returns ``(text, language)``; ``language`` is None when no language has the text.
    """
    return first_translation(
        (lang, getattr(instance, column(field, lang), None))
        for lang in language_order(language_code)
    )


def lang_attribute(shown, page=None):
    """`` lang="…"`` naming ``shown``, the language a text is shown in, when it is not the
    page's language (``page``, by default the active one), else nothing."""
    page = (page or get_language() or settings.LANGUAGE_CODE).lower()
    if shown is None or shown in (page, page.split("-")[0]):
        return ""
    return format_html(' lang="{}"', shown)


def lang_attr(instance, field):
    """`` lang="en"`` when the page shows ``instance``'s ``field`` in another language than
    the page's own, else nothing: put it inside the element that holds the value, so that
    screen readers and fonts switch for that text alone.

    ``<h1{{ session|lang_attr:"title" }}>{{ session.title }}</h1>`` gives
    ``<h1 lang="en">Lunch break</h1>`` on a French page while the session's French title is
    empty, and ``<h1>Pause déjeuner</h1>`` once it is filled. The language named is the
    one whose text is shown: English first, else the first other language that has the
    text (settings.MODELTRANSLATION_FALLBACK_LANGUAGES). For a field of a translated model
    (delegations/translation.py, agenda/translation.py); it reads the loaded columns and
    makes no query.
    """
    if instance is None:
        return ""
    page = (get_language() or settings.LANGUAGE_CODE).lower()
    _text, shown = translated_value(instance, field, page)
    return lang_attribute(shown, page)


@cache
def _time_zones():
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in _time_zones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (for example America/New_York)."),
            code="invalid_time_zone",
            params={"value": value},
        )


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def current(self):
        """The meeting the public site serves at its bare URLs, or None."""
        return self.filter(is_current=True).first()


class Meeting(models.Model):
    class Paper(models.TextChoices):
        LETTER = "letter", _("US Letter")
        A4 = "a4", _("A4")

    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    ordinal = models.PositiveSmallIntegerField(
        _("ordinal"), null=True, blank=True, help_text=_("2 for the second meeting of a series.")
    )
    theme = models.TextField(_("theme"), blank=True)
    convener = models.ForeignKey(
        "Official",
        verbose_name=_("convener"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="convened_meetings",
    )
    venue = models.CharField(_("venue"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text=_("IANA name, for example America/New_York."),
    )
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    seats_per_delegation = models.PositiveSmallIntegerField(
        _("seats per delegation"),
        default=5,
        help_text=_("Participants allowed per delegation unless the delegation says otherwise."),
    )
    paper = models.CharField(
        _("paper"),
        max_length=10,
        choices=Paper.choices,
        default=Paper.LETTER,
        help_text=_(
            "The paper the meeting's documents print on; the desk can still choose the other."
        ),
    )
    background = models.TextField(
        _("background"),
        blank=True,
        help_text=_(
            "The background page for delegates, in Markdown: ## for a heading, - or 1. for "
            "a list, > for a quotation, *emphasis*, [a link](https://…). Left empty, the site "
            "has no background page."
        ),
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_(
            "The meeting the public site shows at its home page. Only one can be current."
        ),
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="meeting_ends_on_or_after_start",
                violation_error_message=_("The meeting cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(seats_per_delegation__gte=1),
                name="meeting_seats_at_least_one",
                violation_error_message=_("A delegation needs at least one seat."),
            ),
            models.CheckConstraint(
                condition=Q(paper__in=["letter", "a4"]),
                name="meeting_paper_known",
                violation_error_message=_("Documents print on US Letter or A4 paper."),
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_meeting",
                violation_error_message=_("Another meeting is already marked current."),
            ),
        ]

    def __str__(self):
        return f"{self.short_title} ({self.start_date:%Y})"

    def get_absolute_url(self):
        """The meeting's public page (the admin's "View on site"); by name, so that
        ``delegations`` imports nothing of ``agenda``, which serves it."""
        return reverse("agenda:meeting_home", args=[self.slug])

    def clean(self):
        super().clean()
        if (
            self.registration_deadline is not None
            and self.end_date is not None
            and self.time_zone in _time_zones()
            and timezone.localdate(self.registration_deadline, self.tz) > self.end_date
        ):
            raise ValidationError(
                {
                    "registration_deadline": ValidationError(
                        _(
                            "The registration deadline must fall on or before the meeting's "
                            "last day, %(end)s (%(time_zone)s)."
                        ),
                        code="deadline_after_meeting",
                        params={
                            "end": date_format(self.end_date, "j F Y"),
                            "time_zone": self.time_zone,
                        },
                    )
                }
            )

    @property
    def is_over(self):
        """True once the meeting's last day has ended in its own time zone."""
        return timezone.localdate(timezone.now(), self.tz) > self.end_date

    @property
    def registration_closed(self):
        """True once the registration deadline has passed, or once the meeting is over."""
        return self.is_over or (
            self.registration_deadline is not None and timezone.now() >= self.registration_deadline
        )

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def zone_label(self):
        """The place its clocks are named after, in the reader's language: the meeting's
        city ("Geneva" for Europe/Zurich, as translated for the meeting), or CLDR's name of
        the time zone's city ("نيويورك", "纽约") when the city is empty or is that very
        city untranslated ("New York" for America/New_York)."""
        city = self.city.strip()
        if not city or city == zone_city(self.time_zone, "en"):
            return zone_city(self.time_zone) or city
        return city

    @property
    def local_time_name(self):
        """ "Geneva time", in the active language: what pages, documents and e-mails print
        beside a time of the meeting."""
        return gettext("%(city)s time") % {"city": self.zone_label}

    @property
    def days(self):
        """Every date from start to end, inclusive."""
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=n) for n in range(count)]


class Organization(models.Model):
    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional organization")
        UN = "un", _("United Nations organ or office")
        STATE = "state", _("Member State")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGIONAL)
    headquarters = models.CharField(_("headquarters"), max_length=120, blank=True)
    sort_name = models.CharField(
        _("protocol sort name"),
        max_length=200,
        blank=True,
        help_text=_("How the name sorts in protocol order; left empty, the name itself."),
    )
    presiding_order = models.PositiveSmallIntegerField(
        _("presiding officer"),
        null=True,
        blank=True,
        help_text=_(
            "For the offices of the presiding officers only: their place at the head of the "
            "table, 1 for the Secretary-General, 2 for the President of the General Assembly, "
            "3 for the President of the Security Council. Left empty, the organization sits "
            "in alphabetical order from the name drawn by lot."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        if not self.sort_name.strip():
            # Protocol order is English alphabetical order, whatever the editor's language.
            self.sort_name = fold(self.name_en or self.name)
        super().save(*args, **kwargs)

    def name_in(self, language_code):
        """The official name in the given language (``name_fr`` … ``name_ar``, kept by
        modeltranslation), falling back to the English name, then to any other."""
        return translated_value(self, "name", language_code)[0] or self.name

    @property
    def display_name(self):
        """The name in the language of the page being rendered."""
        return self.name_in(get_language() or settings.LANGUAGE_CODE)


class Official(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="officials",
    )
    honorific = models.CharField(
        _("honorific"), max_length=40, blank=True, help_text=_("H.E. Mr., Chief, Dr …")
    )
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    position = models.CharField(_("position"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Never shown publicly."))
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("Never shown publicly.")
    )
    sort_key = models.CharField(
        _("sort key"),
        max_length=220,
        editable=False,
        db_index=True,
        help_text=_("Family then given name without accents or case, so Höynck sorts as Hoynck."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_key", "pk"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_key = fold(f"{self.family_name} {self.given_name}")
        super().save(*args, **kwargs)

    @property
    def name(self):
        """Given and family name, without honorific."""
        return given_and_family(self.given_name, self.family_name)

    @property
    def full_name(self):
        """Honorific and name in the active language: "H.E. Mr. Ajit Singh", "S. E. M. Ajit
        Singh"; Chinese writes the honorific after the name ("Ajit Singh先生阁下")."""
        honorific, language = translated_value(self, "honorific", get_language())
        return official_name(honorific, language, self.given_name, self.family_name)


def given_and_family(given_name, family_name):
    """An official's name without honorific, as ``Official.name`` shows it."""
    return " ".join(part for part in (given_name, family_name) if part)


def official_name(honorific, honorific_language, given_name, family_name):
    """An official's honorific and name as ``Official.full_name`` shows them, from its
    parts: the honorific in ``honorific_language`` (as ``translated_value`` gives it)."""
    name = given_and_family(given_name, family_name)
    if honorific and honorific_language == "zh-hans":
        return f"{name}{honorific}"
    return " ".join(part for part in (honorific, name) if part)


def token_digest(token):
    """The stored form of a registration token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


class DelegationQuerySet(models.QuerySet):
    def in_protocol_order(self):
        return self.order_by(F("protocol_order").asc(nulls_last=True), "organization__sort_name")

    def for_list(self):
        """Delegations in protocol order, with their organization and listed participants
        (cancelled ones left out, head first) loaded."""
        return (
            self.select_related("organization", "meeting")
            .prefetch_related(
                models.Prefetch("participants", queryset=Participant.objects.listed())
            )
            .in_protocol_order()
        )

    def with_heads(self):
        """Delegations in protocol order with only their head of delegation loaded, as
        ``heads`` (a list of at most one): the public list needs no one else."""
        heads = Participant.objects.listed().filter(role=Participant.Role.HEAD)
        return (
            self.select_related("organization")
            .prefetch_related(models.Prefetch("participants", queryset=heads, to_attr="heads"))
            .in_protocol_order()
        )

    def active(self):
        """Delegations taking part: not declined or withdrawn."""
        return self.exclude(status__in=Delegation.INACTIVE_STATUSES)

    def for_token(self, token):
        """The delegation a private registration link opens, or None.

        Looked up by the token's digest, the only form stored; absurdly long tokens are
        refused before hashing.
        """
        if not token or len(token) > 100:
            return None
        return (
            self.select_related("meeting", "organization")
            .filter(token_digest=token_digest(token))
            .first()
        )


class Delegation(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REGISTERED = "registered", _("Registered")
        ACCREDITED = "accredited", _("Accredited")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    INACTIVE_STATUSES = (Status.DECLINED, Status.WITHDRAWN)

    class CredentialsState(models.TextChoices):
        """What the credentials record says; "accredited" says nothing about credentials."""

        MISSING = "missing", _("Missing")
        RECEIVED = "received", _("Received, not verified")
        VERIFIED = "verified", _("Verified")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="delegations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    seats_allowed = models.PositiveSmallIntegerField(
        _("seats allowed"),
        null=True,
        blank=True,
        help_text=_("Left empty, the meeting's seats per delegation."),
    )
    representing = models.TextField(
        _("representing"),
        blank=True,
        help_text=_("For example “the presidency of the European Union”."),
    )
    protocol_order = models.PositiveIntegerField(
        _("protocol order"),
        null=True,
        blank=True,
        help_text=_("Position in lists of participants; left empty, alphabetical order."),
    )
    focal_point_name = models.CharField(_("focal point"), max_length=200, blank=True)
    focal_point_email = models.EmailField(_("focal point e-mail"), blank=True)
    focal_point_phone = models.CharField(_("focal point phone"), max_length=40, blank=True)
    # The private registration link: only a SHA-256 digest of its token is stored, so a
    # copy of the database does not hand out working links. See services.link_issue().
    token_digest = models.CharField(
        _("registration link digest"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    link_issued_at = models.DateTimeField(_("link issued"), null=True, blank=True, editable=False)
    link_revoked_at = models.DateTimeField(
        _("link revoked"), null=True, blank=True, editable=False
    )
    invitation_sent_at = models.DateTimeField(
        _("invitation sent"), null=True, blank=True, editable=False
    )
    registered_at = models.DateTimeField(
        _("last registered"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_(
            "Raised by every change, so that concurrent edits of a registration are caught."
        ),
    )

    objects = DelegationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["token_digest"])

    class Meta:
        ordering = ["meeting", F("protocol_order").asc(nulls_last=True), "organization__sort_name"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"],
                name="one_delegation_per_organization_per_meeting",
                violation_error_message=_(
                    "This organization already has a delegation to this meeting."
                ),
            ),
            models.CheckConstraint(
                condition=Q(seats_allowed__isnull=True) | Q(seats_allowed__gte=1),
                name="delegation_seats_at_least_one",
                violation_error_message=_("A delegation needs at least one seat."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.meeting}"

    @property
    def seats(self):
        """Seats this delegation may fill."""
        return self.seats_allowed or self.meeting.seats_per_delegation

    @property
    def credentials_record(self):
        """The delegation's Credentials, or None while none have been sent."""
        try:
            return self.credentials
        except Credentials.DoesNotExist:
            return None

    @property
    def credentials_state(self):
        """The one reading of the credentials record, for the admin, the desk and paper
        alike (load ``credentials`` with select_related to spare a query)."""
        credentials = self.credentials_record
        if credentials is None:
            return self.CredentialsState.MISSING
        if credentials.verified:
            return self.CredentialsState.VERIFIED
        return self.CredentialsState.RECEIVED

    @property
    def is_active(self):
        """Taking part in the meeting: neither declined nor withdrawn."""
        return self.status not in self.INACTIVE_STATUSES

    @property
    def link_active(self):
        return bool(self.token_digest) and self.link_revoked_at is None


def roster_errors(*, seats, roles, require_head=True):
    """The rules over a delegation's whole list of participants, given by their roles
    (cancelled ones left out): one head of delegation, no more people than seats.

    The registration form, the admin and the registration service all check a list here;
    ``Participant.clean`` checks each saved row against the database as well.
    """
    errors = []
    heads = sum(role == Participant.Role.HEAD for role in roles)
    if heads > 1:
        errors.append(
            ValidationError(
                gettext("A delegation has one head of delegation; %(count)d are marked.")
                % {"count": heads},
                code="one_head",
            )
        )
    elif require_head and roles and not heads:
        errors.append(
            ValidationError(
                gettext("Mark one participant as head of delegation."), code="one_head"
            )
        )
    if len(roles) > seats:
        errors.append(
            ValidationError(
                ngettext(
                    "The delegation has %(seats)d seat; %(count)d participants are listed. "
                    "Remove %(extra)d.",
                    "The delegation has %(seats)d seats; %(count)d participants are listed. "
                    "Remove %(extra)d.",
                    seats,
                )
                % {"seats": seats, "count": len(roles), "extra": len(roles) - seats},
                code="no_seat_left",
            )
        )
    return errors


def protocol_order(path=""):
    """The order of the list of participants, for ``order_by``: delegations in protocol
    order, head of delegation first (``path`` leads from the queried model to a participant)."""
    return (
        F(f"{path}delegation__protocol_order").asc(nulls_last=True),
        f"{path}delegation__organization__sort_name",
        f"{path}delegation__organization__name",
        f"{path}role_order",
        f"{path}official__sort_key",
        f"{path}pk",
    )


class ParticipantQuerySet(models.QuerySet):
    def listed(self):
        """Participants not cancelled, head first, with their officials loaded."""
        return (
            self.exclude(status=Participant.Status.CANCELLED)
            .select_related("official")
            .order_by("role_order", "official__sort_key")
        )

    def expected(self, meeting):
        """Everyone expected at the meeting's sessions, in protocol order, head of delegation
        first. Cancelled participants and the delegations that declined or withdrew are left
        out."""
        return (
            self.filter(delegation__meeting=meeting)
            .exclude(status=Participant.Status.CANCELLED)
            .exclude(delegation__status__in=Delegation.INACTIVE_STATUSES)
            .select_related("official", "delegation__organization")
            .order_by(*protocol_order())
        )

    def search(self, query):
        """Participants matching every word of ``query`` in their name, organization or badge
        number, whatever the accents and case ("hoynck" finds Höynck)."""
        return self.matching(fold(query).split())

    def matching(self, words):
        """Participants matching every one of ``words`` (folded, as ``search`` folds them).

        Each word enters the SQL as one parameter, unchanged: a ``Value``, whose LIKE
        patterns the database escapes and wraps. So a query of as many words compiles
        to the same SQL with only those parameters changed, which lets the desk compile
        its search once (agenda.desk.found_people)."""
        participants = self
        for word in words:
            participants = participants.filter(pk__in=_found_by(Value(word)))
        return participants


def _found_by(word):
    """The ids of the participants (of any meeting) that one folded search word (a
    ``Value``) finds: by name, by organization, or by badge number, as a union of three
    lookups that each an index serves (the names' trigram index on PostgreSQL, migration
    0005; the participants' foreign keys; the badge numbers' upper-case index). The
    query that uses it starts from these few ids: an OR of the three over every
    participant made both databases test all 5,000 of a large meeting (PostgreSQL,
    misjudging how many match, also hashed every official).

    The acronym and the badge number match whole, in any case, as ``iexact`` would, but
    written as the badge numbers' index is made (participant_badge_upper): SQLite writes
    iexact as a LIKE, which no index serves, and read every participant."""
    officials = Official.objects.filter(sort_key__contains=word).values("pk")
    organizations = Organization.objects.filter(
        Q(sort_name__icontains=word)
        | Q(name__icontains=word)
        | Q(Exact(Upper("acronym"), Upper(word)))
    ).values("pk")
    ids = Participant.objects.order_by().values("pk")
    return ids.filter(official__in=officials).union(
        ids.filter(delegation__organization__in=organizations),
        ids.filter(Exact(Upper("badge_number"), Upper(word))),
    )


class Participant(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        ALTERNATE = "alternate", _("Alternate")
        ADVISER = "adviser", _("Adviser")
        OBSERVER = "observer", _("Observer")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        ACCREDITED = "accredited", _("Accredited")
        CANCELLED = "cancelled", _("Cancelled")

    ROLE_ORDER = {Role.HEAD: 0, Role.ALTERNATE: 1, Role.ADVISER: 2, Role.OBSERVER: 3}

    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    official = models.ForeignKey(
        Official,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ADVISER)
    role_order = models.PositiveSmallIntegerField(editable=False, default=2)
    representing = models.CharField(_("representing"), max_length=300, blank=True)
    badge_number = models.CharField(_("badge number"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED
    )
    special_requirements = models.TextField(
        _("special requirements"), blank=True, help_text=_("Access, dietary or other needs.")
    )

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["delegation", "role_order", "official__sort_key"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "official"],
                name="official_once_per_delegation",
                violation_error_message=_("This official is already in the delegation."),
            ),
            models.UniqueConstraint(
                fields=["delegation"],
                condition=Q(role="head") & ~Q(status="cancelled"),
                name="one_head_per_delegation",
                violation_error_message=_("The delegation already has a head of delegation."),
            ),
            models.UniqueConstraint(
                fields=["badge_number"],
                condition=~Q(badge_number=""),
                name="unique_badge_number",
                violation_error_message=_("This badge number is already in use."),
            ),
        ]
        # The desk finds a scanned badge in any case (``badge_number__iexact``).
        indexes = [models.Index(Upper("badge_number"), name="participant_badge_upper")]

    def __str__(self):
        return f"{self.official} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.role_order = self.ROLE_ORDER.get(self.role, len(self.ROLE_ORDER))
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.delegation_id is None or self.official_id is None:
            return
        if self.official.organization_id != self.delegation.organization_id:
            raise ValidationError(
                {
                    "official": _("%(official)s is not an official of %(organization)s.")
                    % {"official": self.official, "organization": self.delegation.organization}
                },
                code="wrong_organization",
            )
        if self.status != self.Status.CANCELLED:
            others = (
                Participant.objects.filter(delegation_id=self.delegation_id)
                .exclude(status=self.Status.CANCELLED)
                .exclude(pk=self.pk)
                .count()
            )
            if others + 1 > self.delegation.seats:
                raise ValidationError(
                    _("The delegation has no seat left (%(seats)d allowed).")
                    % {"seats": self.delegation.seats},
                    code="no_seat_left",
                )


def private_storage():
    """Where credentials are kept: the site's storage (``STORAGES["default"]``, the
    database by default, meetingsite/storage.py), which every app host reads and no URL
    serves. Credentials are handed out only by views that check who asks (see
    delegations.views and agenda.desk); ``url()`` refuses, so no template can link to a
    file directly."""
    return default_storage


def credentials_path(instance, filename):
    """A name nobody can guess, per delegation; the original name is kept in the row."""
    extension = os.path.splitext(filename)[1].lower()
    return f"credentials/{instance.delegation_id}/{uuid.uuid4().hex}{extension}"


class CredentialsQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified=True)


class Credentials(models.Model):
    """A delegation's letter of nomination or credentials, and the secretariat's check of it."""

    delegation = models.OneToOneField(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.CASCADE,
        related_name="credentials",
    )
    file = models.FileField(
        _("file"), upload_to=credentials_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    received = models.DateField(_("received"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CredentialsQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["delegation"]
        verbose_name = _("credentials")
        verbose_name_plural = _("credentials")
        constraints = [
            models.CheckConstraint(
                condition=Q(verified=False) | Q(verified_at__isnull=False),
                name="verified_credentials_have_a_date",
                violation_error_message=_("Verified credentials need the date of verification."),
            ),
        ]

    def __str__(self):
        return str(self.delegation)
