"""The production settings' transport and cookie rules, on real answers (HSTS, HTTPS redirection, cookie flags)."""

import importlib
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE",
]  # fmt: skip


@pytest.fixture
def production(monkeypatch):
    """The security settings of portal.settings.production, read with a production environment."""
    for name, value in {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "services.ille-et-vilaine.example",
        "DATABASE_URL": "postgres://postgres:postgres@127.0.0.1:5432/portal",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("portal.settings.production", None)
    module = importlib.import_module("portal.settings.production")
    sys.modules.pop("portal.settings.production", None)
    with override_settings(**{name: getattr(module, name) for name in SECURITY_SETTINGS}):
        yield


def test_plain_http_is_sent_to_https(production, db):
    response = Client().get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_https_answers_carry_hsts_and_secure_cookies(production, db):
    browser = Client(headers={"X-Forwarded-Proto": "https"})
    response = browser.get(reverse("account_login"))
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = response.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax" and csrf["path"] == "/"

    user = UserFactory()
    signed_in = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    session = signed_in.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax" and session["path"] == "/"
