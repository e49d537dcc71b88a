"""The public site: the meeting at a glance, its programme, participants and feeds.

Every view takes the meeting from the URL through ``meeting_page``: the current meeting
at the bare URLs, any published meeting under /meetings/<slug>/. Views are plain
functions so that caching and conditional-GET decorators can wrap them.
"""

import datetime
import functools
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from delegations.links import listed_participants, private_link
from delegations.models import Delegation, Meeting
from meetingsite.caching import cached_page, integer, page_versions
from meetingsite.site import site_url

from . import prose, services
from .forms import InscribeForm, ItemFilterForm
from .ical import programme_calendar
from .models import AgendaItem, Inscription, Session, SpeakersList
from .programme import by_day, programme_sessions, session_rows


def meeting_page(view=None, *, missing_status=404):
    """Resolve the meeting for ``view``, called as ``view(request, meeting, context, ...)``.

    Without a slug, the current meeting; when none is current (or it is unpublished)
    the visitor gets the list of published meetings instead, with ``missing_status``.
    """
    if view is None:
        return functools.partial(meeting_page, missing_status=missing_status)

    @functools.wraps(view)
    def wrapper(request, *args, slug=None, **kwargs):
        meetings = Meeting.objects.published().select_related("convener")
        if slug is None:
            meeting = meetings.current()
            if meeting is None:
                return _meeting_list(request, status=missing_status, none_current=True)
        else:
            meeting = get_object_or_404(meetings, slug=slug)
        context = {
            "meeting": meeting,
            "url_slug": slug or "",
        }
        return view(request, meeting, context, *args, **kwargs)

    return wrapper


# The query parameter a feed's link carries to choose its language (``feed_language``).
FEED_LANGUAGE_PARAM = "lang"


def feed_language(view):
    """Serve a feed in the language its link asks for: ``?lang=fr`` (as the pages link
    it), else the browser's Accept-Language, as for the pages.

    Calendars and other systems fetch a feed without the reader's cookie, so the link
    carries the language. It wraps ``cached_page``, which keys its entry by the active
    language and keeps ``lang`` among the parameters, so that ``?lang=ar`` and the bare
    URL never share an entry. An unknown code is ignored: the feed then follows
    Accept-Language. UIDs do not depend on the language (``agenda.ical.session_uid``).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        code = request.GET.get(FEED_LANGUAGE_PARAM, "")
        try:
            language = translation.get_supported_language_variant(code) if code else None
        except LookupError:
            language = None
        if language is None:
            return view(request, *args, **kwargs)
        with translation.override(language):
            return view(request, *args, **kwargs)

    return wrapper


def page_url(url_slug, name, *args):
    """URL of the site page ``name``: under /meetings/<url_slug>/, or bare when it is empty."""
    if url_slug:
        return reverse(f"agenda:meeting_{name}", args=[url_slug, *args])
    return reverse(f"agenda:{name}", args=args)


def url_pattern(url_slug, name, *, absolute=False):
    """A function pk -> URL of the page ``name`` of one object (``absolute``: with the
    site's address, ``site_url``, for the feeds): one ``reverse`` for the whole list, then
    string formatting (a ``reverse`` per row was a twentieth of the programme's time)."""
    marker = 987654321
    path = page_url(url_slug, name, marker)
    head, tail = (site_url(path) if absolute else path).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _meeting_list(request, *, status, none_current):
    context = {
        "meetings": Meeting.objects.published().order_by("-start_date", "title"),
        "none_current": none_current,
    }
    return render(request, "agenda/meeting_list.html", context, status=status)


@cached_page
def meeting_list(request):
    return _meeting_list(request, status=200, none_current=False)


@cached_page
@meeting_page(missing_status=200)
def home(request, meeting, context):
    now = timezone.now()
    today = now.astimezone(meeting.tz).date()
    sessions = Session.objects.filter(meeting=meeting).for_programme()
    if meeting.is_over:
        state = "ended"
    elif today < meeting.start_date:
        state = "upcoming"
    else:
        state = "running"
    on_now, up_next = [], []
    if state != "ended":
        on_now = list(sessions.filter(starts_at__lte=now, ends_at__gt=now))
        next_start = sessions.filter(starts_at__gt=now).aggregate(start=Min("starts_at"))["start"]
        if next_start is not None:
            up_next = list(sessions.filter(starts_at=next_start))
    context.update(
        state=state,
        on_now=on_now,
        up_next=up_next,
        organization_count=Delegation.objects.filter(meeting=meeting).active().count(),
        agenda_items=AgendaItem.objects.filter(meeting=meeting),
        today=today,
    )
    response = render(request, "agenda/home.html", context)
    # "Now and next" holds until a session starts or ends, or the meeting's day turns.
    midnight = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time.min, tzinfo=meeting.tz
    )
    changes = [midnight, *(s.ends_at for s in on_now), *(s.starts_at for s in up_next)]
    response.valid_until = min(changes)
    return response


# An agenda item's number (a PositiveSmallIntegerField); any other value is no filter.
@cached_page(params={"item": integer(0, 32767)})
@meeting_page
def programme(request, meeting, context):
    items = list(AgendaItem.objects.filter(meeting=meeting))
    form = ItemFilterForm(request.GET or None, items=items)
    sessions = Session.objects.filter(meeting=meeting)
    selected = None
    if form.is_valid() and form.cleaned_data["item"] is not None:
        selected = next(item for item in items if item.number == form.cleaned_data["item"])
        sessions = sessions.filter(items__agenda_item=selected)
    sessions = session_rows(
        programme_sessions(meeting, sessions, items=items),
        url_pattern(context["url_slug"], "session"),
    )
    context.update(
        form=form,
        selected_item=selected,
        days=by_day(meeting, sessions, all_days=selected is None),
    )
    return render(request, "agenda/programme.html", context)


@cached_page
@meeting_page
def day(request, meeting, context, day):
    if day not in meeting.days:
        raise Http404(_("The meeting does not sit on that day."))
    sessions = programme_sessions(meeting, Session.objects.on_day(meeting, day))
    index = meeting.days.index(day)
    context.update(
        day=day,
        sessions=session_rows(sessions, url_pattern(context["url_slug"], "session")),
        previous_day=meeting.days[index - 1] if index > 0 else None,
        next_day=meeting.days[index + 1] if index + 1 < len(meeting.days) else None,
    )
    return render(request, "agenda/day.html", context)


def _session(meeting, pk):
    return get_object_or_404(Session.objects.for_programme(), meeting=meeting, pk=pk)


@cached_page
@meeting_page
def session_detail(request, meeting, context, pk):
    context["session"] = _session(meeting, pk)
    return render(request, "agenda/session.html", context)


def data_changed_at(request, meeting):
    """When the data the meeting's pages show last changed (the later of the global and
    the meeting's version): the page cache has read it for this request already, unless
    the cache is off."""
    version = getattr(request, "_data_version", None) or page_versions(meeting.slug)
    return version[1]


def _calendar_response(request, meeting, context, sessions, filename):
    session_url = url_pattern(context["url_slug"], "session", absolute=True)

    def url_for(session):
        return session_url(session.pk)

    body = programme_calendar(
        meeting, sessions, url_for=url_for, stamp=data_changed_at(request, meeting)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@feed_language
@cached_page(params=(FEED_LANGUAGE_PARAM,))
@meeting_page
def session_ics(request, meeting, context, pk):
    sessions = programme_sessions(meeting, Session.objects.filter(meeting=meeting, pk=pk))
    if not sessions:  # not this meeting's: the same 404 as the session's page
        get_object_or_404(Session, meeting=meeting, pk=pk)
    return _calendar_response(
        request, meeting, context, sessions, f"{meeting.slug}-session-{sessions[0].pk}.ics"
    )


@feed_language
@cached_page(params=(FEED_LANGUAGE_PARAM,))
@meeting_page
def programme_ics(request, meeting, context):
    sessions = programme_sessions(meeting, Session.objects.filter(meeting=meeting))
    return _calendar_response(request, meeting, context, sessions, f"{meeting.slug}.ics")


@feed_language
@cached_page(params=(FEED_LANGUAGE_PARAM,))
@meeting_page
def programme_json(request, meeting, context):
    """The programme for other systems; field names are stable, labels follow the language."""
    sessions = programme_sessions(meeting, Session.objects.filter(meeting=meeting))

    def absolute(name, *args):
        return site_url(page_url(context["url_slug"], name, *args))

    session_url = url_pattern(context["url_slug"], "session", absolute=True)
    session_ics = url_pattern(context["url_slug"], "session_ics", absolute=True)
    data = {
        "language": translation.get_language(),
        "meeting": {
            "title": meeting.title,
            "short_title": meeting.short_title,
            "slug": meeting.slug,
            "venue": meeting.venue,
            "city": meeting.city,
            "start_date": meeting.start_date.isoformat(),
            "end_date": meeting.end_date.isoformat(),
            "time_zone": meeting.time_zone,
            "url": absolute("home"),
            "ics": absolute("programme_ics"),
        },
        "sessions": [
            {
                "id": session.pk,
                "title": session.title,
                "kind": session.kind,
                "kind_label": session.kind_label,
                "starts_at": session.start_iso,
                "ends_at": session.end_iso,
                "room": session.room_name or None,
                "chair": session.chair_name or None,
                "provisional": session.is_provisional,
                "agenda_items": [
                    {"number": number, "title": title} for number, title in session.item_titles
                ],
                "url": session_url(session.pk),
                "ics": session_ics(session.pk),
            }
            for session in sessions
        ],
    }
    return HttpResponse(_json_lines(data), content_type="application/json")


def _json_lines(data):
    """``data`` as JSON with each session on a line of its own: still easy to read and
    to diff, and written by the json module's C encoder (``indent`` makes it fall back
    to the Python one, two thirds of the feed's time for 500 sessions)."""
    head = {key: value for key, value in data.items() if key != "sessions"}
    # One encoder for every line: json.dumps with an option makes a new one each call.
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    lines = ",\n".join(dumps(session) for session in data["sessions"])
    return f'{dumps(head)[:-1]}, "sessions": [\n{lines}\n]}}\n'.encode()


@cached_page
@meeting_page
def participants(request, meeting, context):
    delegations = Delegation.objects.filter(meeting=meeting).active().with_heads()
    context["rows"] = [(d, d.heads[0] if d.heads else None) for d in delegations]
    # What the page says of the order must be the order it uses (``in_protocol_order``):
    # the protocol order the secretariat set, then the rest alphabetically.
    placed = sum(d.protocol_order is not None for d, _head in context["rows"])
    if placed == len(context["rows"]):
        context["order"] = "protocol"
    else:
        context["order"] = "mixed" if placed else "alphabetical"
    return render(request, "agenda/participants.html", context)


@cached_page
@meeting_page
def background(request, meeting, context):
    """The meeting's own background text; a meeting without one has no such page."""
    context["background_html"] = prose.markdown_html(meeting.background)
    if not context["background_html"]:
        raise Http404(_("This meeting has no background page."))
    return render(request, "agenda/background.html", context)


# --- Speakers' lists -----------------------------------------------------------------------


@cached_page
@meeting_page
def speakers_list(request, meeting, context, number):
    item = get_object_or_404(AgendaItem, meeting=meeting, number=number)
    speakers_list = SpeakersList.objects.for_item(item)
    ordered, speaking, withdrawn = speakers_list.rows()
    context |= {
        "item": item,
        "speakers_list": speakers_list,
        "rows": ordered,
        "speaking": speaking,
        "withdrawn": withdrawn,
    }
    return render(request, "agenda/speakers.html", context)


@private_link(methods=("GET", "POST"))
def speakers_focal_point(request, delegation, token):
    """A focal point inscribes its delegation on speakers' lists, and sees its places."""
    meeting = delegation.meeting
    items = list(AgendaItem.objects.filter(meeting=meeting))
    form = InscribeForm(
        request.POST or None, items=items, participants=listed_participants(delegation)
    )
    refusal = services.inscription_refusal(delegation)
    if request.method == "POST":
        if refusal:
            context = {"reason": refusal, "delegation": delegation}
            return render(request, "agenda/speakers_closed.html", context, status=403)
        if form.is_valid():
            try:
                services.inscription_by_focal_point(
                    agenda_item=form.cleaned_data["item"],
                    delegation=delegation,
                    speaker=form.cleaned_data["speaker"],
                )
            except ValidationError as error:
                field = "item" if getattr(error, "code", None) == "list_closed" else None
                form.add_error(field, ValidationError(error.messages))
            else:
                return redirect("speakers:focal_point", token=token)
    own = list(Inscription.objects.of_delegation(delegation))
    context = {
        "delegation": delegation,
        "meeting": meeting,
        "token": token,
        "form": form,
        "refusal": refusal,
        "own": own,
        "places": _places(own),
    }
    return render(request, "agenda/speakers_focal_point.html", context)


@private_link(methods=("POST",))
def speakers_focal_point_withdraw(request, delegation, token, pk):
    """A focal point withdraws one of its own waiting inscriptions; another delegation's
    inscription is not found (404), whatever its number."""
    inscription = get_object_or_404(
        Inscription.objects.select_related("speakers_list__agenda_item"),
        pk=pk,
        delegation=delegation,
    )
    try:
        services.inscription_withdraw_by_focal_point(
            inscription=inscription, delegation=delegation
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "inscription_refused":
            context = {"reason": error.messages[0], "delegation": delegation}
            return render(request, "agenda/speakers_closed.html", context, status=403)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Withdrawn: your delegation's inscription on %(item)s.")
            % {"item": inscription.speakers_list.agenda_item},
        )
    return redirect("speakers:focal_point", token=token)


def _places(own):
    """{inscription pk: place in its list's speaking order} for the focal point's own rows,
    one query per list they are on (a delegation is on a handful of lists)."""
    places = {}
    for speakers_list in {i.speakers_list for i in own}:
        ordered, _speaking, _withdrawn = speakers_list.rows()
        for number, inscription in enumerate(ordered, start=1):
            places[inscription.pk] = number
    return places
