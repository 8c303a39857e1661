"""One settings module for every environment, driven by environment variables.

Local development needs no configuration: PostgreSQL at 127.0.0.1:5432 as ``postgres`` and Redis at
127.0.0.1:6379. Production is the same module with ``DEBUG=0``, a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``;
then ``manage.py check --deploy --fail-level WARNING`` reports nothing.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pghistory
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/name?sslmode=…`` into a Django DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError("DATABASE_URL must be a PostgreSQL URL (postgres://…); no other database is supported")
    options: dict[str, object] = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "safeguarding",
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "127.0.0.1",
        "PORT": str(parsed.port or 5432),
        "OPTIONS": options,
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        # After pg_terminate_backend or a database restart a stale connection is replaced, not a 500.
        "CONN_HEALTH_CHECKS": True,
    }


DEBUG = env_bool("DEBUG", True)
TESTING = "pytest" in sys.modules or env_bool("TESTING", False)

_DEV_SECRET = "django-insecure-local-development-only-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise RuntimeError("SECRET_KEY must be set to a long random value when DEBUG=0")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = env_str("SERVICE_NAME", "Safeguarding Adults Together")

INSTALLED_APPS = [
    "safeguarding.apps.SafeguardingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "django_filters",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "pgtrigger",
    "pghistory",
    "django_htmx",
    "safeguarding.apps.SafeguardingConfig",
    "escalation",
    "cases",
    "referrals",
    "meetings",
    "reviews",
    "assurance",
]
if TESTING:
    # Small test-only apps that exercise every registry (parents, actions, panels, leaver work) and the clock
    # engine the way the domain apps do. Never installed outside the test suite.
    INSTALLED_APPS += ["tests.testapp", "tests.clocktestapp"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "safeguarding.web.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safeguarding.accounts.middleware.SessionTimeoutMiddleware",
    "safeguarding.accounts.middleware.SignInRequiredMiddleware",
    "safeguarding.web.middleware.HistoryContextMiddleware",
    "safeguarding.web.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safeguarding.web.errors.ServiceErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes must be last: it turns lockouts into the project's lockout response.
    "axes.middleware.AxesMiddleware",
]

# Under test the URLconf adds the test app's routes to the service's own (tests/urls.py).
ROOT_URLCONF = "tests.urls" if TESTING else env_str("ROOT_URLCONF", "safeguarding.urls")  # bench.urls: benchmarks
WSGI_APPLICATION = "safeguarding.wsgi.application"

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
                "django.template.context_processors.csp",
                "safeguarding.web.context_processors.service",
            ],
            "builtins": ["django.templatetags.static"],
        },
    }
]

_default_db = database_from_url(env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding"))
DATABASES = {
    "default": _default_db,
    # A second connection in autocommit for audit rows that must survive the rollback of the request that
    # wrote them (a denied read answers 404 and rolls back; its access row must stay).
    "audit": {**_default_db, "TEST": {"MIRROR": "default"}},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Denied reads are written through the "audit" connection (above). Only the test suite turns this off, for tests
# that run inside one rolled-back transaction.
AUDIT_SEPARATE_CONNECTION = True

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sg"),
        "TIMEOUT": 300,
    }
}

AUTH_USER_MODEL = "safeguarding.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create thousands of users. Production never sets TESTING.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "safeguarding.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:my-work"

# Sessions: idle 15 minutes and absolute 10 hours, both enforced server side by SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = timedelta(minutes=15)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=10)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
RECENT_AUTH_WINDOW = timedelta(minutes=5)

# django-otp: every user has a TOTP device; codes are single use with a ±1 step window.
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_TOLERANCE = 1

# django-axes: 10 failures for one account within 5 minutes lock it for 5 minutes. The same response is given
# for known and unknown accounts.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=5)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per-address limiting is separate and looser (SIGN_IN_IP_FAILURE_LIMIT): a whole trust may sign in from one NAT
# address, and axes would otherwise lock everyone out after ten typos across the building.
SIGN_IN_IP_FAILURE_LIMIT = env_int("SIGN_IN_IP_FAILURE_LIMIT", 50)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_LOCKOUT_CALLABLE = "safeguarding.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# django-guardian: grants are written only by the sharing engine into direct foreign-key tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_AUTO_PREFETCH = False
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# django-pghistory: append-only change events carrying the acting user and request id.
# The context (user, request id) is copied into each event row (denormalised), so an event is self-describing.
PGHISTORY_APPEND_ONLY = True
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploaded files live outside the web root and are served only through visibility-checked views.
        "OPTIONS": {"location": env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"], "default_acl": "private"},
    }
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# An oversized file is cut off while it arrives (safeguarding.attachments.upload), never stored whole; with at most
# this many files in a request, one request spools at most that many times ATTACHMENT_MAX_BYTES.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 10)
FILE_UPLOAD_HANDLERS = [
    "safeguarding.attachments.upload.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Email: templated, opaque references and links only (Django 6.1 mailers).
_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@safeguarding.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Django REST Framework and the API conventions (architecture document).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes unauthenticated API calls answer 401, not 403.
        "safeguarding.api.authentication.ApiTokenAuthentication",
        "safeguarding.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "safeguarding.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "EXCEPTION_HANDLER": "safeguarding.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": "10/min"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 90)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": (
        "Multi-agency adult safeguarding API. Authenticate with a browser session that has passed MFA, or with "
        "`Authorization: Token <key>` (keys are issued by `manage.py issue_api_token EMAIL` and stored as digests). "
        "Objects you may not see answer 404; actions your role may not take on a visible object answer 403."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "TriStateEnum": "cases.codes.TriState",
        "CaseStatusEnum": "cases.models.cases.CaseStatus",
        "EnquiryStatusEnum": "cases.models.enquiries.EnquiryStatus",
        "PlanStatusEnum": "cases.models.enquiries.PlanStatus",
        "ActionStatusEnum": "safeguarding.actions.models.ActionStatus",
        "DeadlineStatusEnum": "escalation.models.DeadlineStatus",
        "DisagreementStatusEnum": "escalation.disagreements.models.DisagreementStatus",
        "LaDecisionEnum": "cases.codes.LaDecision",
        "SharingDirectionEnum": "safeguarding.sharing.codes.Direction",
        "PackStatusEnum": "assurance.models.PackStatus",
        "AttendanceStatusEnum": "meetings.models.AttendanceStatus",
        "DisagreementCategoryEnum": "escalation.disagreements.models.Category",
        "ReferralKindEnum": "referrals.codes.Kind",
        "ReferralStateEnum": "referrals.codes.State",
        "MappaCategoryEnum": "referrals.codes.MappaCategory",
        "MappaLevelEnum": "referrals.codes.MappaLevel",
        "ReviewStatusEnum": "reviews.models.ReviewStatus",
        "ChronologyStatusEnum": "reviews.models.ChronologyStatus",
        "SarBasisEnum": "reviews.models.Basis",
        "DeadlineBasisEnum": "escalation.models.Basis",
        "SarDecisionEnum": "reviews.models.Decision",
        "LearningEventFormatEnum": "reviews.models.EventFormat",
        "ExportFormatEnum": "safeguarding.sharing.models.ExportFormat",
        "LawfulBasisArt6Enum": "safeguarding.sharing.codes.LawfulBasisArt6",
        "RequestOutcomeEnum": "safeguarding.sharing.models.RequestOutcome",
        "BreakGlassVerdictEnum": "safeguarding.sharing.models.BreakGlassVerdict",
        "AccessOutcomeEnum": "safeguarding.audit.models.Outcome",
        "CapacityOutcomeEnum": "cases.models.enquiries.CapacityOutcome",
    },
    "DISABLE_ERRORS_AND_WARNINGS": True,
}

# Celery: Redis broker, late acknowledgement, requeue on worker loss, static beat schedule.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
if TESTING:
    # Unit tests call services and task functions directly; the few worker tests start a worker against a Redis
    # of their own. Nothing a test enqueues may reach a developer's real broker.
    CELERY_BROKER_URL = env_str("TEST_CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "assurance.tasks.*": {"queue": "pdf"},
    "safeguarding.sharing.tasks.render_export": {"queue": "pdf"},
}
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "beat-heartbeat": {"task": "safeguarding.tasks.beat_heartbeat", "schedule": 30.0},
    "audit-chain": {"task": "safeguarding.tasks.chain_access_log", "schedule": 15.0},
    "bulk-access": {"task": "safeguarding.tasks.detect_bulk_access", "schedule": 300.0},
    "attachment-orphans": {"task": "safeguarding.tasks.sweep_orphaned_attachments", "schedule": 86_400.0},
    # The clock engine: claim due deadlines and hand them to workers in batches (escalation/engine.py).
    "clock-sweep": {"task": "escalation.tasks.sweep", "schedule": float(env_int("CLOCKS_SWEEP_SECONDS", 60))},
}
BEAT_HEARTBEAT_KEY = "sg:beat:heartbeat"
# Checklist B2: alert an agency's leads when one user opens more than this many case records in an hour.
BULK_ACCESS_THRESHOLD = env_int("BULK_ACCESS_THRESHOLD", 50)
# Checklist B1: how long break-glass access lasts, and which roles may use it.
BREAK_GLASS_MINUTES = env_int("BREAK_GLASS_MINUTES", 60)
# Checklist B2: an export with more rows than this alerts the requester's agency leads.
EXPORT_ALERT_ROWS = env_int("EXPORT_ALERT_ROWS", 500)
# Sharing agreements: remind the signatories this many days before the review date.
AGREEMENT_REVIEW_REMINDER_DAYS = env_int("AGREEMENT_REVIEW_REMINDER_DAYS", 30)
# Clock engine: a claimed batch's lease (longer than CELERY_TASK_TIME_LIMIT, so a live task keeps its rows) and
# the number of deadlines per batch task.
CLOCKS_LEASE_SECONDS = env_int("CLOCKS_LEASE_SECONDS", 600)
CLOCKS_BATCH_SIZE = env_int("CLOCKS_BATCH_SIZE", 500)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "safeguarding.web.logging.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "celery": {"level": "INFO"},
    },
}
CSRF_FAILURE_VIEW = "safeguarding.web.views.csrf_failure"
PASSWORD_RESET_TIMEOUT = 3600

# Case lists page with "owned OR EXISTS(grant)" once a user sees at least this many cases, and with
# "id IN (owned UNION ALL granted)" below it (cases.selectors.case_list_for_paging; bench/bench_sharing.py).
CASE_LIST_WALK_THRESHOLD = env_int("CASE_LIST_WALK_THRESHOLD", 2000)
