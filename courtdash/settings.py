"""Courtdash settings, read from the environment (django-environ).

DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, and a few more
below. With no DATABASE_URL / REDIS_URL, embedded servers start under COURTDASH_DATA_DIR.
"""

import ipaddress
import os
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from courtdash import embedded

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="insecure-development-key-set-DJANGO_SECRET_KEY-in-production" if DEBUG else None,
)
if SECRET_KEY is None:
    # Production needs a real key; a development machine gets a stable local one.
    key_file = BASE_DIR / "data" / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets a page that explains itself (templates/csrf_failure.html), not Django's.
CSRF_FAILURE_VIEW = "courtdash.errors.csrf_failure"

DATA_DIR = Path(env("COURTDASH_DATA_DIR", default=str(BASE_DIR / "data")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "cases",
    "metrics",
    "supervision",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cases.fragments.GenerationMiddleware",  # the results generation, read once a request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "courtdash.urls"
WSGI_APPLICATION = "courtdash.wsgi.application"

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
                "supervision.context_processors.work_queue",
                "cases.context_processors.top_unit",
            ],
        },
    },
]

if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    DATABASES = {"default": embedded.postgres_settings(DATA_DIR)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cases.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes, cases.lockout): five failures of a username from one address lock
# that username at that address for an hour; a stranger elsewhere cannot lock a person out with
# five tries. Thirty failures of one username from all addresses together lock it everywhere.
AXES_HANDLER = "cases.lockout.UsernameAndAddressLockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
COURTDASH_LOCKOUT_USERNAME_LIMIT = env.int("COURTDASH_LOCKOUT_USERNAME_LIMIT", default=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# The client's address, for axes as for the audit trail: X-Forwarded-For is believed only from
# these proxies (addresses or networks, e.g. "10.0.0.5,10.1.0.0/16"); none by default.
# A value that is not an address or network stops the start (ValueError), not a request later.
COURTDASH_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(proxy, strict=False))
    for proxy in env.list("COURTDASH_TRUSTED_PROXIES", default=[])
]
AXES_CLIENT_IP_CALLABLE = "cases.network.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed files after collectstatic in production; plain finders in development and
# tests, which never run collectstatic.
TESTING = "pytest" in sys.modules
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG and not TESTING)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = DATA_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security: secure by default behind TLS; DJANGO_SECURE=false for a plain-HTTP demo or test.
SECURE = env.bool("DJANGO_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env.bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# API tokens (cases.api.authentication) expire this many hours after they were issued.
COURTDASH_API_TOKEN_HOURS = env.int("COURTDASH_API_TOKEN_HOURS", default=8)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "cases.api.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies capped (COURTDASH_API_MAX_JSON_BYTES): DRF's own parser reads past Django's limit.
    "DEFAULT_PARSER_CLASSES": [
        "cases.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "courtdash.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Courtdash API",
    "DESCRIPTION": "审判质效管理平台 API: cases, courts, indicators, supervision.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set that several fields share (else a warning, and --fail-on-warn).
    "ENUM_NAME_OVERRIDES": {"OutcomeEnum": "cases.choices.Outcome"},
    # The error answers and the links between operations (cases/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema.postprocess_errors_and_links",
    ],
}
# Supervision's choice sets share field names (state, kind, category) with others: one name each.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "CategoryEnum": "cases.choices.Category",
        # The indicators' slugs, wherever a field names one or several (indicator, indicators).
        "IndicatorEnum": "metrics.definitions.indicators.INDICATORS.choices",
        **{
            f"{name}Enum": f"supervision.choices.{name}"
            for name in (
                "FourTypeCategory",
                "MarkState",
                "RuleKind",
                "MeasureKind",
                "ExtensionState",
                "LetterState",
                "ReviewState",
                "TraceKind",
                "AgeBucket",
                "ConsultOutcome",
                "QualitySource",
                "ReasonClass",
            )
        },
    }
)

# Celery with Redis as the broker.
REDIS_URL = env("REDIS_URL", default="") or embedded.redis_url(DATA_DIR / "redis")
if TESTING and os.environ.get("PYTEST_XDIST_WORKER"):
    # Tests spread over pytest-xdist workers: each its own Redis database (Celery queues, page
    # cache), the next ones after REDIS_URL's, as each has its own test database.
    REDIS_URL = embedded.redis_database_after(
        REDIS_URL, int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw")) + 1
    )
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 3 * 3600
CELERY_TASK_SOFT_TIME_LIMIT = 3 * 3600 - 300
# Above the longest task: an unacknowledged task is redelivered after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 3600)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}
# The nightly pipeline (courtdash.pipeline): indicators → abnormality detection → health check
# → 发改再 reviews → four-type suggestions → 跟踪问效 checks → reminders → retention, one Celery
# chain as of yesterday, after the night's import (crontab in CELERY_TIMEZONE, Asia/Shanghai);
# a failed step stops it. courtdash.pipeline says why each step is safe to repeat.
CELERY_BEAT_SCHEDULE["courtdash-nightly-pipeline"] = {
    "task": "courtdash.tasks.nightly_pipeline",
    "schedule": crontab(hour=0, minute=30),
}
# Supervision: reminders of everything due (each sent once however often this runs; one
# SMS a person a day: supervision.services.reminders). Reminders fall due during the day too
# (a notice issued at 10:00 due today); the pipeline's own reminder step is the one right after
# the night's data.
CELERY_BEAT_SCHEDULE["supervision-send-due-reminders"] = {
    "task": "supervision.tasks.send_due_reminders",
    # Every 30 minutes; the fault tests (tests/courtdash/test_faults.py) run beat faster.
    "schedule": env.int("COURTDASH_REMINDER_EVERY_SECONDS", default=30 * 60),
}
# Reports: on the 1st of each month last month's reviews (月讲评) of the city and every court,
# generated with their PDF and XLSX and kept (reports.services.monthly says why a rerun is safe).
CELERY_BEAT_SCHEDULE["reports-monthly-review"] = {
    "task": "reports.tasks.generate_monthly_reports",
    "schedule": crontab(day_of_month=1, hour=6, minute=0),
}
# Cases: uploads of the import page never confirmed, and old error reports, removed (they hold
# case data); cases.importing.uploads says what is kept how long.
CELERY_BEAT_SCHEDULE["cases-purge-uploads"] = {
    "task": "cases.tasks.purge_uploads",
    "schedule": crontab(hour=3, minute=0),
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="courtdash@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

# The daily history of stored results (metrics.computation.retention, the pipeline's last step):
# every day of this many years (this year and the ones before it), month ends only before them; 0
# keeps all. 4: the projections read the same day and the 13 weeks before it in each of the three
# past years (reports.projection.PAST_YEARS). 2 (this year and last) halves the rows kept (about
# 8 MB a day at 1,000,000 cases); the projections then draw on last year alone.
COURTDASH_DAILY_HISTORY_YEARS = env.int("COURTDASH_DAILY_HISTORY_YEARS", default=4)
# Pages that answer from stored results cache their data in Redis (metrics.reading.pagecache says
# what, and why no page is stale after a nightly). Same Redis as Celery, own key prefix; the
# embedded Redis listens on a unix socket (kombu's "redis+socket://", redis-py's "unix://"). Short
# timeouts: a Redis that does not answer makes pages compute, not wait.
# Off in tests by default (a test's results are rolled back, not its cache): the page-cache tests
# turn it on.
COURTDASH_PAGE_CACHE = env.bool("COURTDASH_PAGE_CACHE", default=not TESTING)
COURTDASH_PAGE_CACHE_SECONDS = env.int("COURTDASH_PAGE_CACHE_SECONDS", default=24 * 3600)
PAGE_CACHE_URL = env("COURTDASH_PAGE_CACHE_URL", default="") or embedded.redis_py_url(REDIS_URL)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": "courtdash",
        "TIMEOUT": COURTDASH_PAGE_CACHE_SECONDS,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}
# Streaming replicas that take the read-only page and API queries (courtdash.routers): database
# URLs, comma-separated; none by default, and then every query goes to DATABASE_URL as before.
# A client that just sent a write (any unsafe request) reads from the primary for
# COURTDASH_READ_YOUR_WRITES_SECONDS, above the replicas' usual replay lag.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
COURTDASH_DB_REPLICAS: list[str] = []
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = {
        **environ.Env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Tests read the test database through it: no second test database.
        "TEST": {"MIRROR": "default"},
    }
    COURTDASH_DB_REPLICAS.append(f"replica{_number}")
COURTDASH_READ_YOUR_WRITES_SECONDS = env.int("COURTDASH_READ_YOUR_WRITES_SECONDS", default=15)
DATABASE_ROUTERS = ["courtdash.routers.ReplicaRouter"]
# Before the session and authentication middleware: their queries read where the request does.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "courtdash.routers.ReplicaMiddleware",
)
# The nightly pass fanned out per court across Celery workers (metrics.computation.fanout): this
# many courts per chunk; 0, the default, computes in one pass (metrics.computation.engine). The
# chunk tasks go to COURTDASH_NIGHTLY_FANOUT_QUEUE (default: Celery's default queue). Completion is
# coordinated through the database (the chunk rows), so no result backend is needed.
COURTDASH_NIGHTLY_FANOUT_CHUNK = env.int("COURTDASH_NIGHTLY_FANOUT_CHUNK", default=0)
COURTDASH_NIGHTLY_FANOUT_QUEUE = env("COURTDASH_NIGHTLY_FANOUT_QUEUE", default="")
# The count is kept in the page cache (CACHES["pages"], on when COURTDASH_PAGE_CACHE) and
# recomputed after any write to the queue's sources (supervision.selectors.queue_count); this
# bounds how long it may lag where no invalidation reaches (case imports, raw SQL, Redis down).
COURTDASH_QUEUE_COUNT_SECONDS = env.int("COURTDASH_QUEUE_COUNT_SECONDS", default=60)

# Courtdash's own settings.
# Supervision reminders: the SMS gateway (a dotted path: supervision.sms.LogGateway logs and
# records; supervision.sms.HttpGateway POSTs JSON to COURTDASH_SMS_HTTP_URL), and after how many
# minutes a reminder claimed by a run that died is taken over by the next run.
COURTDASH_SMS_GATEWAY = env("COURTDASH_SMS_GATEWAY", default="supervision.sms.LogGateway")
COURTDASH_SMS_HTTP_URL = env("COURTDASH_SMS_HTTP_URL", default="")
COURTDASH_SMS_HTTP_TOKEN = env("COURTDASH_SMS_HTTP_TOKEN", default="")
COURTDASH_SMS_HTTP_TIMEOUT = env.float("COURTDASH_SMS_HTTP_TIMEOUT", default=10.0)
COURTDASH_REMINDER_STALE_MINUTES = env.int("COURTDASH_REMINDER_STALE_MINUTES", default=15)
# Reminders (supervision.services.reminders): the leaders above the division head (分管院领导)
# once a subject is this many days overdue; nothing overdue by more than LOOKBACK days is
# reminded; an extension request is to be decided within DECISION_DAYS of the request (and
# before the time limit runs out), an objection to a 发改再 review answered within ANSWER_DAYS.
COURTDASH_REMINDER_ESCALATE_DAYS = env.int("COURTDASH_REMINDER_ESCALATE_DAYS", default=3)
COURTDASH_REMINDER_LOOKBACK_DAYS = env.int("COURTDASH_REMINDER_LOOKBACK_DAYS", default=30)
COURTDASH_EXTENSION_DECISION_DAYS = env.int("COURTDASH_EXTENSION_DECISION_DAYS", default=3)
COURTDASH_REVIEW_ANSWER_DAYS = env.int("COURTDASH_REVIEW_ANSWER_DAYS", default=10)
# 拟发改再事先沟通: days the original judge (or their division head) has to answer.
COURTDASH_CONSULT_ANSWER_DAYS = env.int("COURTDASH_CONSULT_ANSWER_DAYS", default=5)
# The import page's uploads: an upload never confirmed is removed after this many hours; an
# imported one's note and error report after this many days.
COURTDASH_UPLOAD_KEEP_HOURS = env.int("COURTDASH_UPLOAD_KEEP_HOURS", default=24)
# A running import or preview with no progress noted for this long is shown as probably
# interrupted (its worker died); the broker hands it out again after CELERY_VISIBILITY_TIMEOUT.
COURTDASH_IMPORT_STALL_MINUTES = env.int("COURTDASH_IMPORT_STALL_MINUTES", default=5)
COURTDASH_IMPORT_REPORT_KEEP_DAYS = env.int("COURTDASH_IMPORT_REPORT_KEEP_DAYS", default=30)
# Untrusted input (cases.importing.readers, cases.api): a city's full export is about a million
# cases at ~200 bytes a CSV row (all DATA_FORMAT.md columns, Chinese text) = ~200 MB; an XLSX of
# it is smaller zipped, ~1 GB of sheet XML unzipped (~10x). A workbook whose members declare
# more, or a member over 1 MB compressed more than MAX_RATIO times (a zip bomb), is refused
# before openpyxl reads it (it loads the shared strings whole).
COURTDASH_UPLOAD_MAX_BYTES = env.int("COURTDASH_UPLOAD_MAX_BYTES", default=256 * 1024 * 1024)
COURTDASH_XLSX_MAX_UNCOMPRESSED_BYTES = env.int(
    "COURTDASH_XLSX_MAX_UNCOMPRESSED_BYTES", default=2 * 1024 * 1024 * 1024
)
COURTDASH_XLSX_MAX_RATIO = env.int("COURTDASH_XLSX_MAX_RATIO", default=100)
# A task on user data started this many times without finishing (its worker died each time:
# acks_late + reject_on_worker_lost redeliver it) is marked failed instead of run again.
COURTDASH_TASK_MAX_STARTS = env.int("COURTDASH_TASK_MAX_STARTS", default=3)
# A task retried on a lost database connection (a restart, a failover: metrics.tasks) waits
# about this many seconds before its first retry, then twice as long each time (with jitter).
COURTDASH_TASK_RETRY_BACKOFF = env.int("COURTDASH_TASK_RETRY_BACKOFF", default=30)
# Every task's starts are counted (courtdash.taskstarts). The upload's run counts its own on the
# upload's note, which the page shows; the general count is its backstop, one start later.
CELERY_TASK_ANNOTATIONS = {"cases.tasks.run_upload": {"counts_own_starts": True}}
# JSON request bodies (DRF reads the stream itself, past DATA_UPLOAD_MAX_MEMORY_SIZE) and the
# records of one POST /api/v1/case-imports/; larger: 413.
COURTDASH_API_MAX_JSON_BYTES = env.int("COURTDASH_API_MAX_JSON_BYTES", default=16 * 1024 * 1024)
COURTDASH_API_IMPORT_MAX_RECORDS = env.int("COURTDASH_API_IMPORT_MAX_RECORDS", default=5000)
# The "today" of the whole app; fixed in tests and demos so that bands and ages are stable.
COURTDASH_TODAY = env("COURTDASH_TODAY", default="")
# Reports: the headless Chromium that prints the monthly review to PDF (the Docker image
# installs it at this path).
COURTDASH_CHROMIUM = env("COURTDASH_CHROMIUM", default="/usr/bin/chromium")
# A document printed on request (a meeting's minutes) uses the process's one Chromium, kept
# between prints and closed after this many seconds without one (reports.monthly.documents).
COURTDASH_PRINTER_IDLE_SECONDS = env.float("COURTDASH_PRINTER_IDLE_SECONDS", default=300.0)
# Rankings as ranks (the seed's court) or bands only, with no order (SPC, September 2024): the
# default until the city's office chooses on /reports/settings/ranking/ (metrics.selectors.
# ranking_mode reads its choice, else this).
COURTDASH_RANKING_MODE = env("COURTDASH_RANKING_MODE", default="ranks")
if COURTDASH_RANKING_MODE not in ("ranks", "bands"):
    raise ValueError("COURTDASH_RANKING_MODE must be 'ranks' or 'bands'")
# Joint inspections (联合督查): at most this many cases in one; each joins its inspectors to
# its cases once the office approves it, so the list is kept short and reviewable.
COURTDASH_INSPECTION_MAX_CASES = env.int("COURTDASH_INSPECTION_MAX_CASES", default=50)
# cases.fragments: the top bar's navigation and user card as rendered are kept this long per user,
# language and page (a renamed court shows within it; the account's own changes at once); counts
# over the live case table (the case list's bands, the daily page's flows) this long per reach
# and day, which bounds how late a count shows an import. Both in CACHES["pages"], on with
# COURTDASH_PAGE_CACHE.
COURTDASH_TOPBAR_SECONDS = env.int("COURTDASH_TOPBAR_SECONDS", default=300)
COURTDASH_LIVE_COUNT_SECONDS = env.int("COURTDASH_LIVE_COUNT_SECONDS", default=60)
# The indicator sets this deployment shows (INDICATORS.md): "local" (the city's eleven, scored
# and ranked) and/or "spc2024" (the SPC's September 2024 set: reference ranges, no score, no
# rank), until the city's office chooses on the settings page (metrics.selectors.shown_sets).
# The nightly computes both whatever is shown.
COURTDASH_INDICATOR_SETS = env.list("COURTDASH_INDICATOR_SETS", default=["local", "spc2024"])
if not COURTDASH_INDICATOR_SETS or not set(COURTDASH_INDICATOR_SETS) <= {"local", "spc2024"}:
    raise ValueError("COURTDASH_INDICATOR_SETS must name 'local' and/or 'spc2024'")
# JIT off on every connection (COURTDASH_DB_JIT=1 leaves PostgreSQL's default): compiling the
# expressions of a page's big counts took 0.4–0.7 s a query at 20,000,000 cases (the daily
# page, EXPLAIN ANALYZE) and saved less; the engine's scan already sets it off for itself
# (metrics.computation.engine.SCAN_SETTINGS).
if not env.bool("COURTDASH_DB_JIT", default=False):
    for _alias in DATABASES:
        _options = DATABASES[_alias].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
