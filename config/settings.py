"""Vinh Danh settings, read from the environment through strict helpers.

Only the one-command demo runs on the embedded defaults (SQLite, in-memory
channel layer); production and the test suite set DATABASE_URL and REDIS_URL.
"""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def positive_int(name: str, default: int) -> int:
    """env.int that also refuses zero and negative values (a lease of 0 s, a digest every 0 min)."""
    value = env.int(name, default=default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be a positive whole number, not {value}")
    return value


DEBUG = env.bool("DEBUG", default=False)

# Required unless DEBUG=1. Left empty, Django refuses every use of it (sessions, signing)
# and config/asgi.py refuses to start a server; commands that sign nothing (migrate,
# makemigrations --check) still run.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-demo-key-only-for-debug"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # unaccent: search ignores accents (approvals.search)
    "guardian",
    "axes",  # failed sign-ins: approvals/sign_in_limit.py
    "viewflow.workflow",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "workflow",
    "approvals",
    "notifications",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "workflow.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body: an over-size upload is refused from its Content-Length.
    "approvals.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Only acts when DEBUG=1: the friendly error pages instead of Django's technical ones.
    "approvals.middleware.FriendlyErrorPagesMiddleware",
    # Last, so that it sees a view's exception first: a lost database answers 503.
    "approvals.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection that PostgreSQL ended (a terminated backend, a restart) is found out before
# it is used again: a kept connection is checked at the start of each request, and the pool
# checks each connection it hands out (Django passes psycopg's ConnectionPool.check_connection
# as the pool's `check` when this is on).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Seconds a connection is kept for reuse by its thread. Under ASGI each request runs on a new
# thread, so the web uses the pool instead (Django refuses both together); long-lived threads
# (Celery workers, commands) may keep theirs.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# Under ASGI every request and every websocket read runs in a thread of its own, so without
# a pool each one opens a new PostgreSQL connection. DATABASE_POOL_MAX_SIZE > 0 gives each
# worker process a psycopg pool of that size (docs/deploy.md); 0 keeps one connection per use.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
if DATABASE_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        # A request waits this long for a pooled connection, then answers 503.
        "timeout": positive_int("DATABASE_POOL_TIMEOUT", 10),
    }
    # Django's backend, whose pool drops all its dead connections at the first one it finds
    # (config/postgresql/base.py: otherwise a request after a restart waits seconds).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured("DATABASE_CONN_MAX_AGE must be 0 with DATABASE_POOL_MAX_SIZE")
# A process that stalls inside a transaction (a frozen worker, a hung request) would keep its
# row locks, the history's chain head among them, and block every other change: PostgreSQL
# ends such a transaction once it has been idle this long (seconds), and the job's lease and
# the sweep hand the work on (docs/deploy.md).
DATABASE_IDLE_TRANSACTION_TIMEOUT = positive_int("DATABASE_IDLE_TRANSACTION_TIMEOUT", 30)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c idle_in_transaction_session_timeout={DATABASE_IDLE_TRANSACTION_TIMEOUT * 1000}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CHANNEL_LAYERS: dict[str, dict[str, Any]]
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The database cache is shared by every worker process and keeps working while Redis is down.
# Its table is created by a migration. (Failed sign-ins are not counted in it: it culls.)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "vinhdanh_cache",
    }
}

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# viewflow: we drive its tasks from our own services and views, so its own
# frontend and auto-registered middleware stay off.
VIEWFLOW = {"AUTOREGISTER": False}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# Dossier uploads (hồ sơ); bytes.
DOSSIER_MAX_UPLOAD_BYTES = env.int("DOSSIER_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Notifications ---
# The after-commit websocket push must fail fast when Redis is down (the notices are
# already stored; clients catch up on reconnect), so connecting gets a short timeout.
if REDIS_URL:
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [
        # redis-py's default 5 s read timeout equals channels_redis' 5 s BZPOPMIN and
        # kills idle consumers at random; reads get more room than the blocking pop.
        {"address": REDIS_URL, "socket_connect_timeout": 0.5, "socket_timeout": 15}
    ]
    # Each worker's notification hub re-joins its group every 30 s (notifications.hub), so a
    # worker that died without leaving drops out of the group after two minutes.
    CHANNEL_LAYERS["default"]["CONFIG"]["group_expiry"] = 120
NOTIFICATION_DIGEST_AFTER_MINUTES = env.int("NOTIFICATION_DIGEST_AFTER_MINUTES", default=60)
# How often beat runs the digest, and how many times one digest e-mail is tried before it is
# left in the outbox with its error (notifications.models.DigestMail).
NOTIFICATION_DIGEST_EVERY_MINUTES = positive_int("NOTIFICATION_DIGEST_EVERY_MINUTES", 30)
NOTIFICATION_DIGEST_MAX_ATTEMPTS = positive_int("NOTIFICATION_DIGEST_MAX_ATTEMPTS", 5)

# --- REST API ---
REST_FRAMEWORK = {
    # Token first so that an unauthenticated call gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["approvals.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "approvals.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    # Swagger UI's scripts and styles from our own static files, not a CDN: offices on a
    # closed network still get the API docs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Vinh Danh API",
    "DESCRIPTION": "Thi đua, khen thưởng: nominations, their lifecycle, dossiers and history.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StateEnum": "approvals.states.State",
        "UnitKindEnum": "approvals.models.Unit.Kind",
        "CampaignKindEnum": "approvals.models.Campaign.Kind",
        "DocumentKindEnum": "approvals.models.DocumentKind",
        "RoleEnum": "approvals.roles.Role",
        "DelegableRoleEnum": "approvals.inputs.DELEGABLE_CHOICES",
        "AlertKindEnum": "monitoring.models.AlertRule.Kind",
        "PendingCaseKindEnum": "approvals.models.PendingCase.Kind",
        "RecognitionLevelEnum": "approvals.models.RecognitionLevel",
        "DisciplineLevelEnum": "approvals.models.Discipline.Level",
        "RegisterKindEnum": "approvals.record_kinds.KIND_CHOICES",
        "AttendanceStatusEnum": "approvals.models.Attendance.Status",
        "VoteSessionStatusEnum": "approvals.models.VoteSession.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "approvals.api.schema.add_error_responses",
    ],
}
# Secret keys for the history's hash chain (workflow/audit.py), comma-separated: the first
# signs new records, all of them verify (rotation). Keep them out of the database's reach.
AUDIT_CHAIN_KEYS = env.list("AUDIT_CHAIN_KEYS", default=[])
# Signed checkpoints of the history outside the database (workflow/checkpoints.py): beat writes
# one every AUDIT_CHECKPOINT_EVERY_MINUTES to the sink, by default a new file in the directory.
AUDIT_CHECKPOINT_SINK = env.str(
    "AUDIT_CHECKPOINT_SINK", default="workflow.checkpoints.DirectorySink"
)
AUDIT_CHECKPOINT_DIR = env.str("AUDIT_CHECKPOINT_DIR", default=str(BASE_DIR / "audit-checkpoints"))
AUDIT_CHECKPOINT_EVERY_MINUTES = positive_int("AUDIT_CHECKPOINT_EVERY_MINUTES", 15)

# The history's XLSX export is built in the request up to this many rows, beyond it as a
# background job (approvals/exports.py): 1,000,000 rows took 141 s on 2 cores (about 7,000
# a second, bench/export_memory.py), so 50,000 take about 7 s in the request.
AUDIT_XLSX_INLINE_ROWS = env.int("AUDIT_XLSX_INLINE_ROWS", default=50_000)
# The daily purge (beat, or `manage.py purge_exports`) deletes export files older than this.
AUDIT_EXPORT_KEEP_DAYS = env.int("AUDIT_EXPORT_KEEP_DAYS", default=7)

# Failed sign-ins (web form, admin and API token) per username and address, counted by
# django-axes in the database: approvals/sign_in_limit.py.
LOGIN_MAX_FAILURES = positive_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = positive_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# How many reverse proxies (nginx) stand in front of the web workers; each must overwrite
# X-Forwarded-For (docs/deploy.md). 0: REMOTE_ADDR is the client, X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}")
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_HANDLER = "approvals.sign_in_limit.AtomicDatabaseHandler"
AXES_FAILURE_LIMIT = "approvals.sign_in_limit.failure_limit"
AXES_COOLOFF_TIME = "approvals.sign_in_limit.cool_off"
AXES_CLIENT_IP_CALLABLE = "approvals.sign_in_limit.client_address"
# One count per username and address: a guesser locks out only themselves, not the person.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt is not counted and does not extend the lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# axes.W002 asks for AxesMiddleware, which turns a lockout into its own 429 page; the sign-in
# form shows the lockout in Vietnamese itself and the API answers 429 with Retry-After.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
# How long an Idempotency-Key (and a web form's one-time token) keeps its first outcome.
IDEMPOTENCY_KEY_HOURS = positive_int("IDEMPOTENCY_KEY_HOURS", 24)
# List pages: the largest page a client may ask for.
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
# --- end REST API ---

# --- Background work (Celery; docs/deploy.md) ---
# Bulk jobs, history exports, the digest and the periodic jobs run in `celery -A config
# worker` processes; `celery -A config beat` starts the periodic ones. A job row in PostgreSQL
# is the truth; the message on the broker only nudges a worker to claim it.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker (the demo) a task runs in the process that sends it, still after commit.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # never used: nothing is sent
CELERY_TASK_IGNORE_RESULT = True  # outcomes are rows (BulkJobItem, ExportJob), not results
# Tasks are long (a bulk job of 5,000 items): a worker reserves only the message it runs, so
# a busy worker does not sit on nudges an idle one could take.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A nudge sent while Redis is down must not hold the request for long: the job row is
# committed and the sweep nudges it again (approvals/leases.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 15}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
# A worker holds a job for this long after each sign of life (an item done, a batch of an
# export written); a job whose lease ran out is handed to another worker by the sweep.
JOB_LEASE_SECONDS = positive_int("JOB_LEASE_SECONDS", 60)
JOB_SWEEP_SECONDS = positive_int("JOB_SWEEP_SECONDS", 60)
# A job that killed its worker this many times is marked failed instead of tried again.
JOB_MAX_ATTEMPTS = positive_int("JOB_MAX_ATTEMPTS", 5)
CELERY_BEAT_SCHEDULE = {
    "sweep-background-jobs": {"task": "approvals.jobs_sweep", "schedule": JOB_SWEEP_SECONDS},
    "notification-digest": {
        "task": "notifications.digest_send", "schedule": NOTIFICATION_DIGEST_EVERY_MINUTES * 60,
    },
    "purge-exports": {"task": "approvals.exports_purge", "schedule": crontab(hour=3, minute=15)},
    "audit-checkpoint": {
        "task": "workflow.audit_checkpoint", "schedule": AUDIT_CHECKPOINT_EVERY_MINUTES * 60,
    },
    "purge-idempotency-keys": {
        "task": "approvals.idempotency_purge", "schedule": crontab(minute=7),
    },
    # Deferred proposals whose pending case closed move on (a catch-up after a crash).
    "deferred-sweep": {"task": "approvals.deferred_sweep", "schedule": crontab(minute="*/15")},
}

# --- Alerts and the managers' dashboard (monitoring/; docs/deploy.md) ---
# Beat runs the alert scan this often (the demo's server process runs it itself, on a timer),
# and mails each manager the open alerts once a day at ALERT_DIGEST_HOUR:00.
ALERT_SCAN_SECONDS = positive_int("ALERT_SCAN_SECONDS", 300)
ALERT_DIGEST_HOUR = env.int("ALERT_DIGEST_HOUR", default=7)
# A manager gets one notice per new alert of a scan up to this many, then one notice saying
# how many more there are (the alerts page lists them all).
ALERT_NOTICES_PER_SCAN = positive_int("ALERT_NOTICES_PER_SCAN", 20)
CELERY_BEAT_SCHEDULE["alerts-scan"] = {"task": "monitoring.alerts_scan",
                                       "schedule": ALERT_SCAN_SECONDS}
# The whole-body dashboard of each running campaign is computed ahead this often (and read
# while younger than twice that); narrower scopes are always computed live.
DASHBOARD_REFRESH_SECONDS = positive_int("DASHBOARD_REFRESH_SECONDS", 300)
CELERY_BEAT_SCHEDULE["dashboard-refresh"] = {"task": "monitoring.dashboard_refresh",
                                             "schedule": DASHBOARD_REFRESH_SECONDS}
CELERY_BEAT_SCHEDULE["alerts-digest"] = {
    "task": "monitoring.alerts_digest", "schedule": crontab(hour=ALERT_DIGEST_HOUR, minute=0),
}
