from django.db import models
from django.db.models import F
from django.utils import timezone
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
        """(number, changed_at) in one query."""
        row = cls.objects.filter(pk=1).values_list("number", "changed_at").first()
        return row or (0, timezone.now().replace(microsecond=0))
