"""The programme (rooms, agenda items, sessions) and who attended it."""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, F, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delegations.models import Delegation, Meeting, Official, Organization, Participant
from meetingsite.compiled import compile_once


class Room(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self):
        return self.name


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="agenda_item_number_unique_per_meeting",
                violation_error_message=_("This meeting already has an item with this number."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class SessionQuerySet(models.QuerySet):
    def for_programme(self):
        """Sessions with everything a programme page shows, in three queries whatever the size."""
        return self.select_related("room", "chair", "meeting").prefetch_related(
            models.Prefetch(
                "items",
                queryset=SessionItem.objects.select_related("agenda_item").order_by("order"),
            )
        )

    def on_day(self, meeting, day):
        """Sessions of ``meeting`` that start on ``day`` in the meeting's own time zone."""
        tz = meeting.tz
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return self.filter(meeting=meeting, starts_at__gte=start, starts_at__lt=end)

    def for_desk(self, meeting):
        """The sessions people are checked in to: every session of the meeting but the breaks."""
        return (
            self.filter(meeting=meeting)
            .exclude(kind=Session.Kind.BREAK)
            .select_related("room", "meeting")
            .order_by("starts_at", "pk")
        )


class Session(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        WORKING = "working", _("Working session")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKING)
    title = models.CharField(_("title"), max_length=300)
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    chair = models.ForeignKey(
        Official,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_sessions",
    )
    is_provisional = models.BooleanField(
        _("provisional"), default=True, help_text=_("Times and room not yet confirmed.")
    )
    notes = models.TextField(_("notes"), blank=True)
    agenda_items = models.ManyToManyField(
        AgendaItem,
        verbose_name=_("agenda items"),
        through="SessionItem",
        related_name="sessions",
        blank=True,
    )

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "room__name", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
        ]

    def __str__(self):
        local = self.local_start
        return f"{self.title} ({date_format(local, 'D j M Y')}, {local:%H:%M})"

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.meeting.tz)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.meeting.tz)

    def clean(self):
        super().clean()
        if self.meeting_id is None or self.starts_at is None or self.ends_at is None:
            return
        meeting = self.meeting
        if self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("A session must end after it starts.")}, code="ends_before_start"
            )
        first_day, last_day = self.local_start.date(), self.local_end.date()
        if first_day < meeting.start_date or last_day > meeting.end_date:
            raise ValidationError(
                {
                    "starts_at": _(
                        "The session must fall within the meeting's dates, %(start)s to %(end)s "
                        "(%(tz)s time)."
                    )
                    % {
                        "start": date_format(meeting.start_date, "j F Y"),
                        "end": date_format(meeting.end_date, "j F Y"),
                        "tz": meeting.zone_label,
                    }
                },
                code="outside_meeting",
            )
        if self.room_id is not None:
            clash = (
                Session.objects.filter(
                    room_id=self.room_id, starts_at__lt=self.ends_at, ends_at__gt=self.starts_at
                )
                .exclude(pk=self.pk)
                .select_related("meeting")
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    {
                        "room": _("%(room)s is already taken at that time by “%(other)s”.")
                        % {"room": self.room, "other": clash}
                    },
                    code="room_overlap",
                )


class SessionItem(models.Model):
    """An agenda item taken up by a session, in the order the session takes them."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="items"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "order"]
        verbose_name = _("agenda item of a session")
        verbose_name_plural = _("agenda items of a session")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "agenda_item"],
                name="agenda_item_once_per_session",
                violation_error_message=_("This item is already on the session's agenda."),
            ),
        ]

    def __str__(self):
        return f"{self.session.title}: {self.agenda_item}"

    def clean(self):
        super().clean()
        # On an add form the session is not saved yet, but is set: read it, not its id.
        session = getattr(self, "session", None)
        if (
            session is not None
            and self.agenda_item_id
            and self.agenda_item.meeting_id != session.meeting_id
        ):
            raise ValidationError(
                {"agenda_item": _("This item belongs to another meeting.")},
                code="wrong_meeting",
            )


class AttendanceQuerySet(models.QuerySet):
    def present(self, session_id, meeting_id):
        """The check-ins that count as present at session ``session_id`` of meeting
        ``meeting_id``: those of the people the meeting expects (``expected``), written
        as joins on the session's own attendances. An ``IN (every expected participant)``
        made SQLite list all 5,000 of a large meeting for the few hundred checked in (6 ms
        against 1 ms)."""
        return (
            self.filter(session=session_id, participant__delegation__meeting=meeting_id)
            .exclude(participant__status=Participant.Status.CANCELLED)
            .exclude(participant__delegation__status__in=Delegation.INACTIVE_STATUSES)
            .order_by()
        )

    def present_counted(self, session_id, meeting_id):
        """How many are ``present`` at the session, as a query of one column, ``present``:
        grouped by the session, it has no row at all when nobody is present."""
        counted = self.present(session_id, meeting_id).values("session")
        return counted.annotate(present=Count("*")).values("present")

    def present_count(self, session_id, meeting_id):
        """``present_counted`` as a subquery, 0 when it has no row."""
        return Coalesce(Subquery(self.present_counted(session_id, meeting_id)), 0)

    def counts_at(self, session, *, expected=None):
        """Expected, present and absent at ``session``: everyone expected at its meeting,
        and how many of them are checked in (in two counts, whatever the size), counted
        over all the session's attendances, whatever this queryset is filtered to.
        ``expected``: that count when the caller knows it already (the desk caches it)."""
        if expected is None:
            expected = Participant.objects.expected(session.meeting_id).count()
        counted = _present_count(connections[self.db])
        rows = counted.rows({"session": session.pk, "meeting": session.meeting_id})
        present = next((count for (count,) in rows), 0)  # no row: nobody present
        return session_counts(expected, present)


def session_counts(expected, present):
    """The desk's counts of a session: expected, present and absent."""
    return {"expected": expected, "present": present, "absent": expected - present}


# Stand-ins for a meeting's and a session's ids in a query compiled once (the present
# count here, the desk's search in agenda.desk): never an id.
STAND_IN_MEETING, STAND_IN_SESSION = -7_000_001, -7_000_002


@functools.lru_cache(maxsize=8)
def _present_count(connection):
    """``AttendanceQuerySet.present_counted`` compiled once for each database connection,
    with stand-ins for the session's and its meeting's ids (meetingsite.compiled). The
    desk counts at every check-in and every poll: building and compiling this count took
    the ORM longer than the database took to run it (1.3 ms against 1 ms on PostgreSQL)."""
    counted = Attendance.objects.present_counted(STAND_IN_SESSION, STAND_IN_MEETING)
    compiled = compile_once(
        counted, connection, {STAND_IN_SESSION: "session", STAND_IN_MEETING: "meeting"}
    )
    if compiled is None:
        raise AssertionError("the present count lost a stand-in")
    return compiled


class Attendance(models.Model):
    """A participant present at a session."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "checked_in_at"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        # The registration desk: check delegates in and print attendance documents.
        permissions = [("use_desk", _("Can use the registration desk"))]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                name="attendance_once_per_session",
                violation_error_message=_("This participant is already checked in."),
            ),
        ]

    def __str__(self):
        return f"{self.participant.official} @ {self.session.title}"

    def clean(self):
        super().clean()
        if (
            self.session_id
            and self.participant_id
            and self.participant.delegation.meeting_id != self.session.meeting_id
        ):
            raise ValidationError(
                {"participant": _("This participant is not in this session's meeting.")},
                code="wrong_meeting",
            )


class SpeakersListQuerySet(models.QuerySet):
    def for_item(self, agenda_item):
        """The list of ``agenda_item``; not opened yet, an empty one with the default
        settings, not saved."""
        return self.filter(agenda_item=agenda_item).first() or SpeakersList(
            agenda_item=agenda_item
        )


class SpeakersList(models.Model):
    """The list of delegations inscribed to speak on one agenda item.

    The speaking order is worked out by ``speaking_order`` and nowhere else. Statements
    come before rights of reply; within each, an order the secretariat has set by moving
    inscriptions comes first, then the others by level of representation (when the list
    says so) and time of inscription. Those who have spoken head the list in the order
    they spoke, then whoever has the floor.
    """

    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="speakers_list",
    )
    levels_first = models.BooleanField(
        _("higher levels of representation first"),
        default=False,
        help_text=_(
            "When the chair so decides, presiding officers and heads of organization speak "
            "ahead of lower levels of representation; otherwise the order is that of inscription."
        ),
    )
    minutes_per_statement = models.PositiveSmallIntegerField(
        _("time limit per statement (minutes)"), null=True, blank=True
    )
    is_closed = models.BooleanField(
        _("closed"), default=False, help_text=_("No more inscriptions through the private links.")
    )

    objects = SpeakersListQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item__meeting", "agenda_item__number"]
        verbose_name = _("speakers' list")
        verbose_name_plural = _("speakers' lists")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_statement__isnull=True) | Q(minutes_per_statement__gte=1),
                name="speakers_list_time_limit_at_least_one_minute",
                violation_error_message=_("A time limit is at least one minute."),
            ),
        ]

    def __str__(self):
        return _("Speakers' list on item %(item)s") % {"item": self.agenda_item}

    def speaking_order(self, inscriptions):
        """``inscriptions`` of this list in speaking order, withdrawn ones left out."""
        Status = Inscription.Status
        spoken = sorted(
            (i for i in inscriptions if i.status == Status.SPOKEN),
            key=lambda i: (i.spoke_at or i.inscribed_at, i.pk),
        )
        speaking = [i for i in inscriptions if i.status == Status.SPEAKING]
        waiting = sorted(
            (i for i in inscriptions if i.status == Status.INSCRIBED),
            key=lambda i: i.queue_key(levels_first=self.levels_first),
        )
        return spoken + speaking + waiting

    def rows(self):
        """(inscriptions in speaking order, the one speaking or None, the withdrawn ones),
        in one query; empty for a list not opened yet."""
        if self.pk is None:
            return [], None, []
        inscriptions = list(self.inscriptions.for_list())
        ordered = self.speaking_order(inscriptions)
        speaking = next((i for i in ordered if i.status == Inscription.Status.SPEAKING), None)
        withdrawn = [i for i in inscriptions if i.status == Inscription.Status.WITHDRAWN]
        return ordered, speaking, withdrawn


class InscriptionQuerySet(models.QuerySet):
    def for_list(self):
        """Inscriptions with the names a list shows, in two joins, unordered: the speaking
        order is worked out by ``SpeakersList.speaking_order``."""
        return self.select_related("delegation__organization", "speaker__official")

    def of_delegation(self, delegation):
        """A delegation's inscriptions still standing, item by item, with their lists."""
        return (
            self.for_list()
            .select_related("speakers_list__agenda_item")
            .filter(delegation=delegation)
            .exclude(status=Inscription.Status.WITHDRAWN)
            .order_by("speakers_list__agenda_item__number", "is_reply", "inscribed_at")
        )


class Inscription(models.Model):
    """A delegation inscribed to speak on an agenda item."""

    class Level(models.TextChoices):
        PRESIDING = "presiding", _("Presiding officer")
        HEAD = "head", _("Head of organization")
        OTHER = "other", _("Other level of representation")

    class Status(models.TextChoices):
        INSCRIBED = "inscribed", _("Inscribed")
        SPEAKING = "speaking", _("Speaking")
        SPOKEN = "spoken", _("Spoken")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LEVEL_RANK = {Level.PRESIDING: 0, Level.HEAD: 1, Level.OTHER: 2}

    speakers_list = models.ForeignKey(
        SpeakersList,
        verbose_name=_("speakers' list"),
        on_delete=models.CASCADE,
        related_name="inscriptions",
    )
    delegation = models.ForeignKey(
        "delegations.Delegation",
        verbose_name=_("delegation"),
        on_delete=models.CASCADE,
        related_name="inscriptions",
    )
    speaker = models.ForeignKey(
        Participant,
        verbose_name=_("speaker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inscriptions",
        help_text=_("Who will take the floor, when known."),
    )
    level = models.CharField(
        _("level of representation"), max_length=20, choices=Level.choices, default=Level.OTHER
    )
    is_reply = models.BooleanField(_("right of reply"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INSCRIBED
    )
    inscribed_at = models.DateTimeField(_("inscribed at"))
    position = models.PositiveIntegerField(
        _("position set by the secretariat"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the secretariat moves an inscription; overrides time and level."),
    )
    spoke_at = models.DateTimeField(_("took the floor at"), null=True, blank=True, editable=False)
    inscribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscribed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Empty when the focal point inscribed through the private link."),
    )

    objects = InscriptionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["speakers_list", "inscribed_at", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            # A delegation is on a list once for its statement; rights of reply are extra.
            models.UniqueConstraint(
                fields=["speakers_list", "delegation"],
                condition=Q(is_reply=False) & ~Q(status="withdrawn"),
                name="one_statement_per_delegation_per_list",
                violation_error_message=_("This delegation is already inscribed on this list."),
            ),
            models.UniqueConstraint(
                fields=["speakers_list"],
                condition=Q(status="speaking"),
                name="one_speaker_at_a_time",
                violation_error_message=_("Someone already has the floor on this list."),
            ),
        ]

    def __str__(self):
        return str(self.delegation.organization)

    @property
    def level_rank(self):
        return self.LEVEL_RANK.get(self.level, len(self.LEVEL_RANK))

    def queue_key(self, *, levels_first):
        """Sort key of an inscription still waiting for the floor. Rights of reply are
        heard in the order they were asked for, whatever the level."""
        return (
            self.is_reply,
            self.position is None,
            self.position or 0,
            self.level_rank if levels_first and not self.is_reply else 0,
            self.inscribed_at,
            self.pk,
        )

    def clean(self):
        super().clean()
        if self.speakers_list_id is None or self.delegation_id is None:
            return
        if self.delegation.meeting_id != self.speakers_list.agenda_item.meeting_id:
            raise ValidationError(
                {"delegation": _("This delegation is not in this item's meeting.")},
                code="wrong_meeting",
            )
        if self.speaker_id is not None and self.speaker.delegation_id != self.delegation_id:
            raise ValidationError(
                {"speaker": _("The speaker must be a member of the delegation.")},
                code="wrong_delegation",
            )


class ParticipantListVersionQuerySet(models.QuerySet):
    def for_meeting(self, meeting):
        return self.filter(meeting=meeting).select_related("issued_by").order_by("revision")


class ParticipantListVersion(models.Model):
    """An issued list of participants, frozen: what was printed can be printed again unchanged.

    ``snapshot`` holds the rows exactly as printed (organizations in protocol order, their
    members with name, title, role and what they represent), so later changes to the register
    never reach an issued version. Versions are issued by services.participants_version_issue
    and are never edited afterwards.
    """

    class Kind(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        REVISION = "revision", _("Revision")
        FINAL = "final", _("Final")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="participant_list_versions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # 0 for the provisional list, then 1, 2, … for Rev.1, Rev.2 and the final list.
    revision = models.PositiveSmallIntegerField(_("revision"))
    symbol = models.CharField(_("symbol"), max_length=120)
    language = models.CharField(_("language"), max_length=10)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(_("snapshot"))

    objects = ParticipantListVersionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "revision"]
        verbose_name = _("issued list of participants")
        verbose_name_plural = _("issued lists of participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "revision"],
                name="one_participant_list_per_revision",
                violation_error_message=_("This version of the list is already issued."),
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(kind="final"),
                name="one_final_participant_list",
                violation_error_message=_("The final list of participants is already issued."),
            ),
        ]

    def __str__(self):
        return f"{self.symbol} ({self.label})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(
                _("An issued list of participants cannot be changed; issue a revision."),
                code="issued_version_immutable",
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(
            _("An issued list of participants cannot be deleted."),
            code="issued_version_immutable",
        )

    @property
    def label(self):
        if self.kind == self.Kind.REVISION:
            return _("Rev.%(number)s") % {"number": self.revision}
        return self.get_kind_display()


class SeatingDrawQuerySet(models.QuerySet):
    def latest_for(self, meeting):
        """The draw in force for ``meeting`` (the most recent), or None."""
        return (
            self.filter(meeting=meeting)
            .select_related("starting_organization", "drawn_by")
            .order_by("-drawn_at", "-pk")
            .first()
        )


class SeatingDraw(models.Model):
    """A drawing of lots for the seating: which delegation's name starts the alphabetical order.

    Every draw is kept: a new draw adds a row and the latest one is in force. The seed
    reproduces the draw: ``random.Random(seed).choice`` over the delegations that took part,
    in English alphabetical order, gives ``starting_organization`` again (see
    services.seating_draw_pick). Who then sits where is ``agenda.seating.seating_plan``.
    """

    class TableShape(models.TextChoices):
        HORSESHOE = "horseshoe", _("Horseshoe")
        RECTANGLE = "rectangle", _("Rectangle")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="seating_draws"
    )
    seed = models.BigIntegerField(_("random seed"))
    starting_organization = models.ForeignKey(
        Organization,
        verbose_name=_("name drawn"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    candidates = models.PositiveIntegerField(
        _("names in the draw"), help_text=_("How many delegations the lot was drawn among.")
    )
    table_shape = models.CharField(
        _("table"), max_length=20, choices=TableShape.choices, default=TableShape.HORSESHOE
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SeatingDrawQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-drawn_at", "-pk"]
        verbose_name = _("seating draw")
        verbose_name_plural = _("seating draws")

    def __str__(self):
        drawn_at = self.drawn_at.astimezone(self.meeting.tz)
        return f"{self.meeting}: {self.starting_organization.name} ({drawn_at:%Y-%m-%d %H:%M})"
