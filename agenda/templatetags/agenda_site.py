"""Dates, times and links for the public site, in the meeting's own time zone and in
the reader's language."""

from django import template
from django.conf import settings
from django.utils.formats import time_format
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext

from agenda.views import page_url
from delegations.models import translated_value
from meetingsite.dates import format_long_date

register = template.Library()


@register.filter
def long_date(value):
    """ "Thursday, 15 February 1996", as CLDR writes it in the reader's language
    (meetingsite.dates, which printed documents use too)."""
    return format_long_date(value)


@register.filter
def clock(value):
    """The time of day of an aware datetime already in the meeting's zone: "10:00"."""
    if not value:
        return ""
    return time_format(value, pgettext("time of day", "H:i"))


@register.simple_tag(takes_context=True)
def meeting_url(context, name, *args):
    """URL of one of the site's pages for the meeting being shown.

    Pages reached at the bare URLs (the current meeting) link to bare URLs; pages under
    /meetings/<slug>/ link within that meeting.
    """
    return page_url(context.get("url_slug"), name, *args)


@register.filter
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
    if shown is None or shown in (page, page.split("-")[0]):
        return ""
    return format_html(' lang="{}"', shown)
