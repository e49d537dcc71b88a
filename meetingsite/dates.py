"""Dates and times as each of the six languages writes them, from CLDR (Babel).

One place for every output (pages, printed documents, e-mails): "Thursday, 15 February
1996", "1996年2月15日星期四", "الخميس، 15 فبراير 1996" (CLDR's Arabic comma, never a Latin
one). English follows the United Nations' usage, day before month (CLDR's en_GB).
"""

import datetime
import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_time, get_timezone_location
from django.utils.translation import get_language, to_locale

# The interface's English is the UN's: "15 February 1996", not "February 15, 1996".
ENGLISH = "en_GB"
# A three-letter month alone in a pattern ("MMM", the abbreviation), not "MMMM".
_ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def babel_locale(language=None):
    """The Babel locale of a Django language code ("zh-hans" → zh_Hans), by default the
    active one."""
    code = to_locale(language or get_language() or "en")
    if code.split("_")[0] == "en":
        code = ENGLISH
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(ENGLISH)


def format_long_date(value, *, weekday=True, language=None):
    """A date written out: "Thursday, 15 February 1996" (CLDR's full format), or without
    the weekday "15 February 1996" (its long format). Empty for no date."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return format_date(value, "full" if weekday else "long", locale=babel_locale(language))


def format_date_range(start, end, *, language=None):
    """Two dates as one span, as CLDR writes it: "15–16 February 1996", "1996年2月15日至16日"…

    CLDR's interval patterns abbreviate the month in most languages; as UTS #35 says a
    requested skeleton does, the full month (MMMM) widens them back wherever the language's
    long date spells the month out, so that a span reads like the long dates beside it
    (Chinese writes "2月" in both).
    """
    if not start or not end:
        return format_long_date(start or end, weekday=False, language=language)
    if start == end:
        return format_long_date(start, weekday=False, language=language)
    locale = babel_locale(language)
    if start.year != end.year:
        field = "y"
    elif start.month != end.month:
        field = "M"
    else:
        field = "d"
    formats = locale.interval_formats.get("yMMMMd") or locale.interval_formats.get("yMMMd")
    parts = formats.get(field) if formats else None
    if not parts:
        return format_interval(start, end, "yMMMMd", locale=locale)
    if "MMMM" in locale.date_formats["long"].pattern:
        parts = [_ABBREVIATED_MONTH.sub("MMMM", part) for part in parts]
    return "".join(
        format_date(day, pattern, locale=locale)
        for pattern, day in zip(parts, (start, end), strict=True)
    )


def format_date_time(value, *, language=None):
    """A date and time of day: "15 February 1996, 10:00" ("15 فبراير 1996، 10:00"), with
    the language's own glue between the two (CLDR's medium date-time pattern)."""
    if not value:
        return ""
    locale = babel_locale(language)
    date = format_date(value.date(), "long", locale=locale)
    time = format_time(value, "HH:mm", locale=locale)
    return locale.datetime_formats["medium"].format(time, date)


@lru_cache(maxsize=512)
def _zone_city(time_zone, locale_code):
    try:
        return get_timezone_location(time_zone, locale=locale_code, return_city=True)
    except (LookupError, ValueError):
        return ""


def zone_city(time_zone, language=None):
    """CLDR's name of the city a time zone is named after, in ``language`` (by default
    the active one): "New York", "نيويورك", "纽约" for America/New_York; the tz database's
    own city for a zone CLDR does not know."""
    city = _zone_city(time_zone, str(babel_locale(language)))
    return city or time_zone.rsplit("/", 1)[-1].replace("_", " ")


def list_separator(language=None):
    """What the language sets between the items of a list: ", " in English, "، " in
    Arabic, "、" in Chinese (CLDR's standard list pattern, "{0}, {1}")."""
    pattern = babel_locale(language).list_patterns["standard"]["middle"]
    return pattern.replace("{0}", "", 1).replace("{1}", "", 1)


def date_time_separator(language=None):
    """What the language sets between a date and a time of day: ", " in English, "، " in
    Arabic, a space in Chinese (CLDR's medium date-time pattern, "{1}, {0}")."""
    pattern = babel_locale(language).datetime_formats["medium"]
    return pattern.replace("{1}", "", 1).replace("{0}", "", 1).replace("'", "")
