import os

import pytest
from django.conf import settings
from django.test import Client

from accessibility.audit.browser import (  # noqa: F401 (imported by the browser tests from here)
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    format_violations,
    launch,
    page_weight,
)


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
        browser = launch(playwright)
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


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, f"axe-core found violations on {page.url}:\n{format_violations(violations)}"
