"""Test mode: PostgreSQL (as in production), local memory cache, immediate tasks, emails kept in memory."""

import os
import tempfile
from pathlib import Path

from portal.settings.base import *  # noqa: F403
from portal.settings.base import database_from_url


DEBUG = False
SECRET_KEY = "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/portal"), conn_max_age=0
    )
}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests: serve from the apps' static folders
WHITENOISE_USE_FINDERS = True

# Uploaded and generated files of the tests go to a temporary folder, never into the working tree.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "portal-test-media"
