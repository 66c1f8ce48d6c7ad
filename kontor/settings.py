"""Kontor's settings, read from the environment (12-factor).

With nothing set, Kontor runs on an SQLite file in the project folder with debug on, which is
what `make run` wants. A deployment sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, REDIS_URL and
TASKS_BACKEND (see README.md, "Running in production").
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no setting: 1/true/yes/on count as yes."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", "SECRET_KEY" not in os.environ)
# The fallback key is only for the local demo database; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "kontor-insecure-development-key-change-me")
if not DEBUG and "SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (deploy/README.md).")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kontor.core",
    "kontor.users",
    "kontor.currencies",
    "kontor.bookmarks",
    "kontor.savedviews",
    "kontor.accounts",
    "kontor.contacts",
    "kontor.targets",
    "kontor.leads",
    "kontor.opportunities",
    "kontor.activities",
    "kontor.dashboards",
    "kontor.reports",
    "kontor.forecasts",
    "kontor.funnel",
    "kontor.pipeline",
    "kontor.calendar",
    "kontor.conversion",
    "kontor.studio",
    "kontor.webforms",
    "kontor.feeds",
    "kontor.api",
    "kontor.webhooks",
    "kontor.imports",
    "kontor.suitecrm",
    "kontor.suiteapi",
    "kontor.notifications",
    "kontor.emails",
    "kontor.invitations",
    "kontor.mailboxes",
    "kontor.ops",
    "kontor.demo",
]

MIDDLEWARE = [
    "kontor.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kontor.ops.metrics.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kontor.users.sessions.SessionActivityMiddleware",
    "kontor.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kontor.core.middleware.SecurityHeadersMiddleware",
    "kontor.core.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "kontor.urls"
WSGI_APPLICATION = "kontor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kontor.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "kontor.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets two test runs share one PostgreSQL server without dropping each other's database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, relaxed fsync, a larger page cache and in-memory temp tables make SQLite a credible
    # default (docs/performance.md rule 8); IMMEDIATE transactions avoid "database is locked" on
    # upgrades from read to write locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000; "
            "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Covering indexes (the funnel's journeys by cohort) carry their counted columns for
    # PostgreSQL's index-only scans; SQLite builds them without those columns, as intended.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif os.environ.get("KONTOR_DB_STABLE_SCANS", "1") == "1":
    # A capped search collects its first matches in table order; PostgreSQL's synchronised
    # sequential scans would start each scan where another one stands, so the same search
    # would find other matches and "next" could repeat or skip rows. Off behind a pooler that
    # refuses the "options" start-up parameter: set it in postgresql.conf instead
    # (deploy/postgresql/kontor.conf does).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronize_seqscans=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The fast paths beside the ORM (kontor/core/fast/): off, every write and read they cover goes
# through the plain ORM call, with the same rows and answers.
KONTOR_FAST_PATHS = os.environ.get("KONTOR_FAST_PATHS", "1") == "1"
# PostgreSQL: on the fast paths, the hottest statements are prepared once per connection
# (kontor/core/fast/prepared.py). Off for a transaction-mode pooler older than PgBouncer 1.21.
KONTOR_DB_PREPARED = os.environ.get("KONTOR_DB_PREPARED", "1") == "1"

# --- Cache, sessions, background work ------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "kontor.core.jobs.DatabaseBackend"),
    }
}

# --- Auth ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's default hashers, then SuiteCRM's stored hashes of migrated users (only verified,
# and upgraded to the first entry on the user's first sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "kontor.suitecrm.hashers.SuiteCRMPasswordHasher",
]
# Django's password check; the session's user comes with their profile (one query, not two).
AUTHENTICATION_BACKENDS = ["kontor.users.backends.ModelBackendWithProfile"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kontor" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "kontor" / "static"]
# With DEBUG off, `kontor collectstatic` writes hashed names (cached for a year) and gzip
# copies (kontor.core.staticfiles); until it has run (tests, benchmarks) names stay plain and
# files are served straight from the apps and kontor/static.
if not DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "kontor.core.staticfiles.CompressedManifestStorage"},
    }
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT / "staticfiles.json").exists()
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_SIZE", str(20 * 1024 * 1024)))

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template, never read the cookie
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy, set by kontor.core.middleware.SecurityHeadersMiddleware on every
# response that has none of its own: scripts only from Kontor itself, no framing.
KONTOR_CSP = os.environ.get(
    "KONTOR_CSP",
    "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    ),
)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # HTTP is redirected to HTTPS, except the probes a load balancer or Prometheus sends to the
    # app server itself.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if int(os.environ.get("KONTOR_NUM_PROXIES", "0")) > 0:
    # The proxy terminates TLS and sets X-Forwarded-Proto on every request (deploy/nginx).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Team-scope lists whose teams hold at most this many records of a type collect those first
# (kontor.core.permissions.restrict); larger ones filter while walking the sort index.
KONTOR_SMALL_TEAM_SET = int(os.environ.get("KONTOR_SMALL_TEAM_SET", "5000"))
# The most rows an import file may have (kontor.imports.readers; 200 columns, 32 KB a cell).
KONTOR_IMPORT_MAX_ROWS = int(os.environ.get("KONTOR_IMPORT_MAX_ROWS", "2000000"))
KONTOR_IMPORT_MAX_BYTES = int(os.environ.get("KONTOR_IMPORT_MAX_BYTES", str(300 * 1024 * 1024)))
# Received mail (kontor.mailboxes): a message above this is stored by its header only, an
# attachment above this is left out with a note.
KONTOR_MAIL_MAX_MESSAGE_BYTES = int(os.environ.get("KONTOR_MAIL_MAX_MESSAGE_BYTES", str(50 << 20)))
KONTOR_MAIL_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("KONTOR_MAIL_MAX_ATTACHMENT_BYTES", str(20 << 20))
)
# Growing waits after failed sign-ins (kontor.users.signin): the free failures per username
# and address pair, and per client address (an office behind one NAT shares it).
KONTOR_SIGNIN_MAX_FAILURES = int(os.environ.get("KONTOR_SIGNIN_MAX_FAILURES", "5"))
KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS", "100")
)
KONTOR_SIGNIN_LOCK_SECONDS = int(os.environ.get("KONTOR_SIGNIN_LOCK_SECONDS", "900"))
# Days the account audit trail (Administration → Sign-ins) keeps an entry; `kontor
# prune_account_audit` (daily in deploy/systemd) removes older ones. 0 keeps them all.
KONTOR_ACCOUNT_AUDIT_DAYS = int(os.environ.get("KONTOR_ACCOUNT_AUDIT_DAYS", "400"))

# LOG_FORMAT=json: one JSON object per line with the request id, and an access line per
# request (kontor.core.logs); plain text, without access lines, otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "kontor.core.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "kontor.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"kontor.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"}},
}

# --- Kontor --------------------------------------------------------------------------------
# How many rows a list page shows, and where a list stops counting exactly
# (docs/performance.md rule 4).
KONTOR_PAGE_SIZE = 50
KONTOR_COUNT_LIMIT = 10_000
# A search collects at most this many matches before sorting (docs/performance.md rule 2).
KONTOR_SEARCH_CAP = 1_000
# "b2b": opportunities need an account; "b2c": people buy for themselves (docs/domain.md §1).
# This and the policy below are initial defaults: once an admin saves Administration →
# Installation settings, the stored values count (read them with kontor.core.config.mode()).
KONTOR_MODE = os.environ.get("KONTOR_MODE", "b2b")
# What the lead conversion form proposes (docs/domain.md §1): "early" converts a qualified lead
# to an open opportunity; "late" converts on purchase to a Closed Won one. Users can override it.
KONTOR_CONVERSION_POLICY = os.environ.get("KONTOR_CONVERSION_POLICY", "early")
# Web forms (kontor.webforms, docs/webforms.md): hosts a form may redirect to after submitting,
# the largest accepted submission, the minimum time a person needs to fill a form, how long a
# rendered form stays valid, and the rate limit per client address (submissions per window).
KONTOR_WEBFORM_REDIRECT_HOSTS = [
    h for h in os.environ.get("KONTOR_WEBFORM_REDIRECT_HOSTS", "").split(",") if h
]
KONTOR_WEBFORM_MAX_BYTES = int(os.environ.get("KONTOR_WEBFORM_MAX_BYTES", str(32 * 1024)))
KONTOR_WEBFORM_MIN_SECONDS = int(os.environ.get("KONTOR_WEBFORM_MIN_SECONDS", "3"))
KONTOR_WEBFORM_TOKEN_MAX_AGE = 24 * 60 * 60
KONTOR_WEBFORM_RATE = (int(os.environ.get("KONTOR_WEBFORM_RATE", "10")), 10 * 60)
# Sites that may show web forms in an iframe (CSP frame-ancestors; e.g. https://www.example.com).
KONTOR_WEBFORM_FRAME_ANCESTORS = [
    h for h in os.environ.get("KONTOR_WEBFORM_FRAME_ANCESTORS", "*").split(",") if h
]
# Sender of Kontor's e-mails (notifications, password resets): SMTP when EMAIL_HOST is set,
# else the console backend prints them (docs/operations.md, "E-mail").
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that does not answer must not hold a worker forever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kontor@localhost")
# The address of this installation, for links in notification e-mails and calendar feeds.
KONTOR_BASE_URL = os.environ.get("KONTOR_BASE_URL", "http://127.0.0.1:8000")

# --- REST API and webhooks (kontor.api, kontor.webhooks; docs/api.md) ---------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kontor.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kontor.api.auth.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["kontor.api.throttles.ApiRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["kontor.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "kontor.api.schema.KontorAutoSchema",
    "EXCEPTION_HANDLER": "kontor.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The rate limits' client address: REMOTE_ADDR unless KONTOR_NUM_PROXIES trusted proxies
    # append to X-Forwarded-For (a client could otherwise pick its address per request).
    "NUM_PROXIES": int(os.environ.get("KONTOR_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kontor API",
    "DESCRIPTION": "Records, conversions, upserts and webhooks of Kontor (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Tags start collapsed: with every one open, Swagger UI (sidecar 2026.10.1) drew only the
    # first two tags once the API had about 130 operations, without an error.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "docExpansion": "none"},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SECURITY": [{"bearerAuth": []}],
    # Choice sets reached under several names (an upsert's and a bulk item's result; the
    # sharing of saved views and of reports): named here, or `check --deploy` warns.
    "ENUM_NAME_OVERRIDES": {
        "UpsertResultEnum": ["created", "updated"],
        "BulkItemResultEnum": ["created", "updated", "error"],
        "ShareEnum": "kontor.users.sharing.Share",
    },
}
# Requests per minute of a signed-in caller and of an anonymous address; the largest JSON body.
KONTOR_API_RATE = os.environ.get("KONTOR_API_RATE", "1200/minute")
KONTOR_API_ANON_RATE = os.environ.get("KONTOR_API_ANON_RATE", "60/minute")
# The OpenAPI schema and its docs (/api/schema/, /api/docs/) for everyone, not only signed-in
# users: it names every field and filter, custom fields included (docs/api.md).
KONTOR_API_SCHEMA_PUBLIC = env_bool("KONTOR_API_SCHEMA_PUBLIC", False)
KONTOR_API_MAX_BODY = int(os.environ.get("KONTOR_API_MAX_BODY", str(4 * 1024 * 1024)))
KONTOR_IDEMPOTENCY_DAYS = 1
# Webhook deliveries: seconds to wait for the receiver, attempts before giving up.
KONTOR_WEBHOOK_TIMEOUT = float(os.environ.get("KONTOR_WEBHOOK_TIMEOUT", "5"))
KONTOR_WEBHOOK_ATTEMPTS = int(os.environ.get("KONTOR_WEBHOOK_ATTEMPTS", "6"))

# --- Operations (kontor.ops; docs/operations.md) --------------------------------------------
# /readyz checks that a task worker ran the heartbeat task within this many seconds; off for a
# deployment without a worker. `make run` starts one (manage.py worker).
KONTOR_READYZ_WORKER = env_bool("KONTOR_READYZ_WORKER", True)
KONTOR_READYZ_WORKER_MAX_AGE = int(os.environ.get("KONTOR_READYZ_WORKER_MAX_AGE", "120"))
# Each task worker beats this often; a worker silent for KONTOR_WORKER_DEAD_AFTER seconds is
# dead and its task runs again on another (kontor.ops.workers).
KONTOR_WORKER_BEAT_SECONDS = float(os.environ.get("KONTOR_WORKER_BEAT_SECONDS", "10"))
KONTOR_WORKER_DEAD_AFTER = float(os.environ.get("KONTOR_WORKER_DEAD_AFTER", "60"))
# /metrics answers requests from this machine, and others that send this bearer token.
KONTOR_METRICS_TOKEN = os.environ.get("KONTOR_METRICS_TOKEN", "")
