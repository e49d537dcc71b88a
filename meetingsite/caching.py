"""Public pages cached under the data version, with ETag/Last-Modified and 304s.

Every change to a model of the ``delegations`` or ``agenda`` apps bumps
``DataVersion`` once its transaction commits; cached pages are keyed by that number,
so no process ever serves a page older than the data, whichever process made the
change. Code that writes with ``bulk_create`` or ``QuerySet.update`` (which send no
signals) calls ``data_changed()`` itself.
"""

import dataclasses
import datetime
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_request

from .models import DataVersion

TRACKED_APPS = frozenset({"delegations", "agenda"})
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
        if meta is None or meta.app_label not in TRACKED_APPS:
            return
        if sender.__name__.startswith("Historical"):  # audit rows, not data
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


def _key(request, language):
    """The page's cache key, and the data version's (number, changed_at) it was built on.

    The version is read once per request: the middleware stores it on the request for
    the view decorator to reuse.
    """
    version = getattr(request, "_data_version", None)
    if version is None:
        version = request._data_version = DataVersion.current()
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
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
        if _cacheable(request) and self._is_cached_page(request):
            # The language LocaleMiddleware would choose (this project has no i18n_patterns).
            language = get_language_from_request(request)
            key, _version = _key(request, language)
            page = cache.get(key)
            if _fresh(page, timezone.now()):
                return _respond(request, page, language)
        return self.get_response(request)

    @staticmethod
    def _is_cached_page(request):
        """Only URLs of ``cached_page`` views pay for the version read."""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return getattr(match.func, "page_cached", False)


def cached_page(view):
    """Cache a public GET view's 200 responses under the data version and language.

    A view whose content also depends on the clock ("now and next") sets
    ``response.valid_until`` to the moment its content changes. A response that touched
    the session or set a CSRF cookie is personal and is never cached.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        language = get_language()
        key, (_number, changed_at) = _key(request, language)
        page = cache.get(key)
        now = timezone.now()
        if not _fresh(page, now):
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

    wrapper.page_cached = True
    return wrapper
