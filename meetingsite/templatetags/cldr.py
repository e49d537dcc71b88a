"""``{% load cldr %}``: dates as CLDR writes them in the active language
(meetingsite.dates), for templates of every app, printed documents included."""

from django import template

from meetingsite import dates

register = template.Library()


@register.filter
def long_date(value):
    """ "Thursday, 15 February 1996", "1996年2月15日星期四", "الخميس، 15 فبراير 1996"."""
    return dates.format_long_date(value)


@register.filter
def day_date(value):
    """ "15 February 1996": the long date without its weekday."""
    return dates.format_long_date(value, weekday=False)


@register.filter
def date_time(value):
    """ "15 February 1996, 10:00" ("15 فبراير 1996، 10:00"), in the zone the value is in:
    convert it first (``|timezone:meeting.time_zone``)."""
    return dates.format_date_time(value)


@register.simple_tag
def date_range(start, end):
    """``{% date_range meeting.start_date meeting.end_date %}``: "15–16 February 1996"."""
    return dates.format_date_range(start, end)


@register.simple_tag
def date_time_separator():
    """``{{ day|long_date }}{% date_time_separator %}10:00``: ", ", "، " in Arabic."""
    return dates.date_time_separator()
