import os
import re

import pytest
from django.core.cache import cache
from django.utils import translation

from portal.models import OutboxMessage


# Fixtures shared by several test folders (the téléprocédures ones serve the browser tests too).
pytest_plugins = ["tests.teleprocedures.fixtures", "tests.appointments.fixtures"]

# Playwright's sync API runs an event loop in the test thread; Django must still allow its ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clean_state():
    """Start each test with an empty cache (rate limits, used TOTP codes) and French active."""
    cache.clear()
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture
def outbox():
    """Return a function listing the outbox messages sent to an address, newest last."""

    def messages(to=None):
        queryset = OutboxMessage.objects.order_by("created_at", "pk")
        return list(queryset.filter(recipient=to) if to else queryset)

    return messages


def first_link(text):
    """Return the first http(s) link of a text."""
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in: {text!r}"
    return match.group(0)
