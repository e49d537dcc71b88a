"""Settings for the test suite: the project's settings, made fast and hermetic."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the finders, as in development; tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Throttling is switched on by the tests that exercise it; client.login() in other tests
# has no request for django-axes to inspect.
AXES_ENABLED = False

# Pages are not cached in tests, so a test sees its own writes at once (the version
# stamp is bumped on commit, and tests never commit); tests/test_caching.py turns the
# cache on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Absolute links in feeds and e-mails read as the test client's requests would; the
# tests that a forged Host never reaches them set another SITE_URL.
SITE_URL = "http://testserver"

# SQLite tests run on a file, not in memory: with an in-memory database Django's live
# server shares the test's one connection among its request threads, and a browser that
# sends two requests at once can hang both. With a file each thread has its own
# connection and SQLite's own locking. (pytest-xdist gives each worker its own file.)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(BASE_DIR / "test-db.sqlite3")  # noqa: F405
