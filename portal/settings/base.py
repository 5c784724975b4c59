"""Settings shared by every runtime mode; the mode modules override what differs."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _


BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "portal.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_rq",
    "django_tasks_rq",
    "csp",
    "portal",
    "teleprocedures",
    "appointments",
    "mailroom",
    "dashboards",
    "accessibility",
    "api",
    "portal.franceconnect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.platform",
                "accessibility.context_processors.accessibility",
            ],
        },
    },
]
FORM_RENDERER = "portal.forms.PlatformFormRenderer"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home_redirect"

# django-allauth: email login, mandatory verification, every email through the outbox (see portal.adapters).
ACCOUNT_ADAPTER = "portal.adapters.PlatformAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {"signup": "portal.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Portail du Département"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

# FranceConnect (citizens' sign-in through the State's identity federation), an OpenID Connect provider of allauth's
# (portal.franceconnect). Off until the département's client id and secret are given; FRANCECONNECT_ENV picks
# FranceConnect's integration or production platform, FRANCECONNECT_SERVER_URL any other (a local provider in tests).
FRANCECONNECT_SERVERS = {
    "integration": "https://fcp-low.integ01.dev-franceconnect.fr/api/v2",
    "production": "https://oidc.franceconnect.gouv.fr/api/v2",
}
FRANCECONNECT_CLIENT_ID = os.environ.get("FRANCECONNECT_CLIENT_ID", "")
FRANCECONNECT_SERVER_URL = os.environ.get(
    "FRANCECONNECT_SERVER_URL", FRANCECONNECT_SERVERS[os.environ.get("FRANCECONNECT_ENV", "integration")]
)


def franceconnect_origin(client_id, server_url):
    """The origin of FranceConnect's pages, to allow in the policy's form-action when FranceConnect is on."""
    parts = urlsplit(server_url)
    return [f"{parts.scheme}://{parts.netloc}"] if client_id else []


SOCIALACCOUNT_ADAPTER = "portal.adapters.PlatformSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "franceconnect": {
        "APPS": [
            {
                "client_id": FRANCECONNECT_CLIENT_ID,
                "secret": os.environ.get("FRANCECONNECT_SECRET", ""),
                "settings": {"server_url": FRANCECONNECT_SERVER_URL},
            }
        ]
        if FRANCECONNECT_CLIENT_ID
        else [],
    }
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # FranceConnect's address joins the verified account that has it
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in button posts a form (CSRF-protected)

DATABASES = {}  # set by each mode


def database_from_url(url, **options):
    """The settings of the database at `url` (dj-database-url), PostgreSQL's JIT compiler off: the dashboards'
    aggregations spent more time compiling than running (measured by tests/bench)."""
    import dj_database_url

    database = dj_database_url.parse(url, **options)
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return database


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 300}}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"  # never served directly: files go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = "Département d'Ille-et-Vilaine <ne-pas-repondre@ille-et-vilaine.example>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = "portal.sms.LogSMSBackend"

# Outbox delivery: attempts before a message is marked failed, and the first retry delay (doubles each time).
OUTBOX_MAX_ATTEMPTS = 8
OUTBOX_RETRY_BASE_SECONDS = 60

# The manager dashboard computes its sections side by side, each on its own database connection (1: one by one).
DASHBOARD_PARALLEL_SECTIONS = int(os.environ.get("DASHBOARD_PARALLEL_SECTIONS", "4"))

# Periodic jobs run by `manage.py run_periodic_jobs` (cron or a systemd timer, every 5 minutes).
PERIODIC_JOBS = [
    "portal.jobs.requeue_pending_outbox",
    "portal.jobs.erase_deleted_accounts",
    "portal.jobs.requeue_stale_exports",
    "teleprocedures.jobs.send_due_acknowledgements",
    "teleprocedures.jobs.decide_by_silence",
    "teleprocedures.jobs.expire_drafts",
    "teleprocedures.jobs.purge_past_retention",
    "teleprocedures.jobs.daily_digest",
    "appointments.jobs.send_reminders",
    "appointments.jobs.remind_invitations",
    "mailroom.jobs.send_due_acknowledgements",
    "mailroom.jobs.deadline_digest",
    "mailroom.jobs.purge_past_retention",
    "appointments.jobs.purge_past_retention",
    "portal.jobs.purge_past_retention",
    "dashboards.jobs.record_slot_delays",
]
# How long the platform keeps what is not kept by a procedure's or the mailroom's own retention period:
# the identity of people in past appointments (the appointment itself stays, anonymous, for the statistics), sent
# notifications' contents, the audit log, and finished exports' files.
APPOINTMENT_RETENTION_MONTHS = 24
OUTBOX_RETENTION_DAYS = 365
AUDIT_RETENTION_DAYS = 365
EXPORT_RETENTION_DAYS = 7
# Mail: processing deadline of each priority in working days (a category's shorter deadline wins), the warning
# before it, and how long closed mail is kept.
MAIL_PRIORITY_DAYS = {"normal": 30, "urgent": 8, "very_urgent": 4}
MAIL_RETENTION_YEARS = 5
MAIL_MAX_ATTACHMENT_MB = 10
# Incoming mailbox read by `manage.py ingest_mail --imap` (run it from the timer). Messages registered are marked
# as read and, when MAIL_IMAP_DONE_FOLDER is set, moved there; a message that cannot be read is copied to
# MAIL_ERROR_DIR with the reason and flagged in the mailbox, never deleted.
MAIL_IMAP = {
    "host": os.environ.get("MAIL_IMAP_HOST", ""),
    "port": int(os.environ.get("MAIL_IMAP_PORT", "993")),
    "user": os.environ.get("MAIL_IMAP_USER", ""),
    "password": os.environ.get("MAIL_IMAP_PASSWORD", ""),
    "folder": os.environ.get("MAIL_IMAP_FOLDER", "INBOX"),
    "done_folder": os.environ.get("MAIL_IMAP_DONE_FOLDER", ""),
    "ssl": os.environ.get("MAIL_IMAP_SSL", "1") == "1",
}
MAIL_ERROR_DIR = VAR_DIR / "mail-errors"
# RSA invitations: how long the personal link stays valid, and when the one reminder goes.
INVITATION_VALID_DAYS = 10
INVITATION_REMINDER_DAYS = 3
ACCOUNT_DELETION_GRACE_DAYS = 30

# Content Security Policy: nothing inline, nothing external.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Chromium applies form-action to the redirects that follow a form: the FranceConnect sign-in and sign-out
        # buttons post here, then go on to FranceConnect.
        "form-action": ["'self'", *franceconnect_origin(FRANCECONNECT_CLIENT_ID, FRANCECONNECT_SERVER_URL)],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Uploads: keep big files on disk rather than in memory; the apps set their own per-field limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("API_RATE", "600/min")},
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portail du Département API",
    "DESCRIPTION": "Requests, appointments, mail and indicators of the Département, for its other software. "
    "Authenticate with `Authorization: Bearer <token>` (tokens are created in the admin, scoped to services).",
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files: no external asset
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AppointmentStatusEnum": "appointments.enums.AppointmentStatus",
        "MailStatusEnum": "mailroom.enums.MailStatus",
        "DossierStateEnum": "teleprocedures.enums.DossierState",
    },
}

# The address of the site, for links in emails and PDFs.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# What the site says about the département that runs it (shown in pages, emails and PDFs).
PLATFORM = {
    "name": _("Online services of the Département"),
    "short_name": "Ille-et-Vilaine",
    "organisation": "Département d'Ille-et-Vilaine",
    "address": "1 avenue de la Préfecture, CS 24218, 35042 Rennes Cedex",
    "phone": "02 99 02 35 35",
    "email": "contact@ille-et-vilaine.example",
    "publication_director": "Le Président du Conseil départemental",
    "host": "Direction des systèmes d'information du Département, 1 avenue de la Préfecture, 35042 Rennes",
    "dpo_email": "dpd@ille-et-vilaine.example",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
