"""ceutrack settings: one module, read from the environment with safe defaults.

A first run needs nothing installed: SQLite under var/, an embedded Celery broker
(kombu's filesystem transport under var/), console email. `DATABASE_URL`,
`REDIS_URL` and `EMAIL_URL` switch to PostgreSQL, Redis and real mail.
Every variable is listed in .env.example with its default.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE lets tests (and odd deployments) point elsewhere; a missing file is ignored.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)
VAR_DIR = Path(env.str("CEUTRACK_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-dev-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


def default_site_url(*, web_port: str = "", port: str = "") -> str:
    """Where emailed links point when SITE_URL is not set: the port `make run` serves."""
    return f"http://127.0.0.1:{web_port.strip() or port.strip() or '8000'}"


# honcho gives each Procfile process its own PORT (web 8000, worker 8100...), so `make run`
# also exports WEB_PORT: the worker that sends the emails then links to the web port.
SITE_URL = env.str(
    "SITE_URL",
    default=default_site_url(
        web_port=env.str("WEB_PORT", default=""), port=env.str("PORT", default="")
    ),
).rstrip("/")

INSTALLED_APPS = [
    # Django's admin, signed in only through allauth (two-factor, rate limits): admin_site.py
    "ceutrack.admin_apps.CeutrackAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ceutrack.accounts",
    "ceutrack.credentials",
    "ceutrack.activities",
    "ceutrack.organizations",
    "ceutrack.reminders",
    "ceutrack.api",
    "ceutrack.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ceutrack.security.SecurityHeadersMiddleware",  # CSP and Permissions-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Change history: who made each change (request.user; API views set it once authenticated).
    "simple_history.middleware.HistoryRequestMiddleware",
    "ceutrack.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "ceutrack.urls"
WSGI_APPLICATION = "ceutrack.wsgi.application"

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
            ],
            # {% load icons %}: inline SVG icons (ceutrack/icons).
            "libraries": {"icons": "ceutrack.icons"},
        },
    },
]

# --- Database: SQLite under var/ by default; DATABASE_URL switches (e.g. to PostgreSQL).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ceutrack.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: allauth's login lockouts and used TOTP codes and the invitation caps live here, so
# every gunicorn worker (and Celery) must share it: Redis when REDIS_URL is set, else a table in
# the database (created by migrations: ceutrack/accounts/migrations/0002_create_cache_table.py).
# CACHE_URL (django-environ syntax) overrides; production refuses a per-process cache.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ceutrack_cache",
            # Django's default (300 rows, then a third culled) would drop live lockout
            # counters of a large department; expired rows are culled first anyway.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
PER_PROCESS_CACHES = frozenset(
    {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}
)
if not DEBUG and CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
    raise ImproperlyConfigured(
        "CACHE_URL names a per-process cache: login lockouts and used two-factor codes would "
        "not be shared between workers. Use Redis (REDIS_URL) or the database cache."
    )

# --- Auth: custom user, email login through django-allauth.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_ADAPTER = "ceutrack.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "ceutrack.accounts.forms.SignupForm"}
# Sign-in limits fit a hospital: a whole coding department shares one NAT address, so what is
# limited hard is FAILURES (5 per account per 5 minutes, 10 per address per minute; a success
# gives its attempt back), while sign-in attempts from one address may reach
# SIGNINS_PER_ADDRESS_PER_MINUTE (a 500-person department starting its shift at once).
SIGNINS_PER_ADDRESS_PER_MINUTE = env.int("SIGNINS_PER_ADDRESS_PER_MINUTE", default=600)
ACCOUNT_RATE_LIMITS = {
    "login": f"{SIGNINS_PER_ADDRESS_PER_MINUTE}/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# BEHIND_PROXY: a TLS-terminating proxy in front sets X-Forwarded-Proto and X-Forwarded-For.
# Only then are they trusted (a client could forge them otherwise): HTTPS detection, and the
# client address the sign-in limits count (the proxy's last X-Forwarded-For entry).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if BEHIND_PROXY else 0
# Production admin: only staff who signed in with an authenticator code (ceutrack/admin_site.py).
ADMIN_REQUIRES_TWO_FACTOR = not DEBUG
MFA_TOTP_ISSUER = "ceutrack"

# --- Internationalisation: stored in UTC, shown in each user's time zone.
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored, served by WhiteNoise) and private uploads.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Under DEBUG WhiteNoise serves straight from static/ so edits show without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Certificates are never served as static media: only through a view that checks access.
# They are the only uploaded files, so MEDIA_ROOT is their folder and there is no MEDIA_URL:
# the "private" storage (FileSystemStorage under MEDIA_ROOT, no URL) can never link to one.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
CERTIFICATE_MAX_BYTES = env.int("CERTIFICATE_MAX_BYTES", default=10 * 1024 * 1024)
# Certificate files one person may keep (activities' certificates plus unconfirmed uploads).
CERTIFICATE_QUOTA_BYTES = env.int("CERTIFICATE_QUOTA_BYTES", default=200 * 1024 * 1024)
# Reading a certificate (text layer or OCR) runs in a child process with these limits: CPU seconds
# (wall clock: twice that plus one), address space, pages read and characters kept
# (ceutrack/activities/extract.py).
CERTIFICATE_READ_SECONDS = env.float("CERTIFICATE_READ_SECONDS", default=10.0)
CERTIFICATE_READ_MEMORY_MB = env.int("CERTIFICATE_READ_MEMORY_MB", default=768)
CERTIFICATE_READ_MAX_PAGES = env.int("CERTIFICATE_READ_MAX_PAGES", default=3)
CERTIFICATE_READ_MAX_CHARS = env.int("CERTIFICATE_READ_MAX_CHARS", default=20_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Form widgets from Django's Jinja2 templates, 2-4 times faster (ceutrack/renderers.py).
FORM_RENDERER = "ceutrack.renderers.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email: console by default; EMAIL_URL (smtp://user:pass@host:port) for real mail.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
_email = env.email_url_config(EMAIL_URL)
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    # The same backend, with envelope addresses parsed once, not per message (ceutrack/smtp.py).
    _email["EMAIL_BACKEND"] = "ceutrack.smtp.EmailBackend"
vars().update(_email)
# Every SMTP socket operation is bounded, so a stalled mail server can't hold a reminder's
# claim past REMINDER_CLAIM_TIMEOUT (checked below).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ceutrack <no-reply@ceutrack.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis when REDIS_URL is set, else an embedded filesystem broker under var/.
CELERY_BROKER_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # kombu's default is ./control: it would land in the repository root.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # safe: every task calls idempotent functions
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "plan-reminders-daily": {
        "task": "ceutrack.reminders.tasks.plan_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    "send-reminders": {
        "task": "ceutrack.reminders.tasks.queue_senders",
        "schedule": 300.0,
    },
    "send-weekly-digests": {
        "task": "ceutrack.reminders.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Every 15 minutes, just after each zone's local midnight (some zones turn at :30/:45),
    # so a dashboard rarely has to recompute a whole time zone's staff itself.
    "refresh-compliance-summaries": {
        "task": "ceutrack.organizations.tasks.refresh_stale_summaries",
        "schedule": crontab(minute="1,16,31,46"),
    },
}

# --- Employers (organizations app).
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=14)
NUDGE_INTERVAL_HOURS = env.int("NUDGE_INTERVAL_HOURS", default=24)
# Invitation emails per clock hour, per organization and per inviter (anti-spam); one full
# invite form (200 addresses) fits.
INVITATIONS_PER_HOUR = env.int("INVITATIONS_PER_HOUR", default=200)

# --- REST API (ceutrack.api): personal access tokens first, the session for /api/docs/.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/min")  # per token
# Opens of public verification pages per minute and client address.
VERIFICATION_PAGE_RATE_LIMIT = env.int("VERIFICATION_PAGE_RATE_LIMIT", default=30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ceutrack.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # enforces CSRF on writes
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "ceutrack.api.authentication.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["ceutrack.api.authentication.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Form parsers too: DRF's CSRF check reads a session's form post before the view runs.
    "DEFAULT_PARSER_CLASSES": [
        "ceutrack.api.errors.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ceutrack.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ceutrack API",
    "DESCRIPTION": (
        "Your CEU records and their evaluation. Send a personal access token (created on your "
        "profile page) as `Authorization: Bearer <token>`. The certifying body's own portal "
        "remains authoritative."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayOperationId": False},
}

# --- Reminder outbox (ceutrack.reminders): retries with exponential backoff, then `failed`;
# a row left `sending` longer than the claim timeout (a killed worker) goes back to pending.
# A live sender renews its claims (see ceutrack/reminders/sender.py), so only a dead one's expire.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_RETRY_BACKOFF = env.int("REMINDER_RETRY_BACKOFF", default=300)  # seconds, doubles
REMINDER_CLAIM_TIMEOUT = env.int("REMINDER_CLAIM_TIMEOUT", default=900)  # seconds
# A sender restamps its claims every third of the timeout; one send (bounded by EMAIL_TIMEOUT)
# must fit in that third, or a live sender's rows could be recovered and sent twice.
if EMAIL_TIMEOUT * 3 >= REMINDER_CLAIM_TIMEOUT:
    raise ImproperlyConfigured("REMINDER_CLAIM_TIMEOUT must exceed three times EMAIL_TIMEOUT.")
# Seconds one sender task drains the outbox before handing over to a fresh task (inside
# CELERY_TASK_SOFT_TIME_LIMIT).
REMINDER_SEND_BUDGET = env.int("REMINDER_SEND_BUDGET", default=240)
# Sender tasks queued at once for a large outbox (one per 100 due rows, at most this many):
# senders scale by worker processes, so this matches the workers' concurrency.
REMINDER_SENDERS = env.int("REMINDER_SENDERS", default=2)
if REMINDER_SENDERS < 1:
    raise ImproperlyConfigured("REMINDER_SENDERS must be at least 1.")

# --- Requirements engine thresholds (docs/rules.md §4).
CEU_BEHIND_ELAPSED_SHARE = env.str("CEU_BEHIND_ELAPSED_SHARE", default="0.25")
CEU_BEHIND_PACE_SHARE = env.str("CEU_BEHIND_PACE_SHARE", default="0.5")
CEU_AT_RISK_MARGIN_SHARE = env.str("CEU_AT_RISK_MARGIN_SHARE", default="0.10")
CEU_AT_RISK_DAYS = env.int("CEU_AT_RISK_DAYS", default=90)

# --- Security: strict in production, relaxed only under DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The CSRF token is read from the form field, never by JavaScript.
CSRF_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and compose probe /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The PDF's font subsetting logs every glyph table at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
