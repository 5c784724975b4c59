"""Production mode: everything from the environment; refuses to start without the essentials."""

import os

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.base import database_from_url


def env(name, default=None, *, required=False):
    """Return an environment variable, failing loudly when a required one is missing."""
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required in production.")
    return value


DEBUG = False
SECRET_KEY = env("SECRET_KEY", required=True)
ALLOWED_HOSTS = [host.strip() for host in env("ALLOWED_HOSTS", required=True).split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
SITE_URL = env("SITE_URL", f"https://{ALLOWED_HOSTS[0]}")
# Persistent connections, checked before each request's first query (a restarted PostgreSQL is reconnected to).
DATABASES = {
    "default": database_from_url(env("DATABASE_URL", required=True), conn_max_age=60, conn_health_checks=True)
}

REDIS_URL = env("REDIS_URL", required=True)
# Redis down is a cache miss, not an error (portal.cache); sessions live in the database behind the cache.
CACHES = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # noqa: F405 (file-based backend, for trials)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env("SMS_BACKEND", SMS_BACKEND)  # noqa: F405
SMS_HTTP_URL = env("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", "")
SMS_SENDER = env("SMS_SENDER", "DEPARTEMENT")

MEDIA_ROOT = env("MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405
STATIC_ROOT = env("STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
CSRF_COOKIE_HTTPONLY = True
# HTTPS only, always; LOOPBACK_HTTP=1 is for scripts/prod-local and its load tests on 127.0.0.1 without TLS.
if env("LOOPBACK_HTTP", "0") == "1":
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
else:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Uploaded files: a folder (shared between application nodes, e.g. NFS) or, when S3_BUCKET is set, an
# S3-compatible object store through django-storages (pip install ".[s3]").
if env("S3_BUCKET"):
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env("S3_BUCKET"),
                "endpoint_url": env("S3_ENDPOINT_URL"),
                "region_name": env("S3_REGION", "fr-par"),
                "access_key": env("S3_ACCESS_KEY", required=True),
                "secret_key": env("S3_SECRET_KEY", required=True),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
