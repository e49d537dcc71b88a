"""gunicorn's configuration for `make serve`: an access log that never shows a private link.

A delegation's registration token is its password: whoever reads /register/<token>/ in
a log can register, or withdraw, that delegation. The access log keeps the rest of the
path, so a request can still be told apart (/register/…masked…/credentials/).
"""

import re

from gunicorn.glogging import Logger

# Private links are /register/<token>/… and /meetings/<slug>/register/<token>/… alike.
_TOKEN = re.compile(r"(/register/)[^/?#\s]+")
MASK = "…masked…"


def mask_tokens(text):
    """The text with every registration token in it replaced by MASK."""
    if not isinstance(text, str):
        return text
    return _TOKEN.sub(rf"\g<1>{MASK}", text)


class MaskingLogger(Logger):
    """gunicorn's logger, with tokens masked in every atom of the access log: the request
    line and path, and headers such as the Referer that a page under a link sends."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_tokens(value) for key, value in atoms.items()}


logger_class = MaskingLogger
accesslog = "-"
