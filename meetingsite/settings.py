"""Settings for meetingsite, read from the environment (12-factor).

Every value has a development default except SECRET_KEY and SITE_URL, which must come
from the environment whenever DEBUG is off.
"""

import datetime
import importlib.util
import urllib.parse
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# The site's origin (scheme, host, port) for every absolute link in feeds and e-mails,
# which never come from the request's Host header: one request with a forged Host would
# otherwise put that host into cached feeds and into the links a focal point is sent.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL (e.g. https://meetings.example.org) must be set in the environment "
            "when DEBUG is off."
        )
    SITE_URL = "http://127.0.0.1:8000"
_site = urllib.parse.urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.netloc or _site.path or _site.query:
    raise ImproperlyConfigured(
        f"SITE_URL must be an origin such as https://meetings.example.org, not {SITE_URL!r}."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin, so that its translated-field widgets and static files win.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "meetingsite.apps.MeetingsiteConfig",
    "delegations",
    "agenda",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public pages are answered here, before sessions and authentication.
    "meetingsite.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view: a NUL character in the address is a 400, on every database.
    "meetingsite.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "meetingsite.auth.ModelBackendInOneQuery",
]

# Login throttling (django-axes), for the admin and the desk alike: after
# AXES_FAILURE_LIMIT failures an address, and separately a username, is locked out for
# a while. The secretariat sees and lifts locks in the admin ("Access attempts").
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# Behind a load balancer the connection comes from the proxy: the client's address is
# the one the outermost of AXES_PROXY_COUNT proxies wrote into X-Forwarded-For. (Axes's
# own AXES_IPWARE_* settings need django-ipware, which is not installed: without it axes
# silently uses REMOTE_ADDR, and every member of staff shares one lock.)
# Named PROXY_COUNT here: django-axes warns (axes.W004) about a setting of its old name.
PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "meetingsite.proxies.client_ip"

# Content Security Policy (django-csp): only our own scripts and styles, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "meetingsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The programme's session tables, rendered by Jinja2 for speed (meetingsite/jinja.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "meetingsite.jinja.environment"},
    },
]

WSGI_APPLICATION = "meetingsite.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections between requests (a new PostgreSQL connection costs milliseconds).
# No CONN_HEALTH_CHECKS: its "SELECT 1" on every request would double what a cached page
# costs the database; a broken connection is still dropped after the request it fails.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"].setdefault("TEST", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The six official languages of the United Nations.
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The meeting's own words (titles, places, positions, names) in each official language,
# with django-modeltranslation: a column per language in the same table, so the programme
# reads every language without a join (delegations/translation.py, agenda/translation.py).
# English is the language of record; an empty translation shows English, then any
# language that has the text, and templates mark such a value with its own lang
# (agenda.templatetags.agenda_extras.lang_attr).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es", "ru", "zh-hans", "ar")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": MODELTRANSLATION_LANGUAGES}
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap 5 from its PyPI package (xstatic-bootstrap), served as static/bootstrap/.
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
# Uploaded and generated files (credentials, printed documents) in a store every app host
# shares. FILE_STORAGE=database (the default, meetingsite/storage.py): rows of the same
# database, written in the same transaction as what names them, and in every backup.
# FILE_STORAGE=s3: an S3-compatible bucket through django-storages (pip install
# "django-storages[s3]"); the bucket's own versioning or replication backs its files up.
# FILE_STORAGE=filesystem: MEDIA_ROOT, for a single host only.
FILE_STORAGE = env.str("FILE_STORAGE", default="database")
if FILE_STORAGE == "database":
    _default_storage = {"BACKEND": "meetingsite.storage.DatabaseStorage"}
elif FILE_STORAGE == "s3":
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            'FILE_STORAGE=s3 needs django-storages: pip install "django-storages[s3]".'
        )
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default=None),
            "location": env.str("AWS_LOCATION", default=""),
            # Private objects, never overwritten: files are handed out by our views.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif FILE_STORAGE == "filesystem":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(
        f"FILE_STORAGE must be database, s3 or filesystem, not {FILE_STORAGE!r}."
    )
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console backend by default; EMAIL_URL (e.g. smtp+tls://user:pw@host:587)
# switches to SMTP.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
    if _key in _email:
        globals()[_key] = _email[_key]
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
    # django-environ drops the leading "/" of filemail:///var/mail/meetingsite and reads
    # filemail://relative/dir as a host; take the directory from the URL itself, a relative
    # one from the project's folder. Without it the backend fails on every message.
    _url = urllib.parse.urlsplit(env.str("EMAIL_URL"))
    EMAIL_FILE_PATH = str(BASE_DIR / (_url.netloc + urllib.parse.unquote(_url.path)))
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="meetings@un.org")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Production security. TLS ends at the load balancer, which sets X-Forwarded-Proto.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The language choice too: sent only over HTTPS, and not on requests from other sites.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The cache: this process's memory by default; Redis, shared by every app process, when
# REDIS_URL is set.
REDIS_URL = env.str("REDIS_URL", default="")
# Off only to measure pages uncached (make bench).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
# One render for a burst of requests for a page just invalidated (the others wait for
# it); off only to measure the difference (make bench, bench/burst.py).
PAGE_RENDER_ONCE = env.bool("PAGE_RENDER_ONCE", default=True)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background work (Celery, meetingsite/celery.py): long PDFs and e-mails. With
# CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1) the web processes queue tasks there and
# workers (`make worker`) run them; without it each task runs at once in the process that
# queues it, so `make run` and the tests need no broker and no worker.
_broker = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not _broker
# Never reached when eager; named so that nothing looks for a broker on localhost.
CELERY_BROKER_URL = _broker or "memory://"
# Run eagerly, a task's failure is the caller's (as a send or a render inline would be).
CELERY_TASK_EAGER_PROPAGATES = True
# Where a task stands is kept in our own tables (meetingsite.PdfJob), shared by every host:
# no result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is taken off the queue once done, not once received: a worker killed in the
# middle of a PDF leaves it to another worker. One task at a time per worker process, so
# a long PDF never holds e-mails queued behind it on that process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged task to another worker after this long (seconds): longer
# than the longest PDF.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
