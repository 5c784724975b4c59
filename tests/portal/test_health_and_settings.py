import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from portal.models import Commune, Membership, Service, Site, User


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_every_part_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue"}
    assert body["checks"]["queue"]["backend"] == "ImmediateBackend"


@pytest.mark.django_db
def test_healthz_says_which_part_failed(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["queue"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_production_settings_pass_the_deployment_checklist():
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "services.ille-et-vilaine.example",
        "DATABASE_URL": "postgres://postgres:postgres@127.0.0.1:5432/portal",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required in production" in result.stderr


def test_pages_carry_the_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_covers_every_commune():
    call_command("load_demo_data", stdout=open(os.devnull, "w"))
    counts = (User.objects.count(), Membership.objects.count(), Service.objects.count(), Site.objects.count())
    call_command("load_demo_data", stdout=open(os.devnull, "w"))

    assert (User.objects.count(), Membership.objects.count(), Service.objects.count(), Site.objects.count()) == counts
    assert Commune.objects.count() == 332
    assert not Commune.objects.filter(site__isnull=True).exists()
    assert Site.objects.count() == 3
    assert sum(Commune.objects.values_list("population", flat=True)) == 1_098_325
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"instructor", "secretary", "reception", "manager", "administrator"}
    assert User.objects.filter(organisation__isnull=False).count() == 1
