"""Settings for the e-PMS site, read from the environment (12-factor)."""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pms_site.ldap_config import directory_settings

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    # Development only: one random key per checkout, kept out of git, so sessions survive restarts.
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "mptt",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "simple_history",
    "common",
    "orgchart",
    "kpi",
    "notices",
    "appraisal",
    "rewards",
    "django_tasks",
    "django_tasks_db",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "common.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "common.db.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.RequestGuardMiddleware",
    "common.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pms_site.urls"
WSGI_APPLICATION = "pms_site.wsgi.application"

# Django's renderer, with the plain inputs, text areas and selects written in Python (the same
# markup: see common/form_renderer.py).
FORM_RENDERER = "common.form_renderer.FastWidgetRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pms_site.context_processors.roles",
                "pms_site.context_processors.nav_urls",
            ],
            "builtins": ["common.templatetags.thai", "common.templatetags.help"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}


def _prepared_statements() -> dict:
    """PostgreSQL connection options: psycopg binds the parameters on the server, and the
    compiled look-ups by key (common.compiled: the form by id, its rows, the user's person) are
    prepared on each connection, so that PostgreSQL parses and plans them once per connection
    instead of on every request; every other query is planned for its own values as before
    (common.prepared says why). DATABASE_PREPARED_STATEMENTS=off prepares nothing (a PgBouncer in
    transaction mode older than 1.21 or without max_prepared_statements);
    DATABASE_SERVER_SIDE_BINDING=0 goes back to client-side binding altogether."""
    if not env_bool("DATABASE_SERVER_SIDE_BINDING", True):
        return {}
    value = os.environ.get("DATABASE_PREPARED_STATEMENTS", "on").strip().lower()
    if value in ("0", "off", "no", "false"):
        return {"server_side_binding": True, "prepare_threshold": None}
    if value not in ("1", "on", "yes", "true"):
        raise ImproperlyConfigured("DATABASE_PREPARED_STATEMENTS must be on or off")
    # Only what common.prepared asks for is prepared: psycopg's count of runs never is.
    return {"server_side_binding": True, "prepare_threshold": 2**31 - 1}


if "postgres" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("OPTIONS", {}).update(_prepared_statements())
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a background worker writes; IMMEDIATE avoids
    # "database is locked" when a read transaction later upgrades to a write.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    # The columns a PostgreSQL index carries for reads without the table (INCLUDE, as in
    # appraisal's form_person_round): SQLite keeps the index on its key columns only.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A streaming replica of the primary for HR's heavy pages (common.db): when set, the pages named
# in REPLICA_VIEWS read it; a person who wrote something reads the primary for
# REPLICA_STICKY_SECONDS afterwards, so they always see their own write. Unset: one database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
READ_REPLICA = bool(DATABASE_REPLICA_URL)
if READ_REPLICA:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if "postgres" in DATABASES["replica"]["ENGINE"]:
        DATABASES["replica"].setdefault("OPTIONS", {}).update(_prepared_statements())
    # Tests read the test database through the replica alias (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["common.db.ReplicaRouter"]
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "30"))
REPLICA_VIEWS = frozenset(
    {
        # Reports and exports of a round
        "reports:index",
        "reports:round",
        "reports:unit_report",
        "reports:unit_xlsx",
        "reports:announcement",
        "reports:unit_kpis",
        "reports:person_trend_pdf",
        "reports:raise_list_pdf",
        "reports:raise_list_xlsx",
        # The distribution, talent grid and alignment, development needs, trends
        "appraisal:distribution",
        "rewards:talent",
        "rewards:alignment",
        "rewards:development",
        "rewards:development_xlsx",
        "rewards:person_trend",
        "rewards:unit_trend",
    }
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Local passwords; with LDAP_SERVER_URI the office's directory first (pms_site/ldap_config.py,
# README "Directory login (LDAP)"). Axes stays in front of both.
_directory = directory_settings(os.environ)
AUTHENTICATION_BACKENDS = _directory.pop("AUTHENTICATION_BACKENDS")
DIRECTORY_LOGIN = _directory.pop("DIRECTORY_LOGIN")
globals().update(_directory)  # the AUTH_LDAP_* and DIRECTORY_* settings, with LDAP_SERVER_URI
if TESTING:
    # Hashing cost is irrelevant to what the tests check and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The cache and the sessions are shared by every app server, so that login throttling, report
# progress, cached pages and a signed-in session agree whichever server answers: Redis when
# REDIS_URL is set, otherwise a table of the database (created by `migrate`).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "epms"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "epms_cache",
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "epms"),
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
# With Redis, sessions are read from the cache and written through to the database, so that a
# restarted or flushed Redis signs nobody out; without it they are simply in the database (a
# database cache in front of the database would add queries, not speed).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password guessing: lock a username+address pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failures are counted in the database (axes' default handler), which every app server shares;
# axes' cache handler would do as well with Redis but not with a per-process cache.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("ไทย")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# The user manual's screenshots are served as static files under static/manual/ (common/help.py).
STATICFILES_DIRS = [BASE_DIR / "static", ("manual", BASE_DIR / "docs" / "manual" / "img")]
# Uploaded evidence, import files waiting for confirmation, generated books and the per-person
# PDF cache: all through Django's storage API (never a path), so that every app server and
# worker sees the same files. A private folder on a shared volume (MEDIA_ROOT: NFS or the like)
# by default; S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set. Either way the
# files are private: no URL is ever handed out, the permission-checked views stream them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = None
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Private objects: no public ACL, no query-string URLs handed out, no overwrite of
            # a file another server stored under the same name.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        },
    }
else:
    # Its folder is MEDIA_ROOT (read when first used); it has no URL (MEDIA_URL is None).
    _default_storage = {"BACKEND": "common.storage.PrivateFileStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Upload limits: an org import file or an evidence file, never more than this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Any request body larger than the largest upload plus its form is refused (413) before it is
# read (common.middleware.RequestGuardMiddleware); the proxy in front should say the same
# (nginx: client_max_body_size 11m), so that a big body never reaches the app server at all.
# Who read whose appraisal or salary (PDPA): kept this many days, pruned by
# `manage.py prune_access_log` (run it daily from cron or the scheduler).
ACCESS_LOG_DAYS = int(os.environ.get("ACCESS_LOG_DAYS", "730"))
REQUEST_BODY_MAX_BYTES = int(
    os.environ.get(
        "REQUEST_BODY_MAX_BYTES", str(max(IMPORT_MAX_BYTES, EVIDENCE_MAX_BYTES) + 1024 * 1024)
    )
)

# The office's name on the login page (default: the names of the departments in the data).
OFFICE_NAME = os.environ.get("OFFICE_NAME", "")
# A password reset link is valid this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(24 * 3600)))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "e-pms@localhost")
# The address people open the system at: e-mails (notices, reminders) link into it from here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security headers. HTTPS-only settings apply outside DEBUG; behind a proxy that terminates TLS
# set SECURE_PROXY_SSL_HEADER_ENABLED=1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer probes each app server directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)

# One line per request (common.middleware.RequestLogMiddleware, logger "epms.request"):
# key=value by default, or JSON with REQUEST_LOG_FORMAT=json; REQUEST_LOG=0 turns it off.
REQUEST_LOG_FORMAT = os.environ.get("REQUEST_LOG_FORMAT", "kv").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "axes": {"level": "WARNING"},
        "epms.request": {"level": "INFO" if env_bool("REQUEST_LOG", True) else "WARNING"},
    },
}

# Background work (django.tasks API through django-tasks): large unit reports are built by
# `manage.py db_worker`; tests run tasks at once, in the test's process.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
    }
}

# A round's heavy steps (opening it, moving it into the released phase, releasing) run in the
# request up to this many forms and in the background worker above it (appraisal.services.
# round_jobs): opening 254,550 forms took 82 s here and releasing them 278 s, past the app
# server's request timeout. A release goes in batches of ROUND_RELEASE_BATCH forms.
ROUND_SYNC_MAX_FORMS = int(os.environ.get("ROUND_SYNC_MAX_FORMS", "2000"))
ROUND_RELEASE_BATCH = int(os.environ.get("ROUND_RELEASE_BATCH", "1000"))
# The most rows one Excel export of a list writes in a request (a department's 254,550 forms
# took 108 s and 3.2 GB there); a longer one is written by the background worker and kept for
# its owner EXPORT_KEEP_HOURS (appraisal.export_jobs).
EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", "30000"))
EXPORT_KEEP_HOURS = int(os.environ.get("EXPORT_KEEP_HOURS", "24"))

# Tree writes take a PostgreSQL advisory lock; this key space is reserved for them.
ORGCHART_LOCK_NAMESPACE = 41_000
