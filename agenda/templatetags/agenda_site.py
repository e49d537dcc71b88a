"""Dates, times and links for the public site, in the meeting's own time zone and in
the reader's language."""

from django import template
from django.template.loader import render_to_string
from django.utils.formats import time_format
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from agenda.views import page_url
from delegations.models import lang_attr
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


# `` lang="en"`` on an element whose value fell back to another language (delegations.models).
register.filter("lang_attr", lang_attr)


@register.simple_tag(takes_context=True)
def session_table(context, sessions, caption, caption_hidden=False):
    """The programme table of ``sessions`` (rows of ``programme.session_rows``), its caption
    naming whose clocks the times are; rendered by Jinja2
    (templates/jinja2/includes/session_table.html), the programme's hottest loop."""
    meeting = context.get("meeting")
    table = {
        "sessions": sessions,
        "caption": caption,
        "caption_hidden": caption_hidden,
        "zone_name": meeting.local_time_name if meeting else "",
    }
    html = render_to_string("includes/session_table.html", table, using="jinja2")
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped it: autoescape)
