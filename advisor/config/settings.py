"""Settings for Advisor Twin, read from the environment.

Every variable is documented in the README. With none set, the project runs for
local use: DEBUG on, an embedded PostgreSQL + pgvector under ``var/``, Celery on a
broker kept in that same database, the offline extractor, embedder and reply
composer, and simulated quotes. ``DJANGO_DEBUG=0`` is production mode: a secret key
and allowed hosts are then required and every ``check --deploy`` setting is on.
"""

import os
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ADVISOR_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_number(name: str, default: float, cast=float):
    value = env(name)
    if not value:
        return cast(default)
    try:
        return cast(value)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} must be a number, not {value!r}."
        ) from error


DEBUG = env_bool("DJANGO_DEBUG", True)
# Fixed at start-up: the test runner turns DEBUG off, but that is no deployment.
PRODUCTION = not DEBUG

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG=0.")
    SECRET_KEY = "local-development-only-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "market",
    "memory",
    "advisor",
    "advisor.webhooks",
]

MIDDLEWARE = [
    "advisor.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A database that does not answer is a 503, never a traceback.
    "advisor.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "advisor.config.urls"
WSGI_APPLICATION = "advisor.config.wsgi.application"
ASGI_APPLICATION = "advisor.config.asgi.application"

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
                "advisor.context_processors.runtime_modes",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Database: PostgreSQL with pgvector, never anything else ----------------------

DATABASE_URL = env("DATABASE_URL")
EMBEDDED_POSTGRES_DIR = Path(env("EMBEDDED_POSTGRES_DIR", str(VAR_DIR / "postgres")))
if not EMBEDDED_POSTGRES_DIR.is_absolute():
    EMBEDDED_POSTGRES_DIR = BASE_DIR / EMBEDDED_POSTGRES_DIR
EMBEDDED_POSTGRES_DB = env("EMBEDDED_POSTGRES_DB", "advisor_twin")

if DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
    DATABASE_MODE = "external"
else:
    from advisor.config.embedded_db import database_settings

    DATABASES = {
        "default": database_settings(EMBEDDED_POSTGRES_DIR, EMBEDDED_POSTGRES_DB)
    }
    DATABASE_MODE = "embedded"
# Connections are kept between requests (as with DATABASE_URL): opening one per
# request costs PostgreSQL a new backend each time. Health checks (below) drop a
# connection that died, so a restarted database is reconnected by itself.
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env_number("DATABASE_CONN_MAX_AGE", 60, int)
)
# Points a process at another database of the same server: the test suite uses it
# to run a real Celery worker against its test database.
if env("ADVISOR_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = env("ADVISOR_DATABASE_NAME")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Each test run gets a database of its own, so runs side by side never collide.
DATABASES["default"]["TEST"] = {
    "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "advisor.User"

_VALIDATORS = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _VALIDATORS + "UserAttributeSimilarityValidator"},
    {"NAME": _VALIDATORS + "MinimumLengthValidator"},
    {"NAME": _VALIDATORS + "CommonPasswordValidator"},
    {"NAME": _VALIDATORS + "NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Production hardening (check --deploy passes with no warnings) ---------------

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env_number("DJANGO_HSTS_SECONDS", 31536000, int))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# SECURE_PROXY_SSL_HEADER (production only, above): the app trusts
# "X-Forwarded-Proto: https" to mean the request came over HTTPS. Only deploy it
# behind a proxy that sets that header itself and strips it from clients.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = int(env_number("DJANGO_SESSION_SECONDS", 8 * 60 * 60, int))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp): every script and style is a file of our
# own under static/ (htmx included); no inline script, style or event handler.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for
# one username from one address, that pair is locked out for the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env_number("DJANGO_LOGIN_FAILURE_LIMIT", 5, int))
AXES_COOLOFF_TIME = env_number("DJANGO_LOGIN_COOLOFF_HOURS", 0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind the proxy, the client's address is the one it forwards.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False
# Its own admin would list every firm's sign-ins: advisor/admin.py lists them
# scoped to the staff user's firm instead.
AXES_ENABLE_ADMIN = False

# --- REST API ---------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "advisor.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "advisor.api.auth.TokenScopePermission",
    ],
    "DEFAULT_SCHEMA_CLASS": "advisor.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "advisor.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "advisor.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Advisor Twin API",
    "DESCRIPTION": "Client and analyst memory for CRM integration.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery: a real worker always; the broker is Redis or the database ------------

REDIS_URL = env("REDIS_URL")


def _sqlalchemy_url(db: dict) -> str:
    """Return an SQLAlchemy URL (psycopg 3 driver) for a Django database dict."""
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    name = db["NAME"]
    if host.startswith("/"):
        return f"postgresql+psycopg://{credentials}/{name}?host={host}"
    return f"postgresql+psycopg://{credentials}{host}{port}/{name}"


if env("CELERY_BROKER_URL"):
    CELERY_BROKER_URL = env("CELERY_BROKER_URL")
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
    BROKER_MODE = "redis" if CELERY_BROKER_URL.startswith("redis") else "custom"
elif REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    BROKER_MODE = "redis"
else:
    # Kombu's SQLAlchemy transport keeps the queue in our own PostgreSQL: real
    # background work in a separate worker process, with no server to install.
    # "twinsqla" is that transport redelivering a dead worker's message
    # (advisor/config/db_broker.py).
    CELERY_BROKER_URL = "twinsqla+" + _sqlalchemy_url(DATABASES["default"])
    CELERY_RESULT_BACKEND = "db+" + _sqlalchemy_url(DATABASES["default"])
    BROKER_MODE = "database"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 86400
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Quotes for every instrument a memory references, then their readings.
    "market-refresh": {
        "task": "memory.market_sync",
        "schedule": env_number("MARKET_REFRESH_SECONDS", 15 * 60),
    },
    # Content past its retention expiry is erased, unless a legal hold stops it.
    "memory-expiry-sweep": {
        "task": "memory.memory_expiry_sweep",
        "schedule": 24 * 60 * 60,
    },
    # Expired sessions are deleted, not just refused.
    "sessions-clear-expired": {
        "task": "advisor.sessions_clear_expired",
        "schedule": 60 * 60,
    },
}
# One deployment's queue on a shared broker (the production-shape test runs its
# own); task results hold counts and states, never their arguments.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
if BROKER_MODE == "database":
    # How often a worker looks for messages a dead worker left hidden.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "sweep_seconds": env_number("CELERY_BROKER_SWEEP_SECONDS", 15)
    }
elif BROKER_MODE == "redis":
    # Redis redelivers a dead worker's message once it has been unacknowledged
    # this long: longer than any task runs or waits for its retry (600 s at
    # most each), or a live task would run twice; shorter than kombu's hour.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_number("CELERY_VISIBILITY_TIMEOUT_SECONDS", 1800)
    }
CELERY_RESULT_EXTENDED = False

# --- Models: OpenAI-compatible servers, or the offline defaults -------------------

OPENAI_BASE_URL = env("OPENAI_BASE_URL") or None
OPENAI_API_KEY = env("OPENAI_API_KEY")
OPENAI_CHAT_MODEL = env("OPENAI_CHAT_MODEL") or None
OPENAI_EMBEDDING_MODEL = env("OPENAI_EMBEDDING_MODEL") or None
OPENAI_TIMEOUT = env_number("OPENAI_TIMEOUT", 30)
OPENAI_MAX_RETRIES = int(env_number("OPENAI_MAX_RETRIES", 3, int))

MEMORY_EMBEDDER = env(
    "MEMORY_EMBEDDER", "openai" if OPENAI_EMBEDDING_MODEL else "offline"
)
MEMORY_EMBEDDING_DIMENSIONS = 384  # the vector column's width; fixed by a migration
MEMORY_EXTRACTOR = env("MEMORY_EXTRACTOR", "llm" if OPENAI_CHAT_MODEL else "rules")
# Who writes the twin's replies (memory.assistant): the chat model when one is
# configured, else the offline composer; ASSISTANT_COMPOSER=offline keeps the
# offline one even with a model (for extraction only, say).
ASSISTANT_COMPOSER = env(
    "ASSISTANT_COMPOSER", "model" if OPENAI_CHAT_MODEL else "offline"
)
if ASSISTANT_COMPOSER not in {"offline", "model"}:
    raise ImproperlyConfigured("ASSISTANT_COMPOSER must be offline or model.")
if ASSISTANT_COMPOSER == "model" and not OPENAI_CHAT_MODEL:
    raise ImproperlyConfigured("ASSISTANT_COMPOSER=model needs OPENAI_CHAT_MODEL.")
# The engine holds tenants by key; this maps a user to a firm and their rights in it.
MEMORY_TENANCY_PROVIDER = "advisor.tenancy.MemoryTenancy"

# --- Market data -------------------------------------------------------------------

MARKET_QUOTE_PROVIDER = env("MARKET_QUOTE_PROVIDER", "simulated")
if MARKET_QUOTE_PROVIDER not in {"simulated", "yfinance", "fixed"}:
    raise ImproperlyConfigured(
        "MARKET_QUOTE_PROVIDER must be simulated or yfinance (fixed is for tests)."
    )
MARKET_YF_CHUNK_SIZE = int(env_number("MARKET_YF_CHUNK_SIZE", 40, int))
MARKET_YF_CHUNK_PAUSE_SECONDS = env_number("MARKET_YF_CHUNK_PAUSE_SECONDS", 1.0)
MARKET_YF_COOLDOWN_MINUTES = int(env_number("MARKET_YF_COOLDOWN_MINUTES", 15, int))

RUNTIME_MODES = {
    "database": DATABASE_MODE,
    "broker": BROKER_MODE,
    "embedder": MEMORY_EMBEDDER,
    "extractor": MEMORY_EXTRACTOR,
    "composer": ASSISTANT_COMPOSER,
    "quotes": MARKET_QUOTE_PROVIDER,
}

# --- Logging -------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- Extraction ----------------------------------------------------------------------

# A message whose extraction fails (the model server down, slow, or answering
# nonsense) is retried with backoff this many times, then parked as failed. Keep
# it within the extraction tasks' own retries (memory.tasks, 1 + 5).
MEMORY_EXTRACTION_MAX_ATTEMPTS = int(
    env_number("MEMORY_EXTRACTION_MAX_ATTEMPTS", 4, int)
)
# --- REST API throttling and webhooks (the CRM integration) ------------------------

# Requests per token and per user (a token's owner shares the user's budget);
# a client over it gets 429 with Retry-After. Counted in the cache: shared by
# every process with Redis, per process without it.
# The API speaks JSON only (bodies in any other type answer 415).
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["rest_framework.parsers.JSONParser"]
# The test client speaks the API's one format unless told otherwise.
REST_FRAMEWORK["TEST_REQUEST_DEFAULT_FORMAT"] = "json"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "advisor.api.throttling.TokenRateThrottle",
    "advisor.api.throttling.UserRateThrottle",
    "advisor.api.throttling.AnonymousRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "token": env("API_THROTTLE_TOKEN", "1200/min"),
    "user": env("API_THROTTLE_USER", "2400/min"),
    "anon": env("API_THROTTLE_ANON", "120/min"),
}
# A verified API token is remembered this many seconds in each process (0: never):
# a revocation or a change of its user made elsewhere applies within it.
API_TOKEN_CACHE_SECONDS = env_number("API_TOKEN_CACHE_SECONDS", 5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
# Links from what an answer creates to what can be done with it (a client
# generator and schemathesis' stateful phase follow them).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "advisor.api.schema.add_links",
]

# Outgoing webhooks: the worker collects what changed every few seconds and
# delivers it, signed the Standard Webhooks way, with backoff and jitter.
WEBHOOKS_POLL_SECONDS = env_number("WEBHOOKS_POLL_SECONDS", 5)
WEBHOOKS_TIMEOUT_SECONDS = env_number("WEBHOOKS_TIMEOUT_SECONDS", 10)
WEBHOOKS_MAX_ATTEMPTS = int(env_number("WEBHOOKS_MAX_ATTEMPTS", 8, int))
WEBHOOKS_DISABLE_AFTER_FAILURES = int(
    env_number("WEBHOOKS_DISABLE_AFTER_FAILURES", 20, int)
)
# Receivers on loopback or private networks: allowed in development and tests,
# refused in production unless asked for.
WEBHOOKS_ALLOW_PRIVATE_URLS = env_bool("WEBHOOKS_ALLOW_PRIVATE_URLS", DEBUG)
# The queue tasks go to when none is named (the worker test gives each run its own).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BEAT_SCHEDULE["webhooks-dispatch"] = {
    "task": "webhooks.dispatch",
    "schedule": WEBHOOKS_POLL_SECONDS,
}
