from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MeetingsiteConfig(AppConfig):
    name = "meetingsite"
    verbose_name = _("Site")

    def ready(self):
        from . import caching

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(caching.data_changed, dispatch_uid=f"data_changed_{signal!r}")
