"""The programme as iCalendar (RFC 5545), built with the icalendar library.

UIDs depend only on the session's primary key, so importing the feed again updates
the events already in a calendar instead of adding copies. Times carry the meeting's
TZID with a matching VTIMEZONE, so calendars show them at the right local hour.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//meetingsite//Programme//EN"
UID_DOMAIN = "meetingsite"


def session_uid(session):
    return f"session-{session.pk}@{UID_DOMAIN}"


def session_location(session):
    meeting = session.meeting
    parts = [session.room.name if session.room else ""]
    if session.room and session.room.location:
        parts.append(session.room.location)
    else:
        parts += [meeting.venue, meeting.city]
    return ", ".join(part for part in parts if part)


def session_description(session, *, url, pending):
    lines = [session.get_kind_display()]
    items = [str(item.agenda_item) for item in session.items.all()]
    if items:
        lines.append(_("Agenda items: %(items)s") % {"items": "; ".join(items)})
    if session.chair:
        lines.append(_("Chair: %(chair)s") % {"chair": session.chair.full_name})
    if pending:
        lines.append(_("Provisional: times and room not yet confirmed."))
    if session.notes:
        lines.append(session.notes)
    lines.append(url)
    return "\n".join(lines)


def session_event(session, *, url, stamp, meeting_over=False):
    """The session as a VEVENT. Once the meeting is over an unconfirmed session is not
    pending any more: it is neither TENTATIVE nor marked provisional (nor CONFIRMED)."""
    pending = session.is_provisional and not meeting_over
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    event.add("summary", session.title)
    location = session_location(session)
    if location:
        event.add("location", location)
    event.add("description", session_description(session, url=url, pending=pending))
    event.add("url", url)
    if pending:
        event.add("status", "TENTATIVE")
    elif not session.is_provisional:
        event.add("status", "CONFIRMED")
    event.add("categories", [session.get_kind_display()])
    return event


def programme_calendar(meeting, sessions, *, url_for):
    """iCalendar bytes for ``sessions`` of ``meeting``; ``url_for(session)`` gives each
    session's absolute page URL."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", meeting.short_title)
    calendar.add("x-wr-timezone", meeting.time_zone)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    over = meeting.is_over
    for session in sessions:
        event = session_event(session, url=url_for(session), stamp=stamp, meeting_over=over)
        calendar.add_component(event)
    # Only the transitions around the meeting: a small VTIMEZONE that still covers a
    # session moved a few days later.
    calendar.add_missing_timezones(
        first_date=meeting.start_date - datetime.timedelta(days=366),
        last_date=meeting.end_date + datetime.timedelta(days=366),
    )
    return calendar.to_ical()
