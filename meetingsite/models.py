import datetime

from django.contrib.auth.models import User
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose number grows with every change to the meetings' data.

    Public pages are cached under this number, so a change made in any app process
    (admin, registration form, desk) invalidates every process's cache on the next
    request, without timers. It lives in the database because the default cache is
    per-process memory.
    """

    number = models.PositiveBigIntegerField(_("number"), default=1)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return f"v{self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    @classmethod
    def bump(cls):
        updated = cls.objects.filter(pk=1).update(
            number=F("number") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=1)

    @classmethod
    def current(cls):
        """(number, changed_at) in one query.

        Read on every request for a cached page, so in plain SQL: building the same
        ORM query each time cost a fifth of a cached page's time.
        """
        with connection.cursor() as cursor:
            cursor.execute(_CURRENT_SQL)
            row = cursor.fetchone()
        if row is None:
            return 0, timezone.now().replace(microsecond=0)
        number, changed_at = row
        # SQLite gives naive datetimes (or text), in UTC.
        if isinstance(changed_at, str):
            changed_at = parse_datetime(changed_at)
        if changed_at.tzinfo is None:
            changed_at = changed_at.replace(tzinfo=datetime.UTC)
        return number, changed_at


_CURRENT_SQL = "SELECT number, changed_at FROM meetingsite_dataversion WHERE id = 1"


class DeskAccount(User):
    """A registration desk's login, as the secretariat manages it (meetingsite.admin).

    The same rows as the user model: a proxy, so that the secretariat can be given the
    right to add and change desk accounts without the right to change users, which would
    let it make anyone a superuser.
    """

    class Meta:
        proxy = True
        verbose_name = _("registration desk account")
        verbose_name_plural = _("registration desk accounts")


class MeetingVersion(models.Model):
    """A number per meeting that grows with every change to that meeting's own data.

    Public pages of a meeting are cached under the global ``DataVersion`` and this
    number: a check-in free change to one meeting's programme or delegations leaves the
    other meetings' pages cached. ``meeting_id`` is a plain number, not a foreign key, so
    that bumping never locks the meeting row and a deleted meeting's row is harmless.
    """

    meeting_id = models.PositiveBigIntegerField(_("meeting"), unique=True)
    number = models.PositiveBigIntegerField(_("number"), default=1)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting version")
        verbose_name_plural = _("meeting versions")

    def __str__(self):
        return f"meeting {self.meeting_id}: v{self.number}"

    @classmethod
    def bump(cls, meeting_ids):
        now = timezone.now()
        for meeting_id in sorted(set(meeting_ids)):
            updated = cls.objects.filter(meeting_id=meeting_id).update(
                number=F("number") + 1, changed_at=now
            )
            if not updated:
                # Starts at 2: a page cached before the first bump was keyed with 1.
                cls.objects.get_or_create(
                    meeting_id=meeting_id, defaults={"number": 2, "changed_at": now}
                )


class StoredFile(models.Model):
    """One file of the database storage (meetingsite.storage.DatabaseStorage)."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified at"), default=timezone.now)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return self.name


class PdfJob(models.Model):
    """A long PDF of the desk being made by a worker (agenda.tasks), or made: one row per
    PDF key. Here, not in agenda, because no page shows it: a job is the machinery's.

    The key is unique, so two app processes (or hosts) asking for the same PDF at once
    start one task between them: the second finds the first's row. The PDF itself is in
    the default storage under ``file_name``.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    key = models.CharField(max_length=64, unique=True)
    # The same document, paper and language whatever its rows: a list that changes under
    # the desk's feet gets one job at a time, not one per change.
    slot = models.CharField(max_length=64, db_index=True)
    meeting = models.ForeignKey("delegations.Meeting", on_delete=models.CASCADE, related_name="+")
    # What the worker needs to print the same document: agenda.documents.REGISTRY's
    # identifier, the URL's parameters for its from_request, the paper and the language.
    document = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    paper = models.CharField(max_length=10)
    language = models.CharField(max_length=10)
    rows = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # The one task allowed to make it: a task queued again (retry, stale) replaces it, and
    # a task whose id is no longer this one does nothing.
    task_id = models.CharField(max_length=50, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    page = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("PDF job")
        verbose_name_plural = _("PDF jobs")

    def __str__(self):
        return f"{self.document} {self.key[:8]} ({self.state})"
