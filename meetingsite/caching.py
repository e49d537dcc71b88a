"""Public pages cached under the data versions, with ETag/Last-Modified and 304s.

Every change to a model that a public page shows (``PUBLIC_MODELS``) bumps a version
once its transaction commits: the meeting's own (``MeetingVersion``) for rows of one
meeting (its delegations, participants, sessions, agenda items, speakers' lists), the
global ``DataVersion`` for rows every meeting shows (organizations, officials, rooms,
the meetings themselves: their list, and which one is current). A page is keyed by the
global number and its meeting's, so no process ever serves a page older than the data,
whichever process made the change, and a change to one meeting keeps the others cached.
Changes no public page shows (``PRIVATE_MODELS``: check-ins at the desk, credentials,
audit rows, sessions, login attempts) leave the cache alone, so the desk's busiest hour
does not empty it. Code that writes public models with ``bulk_create`` or
``QuerySet.update`` (which send no signals) calls ``data_changed()`` itself, with
``meeting=`` when the rows are one meeting's.

A cached page answers only a Host in ALLOWED_HOSTS, and its key holds the path and only
the query parameters its view declares (``cached_page(params=...)``), each value in its
canonical form: every value its cleaner refuses (``?item=zzz``) reads as one "invalid",
so garbage makes no new entry. When a page has just been invalidated, one request renders
it while the others wait briefly for the result (``cache.add`` as a lock: atomic in
LocMem within a process and in Redis across processes), so a burst costs one render.
"""

import dataclasses
import datetime
import hashlib
import time
import uuid
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_request

from .models import DataVersion, MeetingVersion

# The models whose rows some public page shows (the programme, sessions, feeds,
# participants, speakers' lists, the meeting list): a change to one bumps the version.
# SessionItem is also the through model of Session.agenda_items (m2m_changed's sender).
PUBLIC_MODELS = frozenset(
    {
        "delegations.meeting",
        "delegations.organization",
        "delegations.official",
        "delegations.delegation",
        "delegations.participant",
        "agenda.room",
        "agenda.agendaitem",
        "agenda.session",
        "agenda.sessionitem",
        "agenda.speakerslist",
        "agenda.inscription",  # the public speakers' list shows every inscription
    }
)
# The models of the same apps that no public page shows: their changes keep the cache.
# Every model of ``delegations`` and ``agenda`` is in one list or the other (a test
# fails when a new model is in neither), so adding one forces the choice. Models of
# other apps (sessions, axes, auth, simple-history's Historical* rows) never bump.
PRIVATE_MODELS = frozenset(
    {
        "delegations.credentials",  # the secretariat's and the focal point's pages only
        "agenda.attendance",  # desk check-ins: the desk and the attendance record
        "agenda.participantlistversion",  # issued lists, printed from the desk
        "agenda.seatingdraw",  # the seating plan, a desk document
    }
)
CACHE_SECONDS = 24 * 3600


# How a public row names its meeting: the foreign keys to follow, then ``meeting``.
# Public models not listed here (organizations, officials, rooms, meetings) are shown
# by every meeting's pages, or by the meeting list, and bump the global version.
MEETING_PATHS = {
    "delegations.delegation": (),
    "delegations.participant": ("delegation",),
    "agenda.agendaitem": (),
    "agenda.session": (),
    "agenda.sessionitem": ("session",),
    "agenda.speakerslist": ("agenda_item",),
    "agenda.inscription": ("delegation",),
}


class _Bump:
    """An on-commit callback that knows whether it has run yet, and what it bumps."""

    def __init__(self):
        self.pending = True
        self.everything = False
        self.meetings = set()

    def __call__(self):
        self.pending = False
        with transaction.atomic():
            if self.everything:
                DataVersion.bump()  # every page's key holds it
            else:
                MeetingVersion.bump(self.meetings)


def _meeting_of(label, instance):
    """The id of the meeting whose pages show ``instance``, or None when unknown."""
    obj = instance
    path = list(MEETING_PATHS[label])
    while path:
        field = obj._meta.get_field(path.pop(0))
        if field.is_cached(obj):
            obj = field.get_cached_value(obj)
            if obj is None:
                return None
            continue
        lookup = "__".join([*path, "meeting"])
        return (
            field.related_model._base_manager.filter(pk=getattr(obj, field.attname))
            .values_list(lookup, flat=True)
            .first()
        )
    return getattr(obj, "meeting_id", None)


def data_changed(sender=None, instance=None, meeting=None, **kwargs):
    """Bump the data versions after the current transaction commits (once per transaction).

    As a signal receiver: the version of the meeting ``instance`` belongs to, or the
    global one. Called by hand (after ``bulk_create`` or ``update``): the version of
    ``meeting`` when given, else the global one.
    """
    meeting_id = None
    if sender is not None:
        meta = getattr(sender, "_meta", None)
        if meta is None or meta.label_lower not in PUBLIC_MODELS:
            return
        if kwargs.get("action") in ("pre_add", "pre_remove", "pre_clear"):
            return  # m2m_changed: the post_ signal follows
        if kwargs.get("action"):  # m2m_changed: instance is a Session or an AgendaItem
            meeting_id = getattr(instance, "meeting_id", None)
        elif meta.label_lower in MEETING_PATHS and instance is not None:
            meeting_id = _meeting_of(meta.label_lower, instance)
    elif meeting is not None:
        meeting_id = getattr(meeting, "pk", meeting)
    bump = next(
        (
            func
            for _sids, func, _robust in connection.run_on_commit
            if isinstance(func, _Bump) and func.pending
        ),
        None,
    )
    if bump is None:
        bump = _Bump()
        register = True
    else:
        register = False
    if meeting_id is None:
        bump.everything = True
    else:
        bump.meetings.add(meeting_id)
    if register:
        transaction.on_commit(bump)


@dataclasses.dataclass(frozen=True)
class CachedPage:
    content: bytes
    content_type: str
    etag: str
    last_modified: datetime.datetime
    valid_until: datetime.datetime | None
    extra_headers: tuple


PASSED_HEADERS = ("Content-Disposition",)


# What a cleaner gives for a value that is not one: every such value shares one entry,
# and the view sees this text, which no valid value is, and says the value is wrong.
INVALID = "invalid"


def integer(low, high):
    """A cleaner for ``cached_page(params=...)``: a whole number from low to high."""

    def clean(value):
        value = value.strip()
        if not value:
            return None
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            return INVALID
        return str(int(value))

    return clean


def iso_date(value):
    """A cleaner for ``cached_page(params=...)``: a calendar date as YYYY-MM-DD."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        return INVALID


def _keep(value):
    return value


def _known_query(request, params):
    """The request's query string cut to ``params``, values canonical, in a fixed order.

    ``params`` maps each name to its cleaner: the value's canonical text, None for an
    empty value (dropped, as if absent), or ``INVALID`` for any value that is not one.
    Only a parameter's last value is kept.
    """
    query = QueryDict(mutable=True)
    for name in sorted(params):
        if name in request.GET:
            value = params[name](request.GET[name])
            if value is not None:
                query[name] = value
    return QueryDict(query.urlencode())  # immutable, as Django's own request.GET


def _versions_sql(slug):
    meeting = apps.get_model("delegations", "Meeting")._meta.db_table
    where = "m.slug = %s" if slug is not None else "m.is_current = %s"
    return (
        "SELECT d.number, d.changed_at, v.number, v.changed_at, m.id"
        f" FROM {DataVersion._meta.db_table} d"
        f" LEFT JOIN {meeting} m ON {where}"
        f" LEFT JOIN {MeetingVersion._meta.db_table} v ON v.meeting_id = m.id"
        " WHERE d.id = 1"
    )


def _aware(value):
    if isinstance(value, str):  # SQLite gives text, or naive datetimes, in UTC
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def page_versions(slug=None):
    """The versions a page of the meeting ``slug`` (the current one when None) is keyed
    by, "<global>.<meeting>", and when either last changed: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(slug), [slug if slug is not None else True])
        row = cursor.fetchone()
    if row is None:
        return "0.0", timezone.now().replace(microsecond=0)
    number, changed_at, meeting_number, meeting_changed_at, meeting_id = row
    changed_at = _aware(changed_at)
    if meeting_id is None:
        meeting_number = 0
    elif meeting_number is None:
        meeting_number = 1  # never bumped (MeetingVersion.bump starts its rows at 2)
    else:
        changed_at = max(changed_at, _aware(meeting_changed_at))
    return f"{number}.{meeting_number}", changed_at


def _key(request, language, params, slug=None):
    """The page's cache key, and the versions ("<global>.<meeting>", changed_at) it was
    built on.

    ``request.get_host()`` comes first: a Host outside ALLOWED_HOSTS raises
    DisallowedHost (Django answers 400) before any cached page is read. The key holds
    only the query parameters the view declares, so ``?anything=random`` cannot fill
    the cache. The versions are read once per request: the middleware stores them on
    the request for the view decorator to reuse.
    """
    request.get_host()
    version = getattr(request, "_data_version", None)
    if version is None:
        version = request._data_version = page_versions(slug)
    target = f"{request.path}?{_known_query(request, params).urlencode()}"
    path = hashlib.sha256(target.encode()).hexdigest()
    return f"page:{version[0]}:{language}:{path}", version


def _fresh(page, now):
    return page is not None and (page.valid_until is None or now < page.valid_until)


def _respond(request, page, language, how="hit"):
    """The cached ``page`` as a response; ``X-Cache`` says whether this request found it
    cached ("hit"), rendered it ("miss") or waited for another request's render ("wait")."""
    response = HttpResponse(page.content, content_type=page.content_type)
    response["X-Cache"] = how
    for name, value in page.extra_headers:
        response[name] = value
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    response["Content-Language"] = language
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return get_conditional_response(
        request,
        etag=page.etag,
        last_modified=int(page.last_modified.timestamp()),
        response=response,
    )


def _cacheable(request):
    return request.method in ("GET", "HEAD") and settings.PAGE_CACHE


class PageCacheMiddleware:
    """Answer from the page cache before sessions, authentication and the rest run.

    Sits right after WhiteNoise: a cached public page costs one query (the data
    versions) and a cache read, nearly what a static file costs. Misses go on to the
    view, whose ``cached_page`` decorator renders and stores the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = self._cached_page_match(request) if _cacheable(request) else None
        if match is not None:
            # The language LocaleMiddleware would choose (this project has no i18n_patterns).
            language = get_language_from_request(request)
            key, _version = _key(
                request, language, match.func.page_params, match.kwargs.get("slug")
            )
            page = cache.get(key)
            if _fresh(page, timezone.now()):
                return _respond(request, page, language)
        return self.get_response(request)

    @staticmethod
    def _cached_page_match(request):
        """The URL match when a ``cached_page`` view answers this URL, or None: only those
        URLs pay for the version read."""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return match if hasattr(match.func, "page_params") else None


# Single flight: how long a render may hold the lock, and how long the others wait for it
# before rendering themselves (a render that died or is very slow must not stop the site).
LOCK_SECONDS = 30
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.02


def _render_once(key, render):
    """The page at ``key``: rendered by ``render()`` (which stores it, or returns None
    when the response is not cacheable) in one request while the others wait for it.

    Returns (page, response, how): ``page`` to answer from, or ``response`` to send as
    it is; ``how`` is "miss" when this request rendered, "wait" when it waited.
    """
    if not settings.PAGE_RENDER_ONCE:
        return *render(), "miss"
    lock = f"{key}:render"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if cache.add(lock, token, LOCK_SECONDS):
            try:
                # A render may have stored the page and let go of the lock between this
                # request's last look at the page and its taking the lock.
                page = cache.get(key)
                if _fresh(page, timezone.now()):
                    return page, None, "wait"
                return *render(), "miss"
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        # Another request is rendering this page: wait for its result.
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            page = cache.get(key)
            if _fresh(page, timezone.now()):
                return page, None, "wait"
            if cache.get(lock) is None:
                break  # it finished without storing a page (or failed): try the lock
        else:
            return *render(), "miss"


def cached_page(view=None, *, params=()):
    """Cache a public GET view's 200 responses under the data versions and language.

    ``params`` names the query parameters the view reads (the programme's ``item``):
    a tuple of names (any value kept), or a dict of name to cleaner (``integer(1, 999)``,
    ``iso_date``), which gives a value's canonical text, None for an empty one (dropped),
    or ``INVALID`` for garbage (``?day=zzz``: every such value shares one entry, and the
    view, seeing "invalid", says the value is wrong). The view sees only those
    parameters, cleaned, and other parameters are ignored: such a request is answered
    from the same entry as the URL without them, rather than rendered afresh, so that
    random query strings cost neither renders nor cache space.

    On a miss one request renders while the others for the same page wait for it
    (``_render_once``). A view whose content also depends on the clock ("now and next")
    sets ``response.valid_until`` to the moment its content changes. A response that
    touched the session or set a CSRF cookie is personal and is never cached.
    """
    if view is None:
        return lambda view: cached_page(view, params=params)
    if not isinstance(params, dict):
        params = dict.fromkeys(params, _keep)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        language = get_language()
        key, (_versions, changed_at) = _key(request, language, params, kwargs.get("slug"))
        page = cache.get(key)
        response = None

        def render():
            now = timezone.now()
            # What the view renders must depend on nothing the key leaves out.
            request.GET = _known_query(request, params)
            response = view(request, *args, **kwargs)
            session = getattr(request, "session", None)
            if (
                response.status_code != 200
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                or (session is not None and session.accessed)
            ):
                return None, response
            if getattr(response, "render", None) and not response.is_rendered:
                response.render()
            content = response.content
            valid_until = getattr(response, "valid_until", None)
            page = CachedPage(
                content=content,
                content_type=response["Content-Type"],
                etag=f'"{hashlib.sha256(content).hexdigest()[:32]}"',
                last_modified=now if valid_until else changed_at,
                valid_until=valid_until,
                extra_headers=tuple(
                    (name, response[name]) for name in PASSED_HEADERS if response.has_header(name)
                ),
            )
            timeout = CACHE_SECONDS
            if valid_until is not None:
                timeout = max(1, min(timeout, int((valid_until - now).total_seconds()) + 1))
            cache.set(key, page, timeout)
            return page, None

        how = "hit"
        if not _fresh(page, timezone.now()):
            page, response, how = _render_once(key, render)
        if response is not None:
            return response
        return _respond(request, page, language, how)

    wrapper.page_params = params
    return wrapper
