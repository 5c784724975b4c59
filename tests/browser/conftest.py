import os
import shutil

import pytest
from django.conf import settings
from django.test import Client


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that let Debian's Chromium run headless on a machine without network or display.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium once for the session through Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed: the README test command (scripts/test) installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def sign_in(context, live_server):
    """Sign a user in by giving the browser a session cookie (the login form has its own tests)."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
        return user

    return sign_in


def axe_violations(page):
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return results.response["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, f"axe-core found violations on {page.url}:\n{format_violations(violations)}"


def page_weight(page):
    """Return the DOM node count, the number of requests and the bytes transferred for the loaded page."""
    return page.evaluate(
        """() => {
            const entries = [
                ...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource'),
            ];
            return {
                dom: document.getElementsByTagName('*').length,
                requests: entries.length,
                bytes: entries.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0),
            };
        }"""
    )
