"""The production run (scripts/prod-local) started once for the load and fault suites, and helpers to talk to it
as a browser would (CSRF, cookies) and to read its database directly."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
import requests


ROOT = Path(__file__).resolve().parents[2]
PORTS = (8100, 8101)
DATABASE = "portail_load"
DATABASE_URL = f"postgres://postgres:postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/4"
STATE = ROOT / "var" / "load"
PASSWORD = "demo-departement-35"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/load/" in str(item.fspath):
            item.add_marker(pytest.mark.load)


def healthy(port):
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def platform():
    """Two application nodes, two RQ workers and the periodic jobs every 5 s, on a fresh database."""
    subprocess.run(["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", DATABASE],
                   env={**os.environ, "PGPASSWORD": "postgres"}, check=True)  # fmt: skip
    subprocess.run(["redis-cli", "-n", "4", "flushdb"], check=False, capture_output=True)
    shutil.rmtree(STATE / "mail", ignore_errors=True)  # outbox ids start again with the new database
    env = {
        **os.environ,
        "NODES": "2", "FIRST_PORT": str(PORTS[0]), "WORKERS": os.environ.get("LOAD_WORKERS", "3"), "RQ_WORKERS": "2",
        "PERIOD_SECONDS": "5", "PROD_LOCAL_DIR": str(STATE), "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
        "SITE_URL": f"http://127.0.0.1:{PORTS[0]}",
    }  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = open(STATE.parent / "load-prod-local.log", "w") if STATE.parent.exists() else subprocess.DEVNULL
    process = subprocess.Popen(["bash", "scripts/prod-local"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while not all(healthy(port) for port in PORTS):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("scripts/prod-local did not start: see var/load-prod-local.log")
        time.sleep(1)
    yield {"nodes": [f"http://127.0.0.1:{port}" for port in PORTS], "process": process, "state": STATE, "env": env}
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def manage(platform, *args):
    """Run a management command on the production run's database (as its periodic timer or an operator would)."""
    env = {**platform["env"], "DJANGO_SETTINGS_MODULE": "portal.settings.production", "LOOPBACK_HTTP": "1",
           "SECRET_KEY": (STATE / "secret_key").read_text().strip(), "MEDIA_ROOT": str(STATE / "media"),
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(STATE / "mail"),
           "ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout


@pytest.fixture
def load_db():
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        yield connection


class Browser(requests.Session):
    """A person's browser: keeps cookies and sends the CSRF token with every form."""

    def __init__(self, base):
        super().__init__()
        self.base = base

    def page(self, path, **kwargs):
        return self.get(self.base + path, timeout=30, **kwargs)

    def send(self, request, **kwargs):  # noqa: D102 - every request gets the CSRF token of the cookie jar
        token = self.cookies.get("csrftoken")
        if token and request.method == "POST":
            request.headers["X-CSRFToken"] = token
            request.headers.setdefault("Referer", self.base + "/")
        return super().send(request, **kwargs)

    def submit(self, path, data, files=None):
        if "csrftoken" not in self.cookies:
            self.page(path)
        return self.post(self.base + path, data=data, files=files, timeout=30, allow_redirects=False)

    def sign_in(self, email, password=PASSWORD):
        response = self.submit("/compte/login/", {"login": email, "password": password})
        assert response.status_code == 302, response.text[:500]
        if "/2fa/" in response.headers["Location"]:  # an agent: the demo agents' shared TOTP secret
            response = self.submit(response.headers["Location"].replace(self.base, ""), {"code": totp_code()})
            assert response.status_code == 302 and "/2fa/" not in response.headers["Location"], response.text[:500]
        return response


def totp_code():
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from portal.management.commands.load_demo_data import DEMO_TOTP_SECRET

    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
