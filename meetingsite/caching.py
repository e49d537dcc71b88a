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
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

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


def cached_page(view):
    """Cache a public GET view's 200 responses under the data version and language.

    A view whose content also depends on the clock ("now and next") sets
    ``response.valid_until`` to the moment its content changes. Responses that set a
    CSRF cookie are personal and are never cached.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE:
            return view(request, *args, **kwargs)
        number, changed_at = DataVersion.current()
        language = get_language()
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{number}:{language}:{path}"
        page = cache.get(key)
        now = timezone.now()
        if page is None or (page.valid_until is not None and now >= page.valid_until):
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
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
        response = HttpResponse(page.content, content_type=page.content_type)
        for name, value in page.extra_headers:
            response[name] = value
        response["ETag"] = page.etag
        response["Last-Modified"] = http_date(page.last_modified.timestamp())
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return get_conditional_response(
            request,
            etag=page.etag,
            last_modified=int(page.last_modified.timestamp()),
            response=response,
        )

    return wrapper
