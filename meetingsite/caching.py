"""Public pages cached under the data version, with ETag/Last-Modified and 304s.

Every change to a model that a public page shows (``PUBLIC_MODELS``) bumps
``DataVersion`` once its transaction commits; cached pages are keyed by that number,
so no process ever serves a page older than the data, whichever process made the
change. Changes no public page shows (``PRIVATE_MODELS``: check-ins at the desk,
credentials, audit rows, sessions, login attempts) leave the cache alone, so the desk's
busiest hour does not empty it. Code that writes public models with ``bulk_create`` or
``QuerySet.update`` (which send no signals) calls ``data_changed()`` itself.

A cached page answers only a Host in ALLOWED_HOSTS, and its key holds the path and only
the query parameters its view declares (``cached_page(params=...)``).
"""

import dataclasses
import datetime
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_request

from .models import DataVersion

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


class _Bump:
    """An on-commit callback that knows whether it has run yet."""

    pending = True

    def __call__(self):
        self.pending = False
        DataVersion.bump()


def data_changed(sender=None, **kwargs):
    """Bump the data version after the current transaction commits (once per transaction)."""
    if sender is not None:
        meta = getattr(sender, "_meta", None)
        if meta is None or meta.label_lower not in PUBLIC_MODELS:
            return
    if any(
        isinstance(func, _Bump) and func.pending
        for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_Bump())


@dataclasses.dataclass(frozen=True)
class CachedPage:
    content: bytes
    content_type: str
    etag: str
    last_modified: datetime.datetime
    valid_until: datetime.datetime | None
    extra_headers: tuple


PASSED_HEADERS = ("Content-Disposition",)


def _known_query(request, params):
    """The request's query string cut to ``params``, in a canonical order."""
    query = QueryDict(mutable=True)
    for name in sorted(params):
        if name in request.GET:
            query.setlist(name, request.GET.getlist(name))
    return QueryDict(query.urlencode())  # immutable, as Django's own request.GET


def _key(request, language, params):
    """The page's cache key, and the data version's (number, changed_at) it was built on.

    ``request.get_host()`` comes first: a Host outside ALLOWED_HOSTS raises
    DisallowedHost (Django answers 400) before any cached page is read. The key holds
    only the query parameters the view declares, so ``?anything=random`` cannot fill
    the cache. The version is read once per request: the middleware stores it on the
    request for the view decorator to reuse.
    """
    request.get_host()
    version = getattr(request, "_data_version", None)
    if version is None:
        version = request._data_version = DataVersion.current()
    target = f"{request.path}?{_known_query(request, params).urlencode()}"
    path = hashlib.sha256(target.encode()).hexdigest()
    return f"page:{version[0]}:{language}:{path}", version


def _fresh(page, now):
    return page is not None and (page.valid_until is None or now < page.valid_until)


def _respond(request, page, language):
    response = HttpResponse(page.content, content_type=page.content_type)
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

    Sits right after WhiteNoise: a cached public page costs one query (the data version)
    and a cache read, nearly what a static file costs. Misses go on to the view, whose
    ``cached_page`` decorator renders and stores the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = self._cached_page_params(request) if _cacheable(request) else None
        if params is not None:
            # The language LocaleMiddleware would choose (this project has no i18n_patterns).
            language = get_language_from_request(request)
            key, _version = _key(request, language, params)
            page = cache.get(key)
            if _fresh(page, timezone.now()):
                return _respond(request, page, language)
        return self.get_response(request)

    @staticmethod
    def _cached_page_params(request):
        """The query parameters of the ``cached_page`` view at this URL, or None when it
        is not one: only those URLs pay for the version read."""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return getattr(match.func, "page_params", None)


def cached_page(view=None, *, params=()):
    """Cache a public GET view's 200 responses under the data version and language.

    ``params`` names the query parameters the view reads (the programme's ``item``);
    the view sees only those, and other parameters are ignored: such a request is
    answered from the same entry as the URL without them, rather than rendered afresh,
    so that random query strings cost neither renders nor cache space.

    A view whose content also depends on the clock ("now and next") sets
    ``response.valid_until`` to the moment its content changes. A response that touched
    the session or set a CSRF cookie is personal and is never cached.
    """
    if view is None:
        return lambda view: cached_page(view, params=params)
    params = frozenset(params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        language = get_language()
        key, (_number, changed_at) = _key(request, language, params)
        page = cache.get(key)
        now = timezone.now()
        if not _fresh(page, now):
            # What the view renders must depend on nothing the key leaves out.
            request.GET = _known_query(request, params)
            response = view(request, *args, **kwargs)
            session = getattr(request, "session", None)
            if (
                response.status_code != 200
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                or (session is not None and session.accessed)
            ):
                return response
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
        return _respond(request, page, language)

    wrapper.page_params = params
    return wrapper
