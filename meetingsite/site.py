"""Absolute links to this site, for feeds and e-mails.

They are built from ``settings.SITE_URL``, never from the request: the Host header is
whatever the client sent, and a link built from it would be cached in feeds for every
later reader, or mailed to a focal point.
"""

from django.conf import settings


def site_url(path):
    """The absolute URL of ``path`` (as ``reverse`` returns it, starting with "/")."""
    if not path.startswith("/"):
        raise ValueError(f"site_url() takes a path from the site's root, not {path!r}")
    return settings.SITE_URL + path
