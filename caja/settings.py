"""Caja settings: everything comes from the environment (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env is read when present; the process environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# An insecure key is only acceptable for local development; production sets SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="caja-insecure-dev-key-change-me-" + "x" * 32)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Phones are sent to PUBLIC_BASE_URL: its host is one we serve (`make run HOST=0.0.0.0` puts this
# machine's LAN address there), so it never answers 400 DisallowedHost to the people it invited.
# Only an address set on purpose: the built-in default must not widen a production host list.
_public_host = urlsplit(env.str("PUBLIC_BASE_URL", default="")).hostname
if _public_host and "*" not in ALLOWED_HOSTS and _public_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(f"[{_public_host}]" if ":" in _public_host else _public_host)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "rest_framework_api_key",
    "core",
    "sessions_app",
    "participants",
    "activities",
    "live",
]

MIDDLEWARE = [
    "core.middleware.RequestIDMiddleware",
    "core.middleware.ApiTrailingSlashMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The pages and the API speak the phone's language: the switcher's cookie, else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ApiErrorPageMiddleware",
]

ROOT_URLCONF = "caja.urls"
# Paths work with and without a trailing slash through the routers; never redirect.
APPEND_SLASH = False

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
]

WSGI_APPLICATION = "caja.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A stopped server refuses at once (503 in milliseconds); the timeout only bounds a host that
    # does not answer. 5 s, not less: 200 phones voting at once on a cold worker open 200
    # connections, and on a busy 2-core host forking those backends took over 2 s (measured:
    # 2 of 200 votes got 503 with a 2 s timeout).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
    if env.bool("DB_POOL", default=False):
        # Django 5.1+ psycopg 3 pool; not combinable with CONN_MAX_AGE.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=2),
            "max_size": env.int("DB_POOL_MAX", default=10),
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        # Off by default: a health check is a "SELECT 1" round trip before each request's first
        # query, which doubles the database round trips of a vote. A connection whose server went
        # away (restart, failover) is dropped without a round trip instead (core.db_health, on
        # request_started); the vote path also retries once on a new connection
        # (activities.services.response_submit_fast) for a server that vanished without a word.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_HEALTH_CHECKS", default=False)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout keep a small meeting on SQLite from "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
# Each request is one transaction: a failure after a write rolls the write back.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://caja")}
CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="caja"))
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A dead or hung Redis must cost a poll milliseconds, not a worker: short socket timeouts,
    # after which the app degrades to the database (see live/snapshot.py).
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
            "socket_timeout": env.float("CACHE_TIMEOUT", default=0.5),
            "health_check_interval": 10,
        }
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# What participants and the presenter screen can be shown in (docs/translations.md). Only these: a
# language without a complete catalog would show a page half in English.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The phone page's language switcher sets this cookie (a year, so the choice sticks).
LANGUAGE_COOKIE_NAME = "caja_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (nginx serves it); overridable for containers and the stack test.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# The activity types' renderers live in their packages (activities/types/<key>/static), found by
# a finder that reads TYPE_PACKAGES once the apps are ready (activities/staticfinders.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "activities.staticfinders.TypeStaticFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- media (uploaded images: docs/operations.md "Media storage") ------------------------------
# Uploaded images go through the "default" storage above (a folder on one host; a shared volume
# or S3-compatible storage through django-storages on several). Names are content-addressed
# (media/<sha256>.<ext>), so a URL never changes meaning and is cached for a year.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
# Django serves MEDIA_URL itself when true (make run); behind nginx, nginx serves the folder.
MEDIA_SERVE = env.bool("MEDIA_SERVE", default=DEBUG)
# An upload's file: 413 past MEDIA_MAX_BYTES, 400 past MEDIA_MAX_PIXELS (a decompression bomb
# included), resized to MEDIA_MAX_SIDE px on its longest side.
MEDIA_MAX_BYTES = env.int("MEDIA_MAX_BYTES", default=10 * 1024 * 1024)
MEDIA_MAX_PIXELS = env.int("MEDIA_MAX_PIXELS", default=50_000_000)
MEDIA_MAX_SIDE = env.int("MEDIA_MAX_SIDE", default=2560)

# Request body limit: 413 PAYLOAD_TOO_LARGE above it (checked before parsing).
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(MAX_REQUEST_BODY_BYTES, 2_621_440)
# Uploads that may be larger than that: (path regex, method, limit). A media upload's body is its
# file plus the multipart envelope; the file itself is held to MEDIA_MAX_BYTES by the view.
# A deck (POST /sessions/{id}/deck): a PDF of at most DECK_MAX_BYTES (413) and DECK_MAX_PAGES
# pages (400); each page becomes a slide whose image goes through the same checks as an upload.
DECK_MAX_BYTES = env.int("DECK_MAX_BYTES", default=50 * 1024 * 1024)
DECK_MAX_PAGES = env.int("DECK_MAX_PAGES", default=100)
UPLOAD_BODY_LIMITS = [
    (r"^/api/v1/sessions/[0-9a-fA-F-]{32,36}/media/?$", "POST", MEDIA_MAX_BYTES + 64 * 1024),
    (r"^/api/v1/sessions/[0-9a-fA-F-]{32,36}/deck/?$", "POST", DECK_MAX_BYTES + 64 * 1024),
]

# --- security (production values come from the environment) ---------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_EXPOSE_HEADERS = ["ETag", "X-Request-ID", "X-Poll-Interval", "Retry-After"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "if-none-match",
    "x-participant-token",
    "x-request-id",
]

# --- REST framework ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.EnvelopePagination",
    "PAGE_SIZE": 20,
    # DRF's JSONParser plus a 400 for deeply nested documents (caja/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    # OPTIONS: no per-field description built from serializers (caja/metadata.py).
    "DEFAULT_METADATA_CLASS": "core.metadata.ContractMetadata",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Proxies in front of gunicorn whose X-Forwarded-For entries are trusted (nginx: 1). With 0
    # the client address is REMOTE_ADDR: a client cannot dodge the join limit with a forged header.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "join_ip": env.str("THROTTLE_JOIN_IP", default="600/min"),
        "answer": env.str("THROTTLE_ANSWER", default="60/min"),
        "question": env.str("THROTTLE_QUESTION", default="10/min"),
        "upvote": env.str("THROTTLE_UPVOTE", default="120/min"),
    },
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=60)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Caja API",
    "DESCRIPTION": "Live audience interaction for workplace events.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema_hooks.add_common_error_responses",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "sessions_app.models.SessionStatus",
        "ActivityStatusEnum": "activities.models.ActivityStatus",
        "QuestionStatusEnum": "activities.models.QuestionStatus",
        "SessionRoleEnum": "sessions_app.models.SessionRole",
        "LanguageEnum": "caja.settings.LANGUAGES",
    },
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "ParticipantToken": {"type": "apiKey", "in": "header", "name": "X-Participant-Token"}
        }
    },
}

# --- Caja ------------------------------------------------------------------------------------
# Extra words refused by the word-cloud profanity filter, on top of the shipped list.
CAJA_PROFANITY_EXTRA = env.list("CAJA_PROFANITY_EXTRA", default=[])
# Seconds between two writes of a participant's last_activity (polls must not become writes).
CAJA_PRESENCE_INTERVAL = env.int("CAJA_PRESENCE_INTERVAL", default=10)
# Presence marks are buffered per process and written in one UPDATE at most this often (s).
CAJA_PRESENCE_FLUSH_SECONDS = env.float("CAJA_PRESENCE_FLUSH_SECONDS", default=1.0)
# Under a storm of answers a session's snapshot is rebuilt at most once per this many seconds.
CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = env.float("CAJA_SNAPSHOT_MIN_REBUILD_SECONDS", default=0.25)
# A worker reuses a session's version read from the shared cache for this long (seconds): a change
# made through another worker shows up in polls at most this much later.
CAJA_VERSION_MEMO_SECONDS = env.float("CAJA_VERSION_MEMO_SECONDS", default=0.1)
# Serves /bench/constant/<size> for the benchmark's ceiling measurement (never in production).
CAJA_BENCH_CEILING = env.bool("CAJA_BENCH_CEILING", default=False)
# A vote or heartbeat that waited longer than this (seconds) between the proxy and a worker is
# refused at once with 503 + Retry-After instead of queueing on (caja/shedding.py); needs the
# proxy's X-Request-Start header (deploy/nginx.conf). 0 turns it off.
CAJA_SHED_QUEUE_SECONDS = env.float("CAJA_SHED_QUEUE_SECONDS", default=2.0)
# Suggested poll interval in seconds (X-Poll-Interval), raised under load.
CAJA_POLL_INTERVAL = env.float("CAJA_POLL_INTERVAL", default=2.0)

# --- single sign-on over OpenID Connect (docs/sso.md) -------------------------------------------
# Off unless OIDC_ISSUER is set. Endpoints and keys come from the issuer's discovery document
# (core.sso); the rest is mozilla-django-oidc's settings.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
# Who may become an organizer: an email domain in this list and/or this value in the groups claim.
OIDC_ALLOWED_EMAIL_DOMAINS = [d.strip().lower() for d in env.list("OIDC_ALLOWED_EMAIL_DOMAINS", default=[])]
OIDC_REQUIRED_GROUP = env.str("OIDC_REQUIRED_GROUP", default="")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_BUTTON_NAME = env.str("OIDC_BUTTON_NAME", default="single sign-on")
# Hides the admin's password form; password sign-in is then for superusers only (break glass).
OIDC_HIDE_PASSWORD_LOGIN = env.bool("OIDC_HIDE_PASSWORD_LOGIN", default=False)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10  # seconds, each request to the provider
OIDC_STATE_MAX_AGE = 600  # seconds between leaving for the provider and coming back
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
# The password backend refuses everyone but superusers when OIDC_HIDE_PASSWORD_LOGIN is on.
AUTHENTICATION_BACKENDS = ["core.sso.PasswordBackend", "core.sso.OIDCBackend"]

# --- logging -------------------------------------------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIDFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django logs every 4xx as a warning; our own error handler already logs what matters.
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
    },
}

# --- metrics and operations (issue 7) -------------------------------------------------------
# Prometheus metrics at /metrics: off unless METRICS_ENABLED; scrapes send
# "Authorization: Bearer $METRICS_TOKEN". With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR
# (see caja/metrics.py and deploy/gunicorn.conf.py).
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_ENABLED:
    _after = MIDDLEWARE.index("core.middleware.RequestIDMiddleware") + 1
    MIDDLEWARE.insert(_after, "core.metrics.MetricsMiddleware")

# --- series and trends (issue 27) -----------------------------------------------------------------
# A tracked activity's summary of fewer answers than this is shown as "too few answers" (privacy:
# a trend never reveals one person's answer). At least 1.
SERIES_MIN_RESPONSES = max(1, env.int("SERIES_MIN_RESPONSES", default=5))
