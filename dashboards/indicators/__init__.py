"""The manager dashboard's sections, computed by queryset aggregation and kept a minute in the cache."""

from django.core.cache import cache
from django.utils import translation

from dashboards.indicators.appointments import appointment_indicators
from dashboards.indicators.mail import mail_indicators
from dashboards.indicators.requests import request_indicators
from dashboards.indicators.satisfaction import satisfaction_indicators
from dashboards.indicators.tables import Table


# A minute: an answer to the survey shows on the dashboard within that time ("real time" for managers).
CACHE_SECONDS = 60

SECTIONS = {
    "requests": request_indicators,
    "appointments": appointment_indicators,
    "mail": mail_indicators,
    "satisfaction": satisfaction_indicators,
}


def dashboard(scope, *, use_cache=True):
    """Return {section: {"figures": [...], "tables": [...], ...}} for the scope, from the cache when fresh."""
    key = scope.cache_key(f"dashboard:{translation.get_language()}")
    sections = cache.get(key) if use_cache else None
    if sections is None:
        sections = {name: compute(scope) for name, compute in SECTIONS.items()}
        cache.set(key, sections, CACHE_SECONDS)
    return sections


def find_table(sections, key):
    for section in sections.values():
        tables = [*section["tables"], *(value for value in section.values() if isinstance(value, Table))]
        for table in tables:
            if table.key == key:
                return table
    return None
