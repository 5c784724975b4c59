"""Smoke test of the README's run command: the embedded mode on SQLite, from migrate to a served page."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_embedded_mode_migrates_loads_demo_data_and_serves(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings.embedded",
        "PORTAL_VAR_DIR": str(tmp_path),
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    assert manage("migrate", "--noinput").returncode == 0
    first = manage("load_demo_data")
    assert first.returncode == 0, first.stderr
    assert "332 communes" in first.stdout and "usager@demo.ille-et-vilaine.example" in first.stdout
    assert manage("load_demo_data").returncode == 0  # idempotent
    assert (tmp_path / "db.sqlite3").exists()
    # Every dashboard indicator on SQLite (percentiles computed in Python there), for the demo manager.
    dashboard = manage("shell", "-c", (
        "from django.utils import timezone; from portal.models import User; from dashboards.scope import *; "
        "from dashboards.indicators import dashboard; "
        "user = User.objects.get(email='manager@demo.ille-et-vilaine.example'); services, sites = managed(user); "
        "form = ScopeForm({'period': 'year'}, services=services, sites=sites); assert form.is_valid(); "
        "sections = dashboard(form.scope(services=services, sites=sites, today=timezone.localdate())); "
        "print({name: len(section['tables']) for name, section in sections.items()}); "
        "print([(str(f.label), f.value) for f in sections['requests']['figures'][:1] + "
        "sections['satisfaction']['figures'][:2]])"
    ))  # fmt: skip
    assert dashboard.returncode == 0, dashboard.stderr
    assert "'requests': 3" in dashboard.stdout and "'satisfaction': 4" in dashboard.stdout
    assert "('Demandes reçues', 2)" in dashboard.stdout and "('Réponses', 2)" in dashboard.stdout, dashboard.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    health = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, "the embedded server did not start"
                time.sleep(0.3)
        assert health["status"] == "ok" and health["checks"]["queue"]["backend"] == "ImmediateBackend"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            html = response.read().decode()
        assert '<html lang="fr" dir="ltr"' in html and "Services en ligne du Département" in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ar/compte/signup/", timeout=5) as response:
            assert 'dir="rtl"' in response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/statistiques/", timeout=10) as response:
            assert "Statistiques de nos services" in response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/statistiques/donnees.csv", timeout=10) as response:
            assert "Transport scolaire adapté" in response.read().decode("utf-8-sig")
    finally:
        server.terminate()
        server.wait(timeout=10)
