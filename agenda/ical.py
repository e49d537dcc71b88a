"""The programme as iCalendar (RFC 5545).

UIDs depend only on the session's primary key, so importing the feed again updates
the events already in a calendar instead of adding copies. Times carry the meeting's
TZID with a matching VTIMEZONE, so calendars show them at the right local hour.

The events are written here line by line (escaping and folding as RFC 5545 says, the
tests read the result back with the icalendar library): building a component tree
and serialising it took half of the feed's time. The VTIMEZONE, the same for every
feed of a meeting, is still built by icalendar, once per zone and date range.

Every byte depends on the data only: DTSTAMP is the moment the data last changed
(the data version's time), not the moment of the request, so two renders of unchanged
data are identical and calendar clients see no change where there is none.
"""

import datetime
import functools

from django.utils.translation import gettext as _
from icalendar import Timezone

PRODID = "-//meetingsite//Programme//EN"
UID_DOMAIN = "meetingsite"

_FOLD_AT = 75  # octets per line, CRLF excluded (RFC 5545 §3.1)


def text(value):
    """A TEXT value, escaped (RFC 5545 §3.3.11); any line break is written as \\n."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # Four replaces: a third of the time of str.translate with a table, for short texts.
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """``line`` as CRLF-ended content lines of at most 75 octets, continuation lines
    starting with a space, never cutting a UTF-8 character in two."""
    if line.isascii():  # one octet a character: cut the text itself
        if len(line) <= _FOLD_AT:
            return line + "\r\n"
        rest = [line[n : n + _FOLD_AT - 1] for n in range(_FOLD_AT, len(line), _FOLD_AT - 1)]
        return "\r\n ".join([line[:_FOLD_AT], *rest]) + "\r\n"
    encoded = line.encode()
    if len(encoded) <= _FOLD_AT:
        return line + "\r\n"
    parts, start, limit = [], 0, _FOLD_AT
    while len(encoded) - start > limit:
        end = start + limit
        while encoded[end] & 0xC0 == 0x80:  # a continuation byte: back to the char's start
            end -= 1
        parts.append(encoded[start:end].decode())
        start, limit = end, _FOLD_AT - 1  # the leading space counts
    parts.append(encoded[start:].decode())
    return "\r\n ".join(parts) + "\r\n"


def _local(value):
    return value.strftime("%Y%m%dT%H%M%S")


def _utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_uid(session):
    return f"session-{session.pk}@{UID_DOMAIN}"


def session_description(session, *, url, pending, labels=None):
    """The event's description of a session as ``programme.programme_sessions`` returns it
    (``item_titles``: its agenda items in order; ``chair_name``); ``labels`` (from
    ``Labels``) saves looking up the same translations for every session of a feed."""
    labels = labels or Labels()
    lines = [session.kind_label]
    items = [f"{number}. {title}" for number, title in session.item_titles]
    if items:
        lines.append(labels.items % {"items": "; ".join(items)})
    if session.chair:
        lines.append(labels.chair % {"chair": session.chair_name})
    if pending:
        lines.append(labels.provisional)
    if session.notes:
        lines.append(session.notes)
    lines.append(url)
    return "\n".join(lines)


class Labels:
    """The feed's words in the active language, translated once per feed."""

    def __init__(self):
        self.items = _("Agenda items: %(items)s")
        self.chair = _("Chair: %(chair)s")
        self.provisional = _("Provisional: times and room not yet confirmed.")


def session_event(session, *, url, stamp, meeting, labels=None):
    """The session (as ``programme.programme_sessions`` returns it) as the content lines of
    a VEVENT of ``meeting``; ``stamp`` is DTSTAMP's value. Once the meeting is over an
    unconfirmed session is not pending any more (``session.pending`` is false): it is
    neither TENTATIVE nor marked provisional (nor CONFIRMED)."""
    labels = labels or Labels()
    tzid = meeting.time_zone
    pending = session.pending
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{text(session.title)}",
        f"DTSTART;TZID={tzid}:{_local(session.start_local)}",
        f"DTEND;TZID={tzid}:{_local(session.end_local)}",
        f"DTSTAMP:{stamp}",
        f"UID:{session_uid(session)}",
        f"CATEGORIES:{text(session.kind_label)}",
    ]
    description = session_description(session, url=url, pending=pending, labels=labels)
    lines.append(f"DESCRIPTION:{text(description)}")
    location = session.location
    if location:
        lines.append(f"LOCATION:{text(location)}")
    if pending:
        lines.append("STATUS:TENTATIVE")
    elif not session.is_provisional:
        lines.append("STATUS:CONFIRMED")
    lines += [f"URL:{url}", "END:VEVENT"]
    return "".join(fold(line) for line in lines)


@functools.lru_cache(maxsize=64)
def timezone_component(time_zone, first_date, last_date):
    """The VTIMEZONE of ``time_zone`` between two dates, as text (built by icalendar)."""
    import zoneinfo

    component = Timezone.from_tzinfo(
        zoneinfo.ZoneInfo(time_zone), first_date=first_date, last_date=last_date
    )
    return component.to_ical().decode()


def programme_calendar(meeting, sessions, *, url_for, stamp):
    """iCalendar bytes for ``sessions`` of ``meeting`` (as ``programme.programme_sessions``
    returns them); ``url_for(session)`` gives each
    session's absolute page URL, ``stamp`` (an aware datetime) the moment the data last
    changed, written as every event's DTSTAMP."""
    stamp = _utc(stamp)
    head = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text(meeting.short_title)}",
        f"X-WR-TIMEZONE:{meeting.time_zone}",
    ]
    parts = [fold(line) for line in head]
    labels = Labels()
    for session in sessions:
        parts.append(
            session_event(
                session, url=url_for(session), stamp=stamp, meeting=meeting, labels=labels
            )
        )
    # Only the transitions around the meeting: a small VTIMEZONE that still covers a
    # session moved a few days later.
    parts.append(
        timezone_component(
            meeting.time_zone,
            meeting.start_date - datetime.timedelta(days=366),
            meeting.end_date + datetime.timedelta(days=366),
        )
    )
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode()
