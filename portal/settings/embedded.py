"""Embedded mode: one process, SQLite, local memory cache, immediate tasks, emails written to files."""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import VAR_DIR


DEBUG = os.environ.get("DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-mode-only-never-in-production-0123456789abcdefghij")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
# allauth's WebAuthn needs a secure origin; 127.0.0.1 over plain HTTP is allowed only here.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# The embedded mode keeps everything under var/: create it on first start.
for folder in (VAR_DIR, VAR_DIR / "mail", VAR_DIR / "media"):
    folder.mkdir(parents=True, exist_ok=True)
