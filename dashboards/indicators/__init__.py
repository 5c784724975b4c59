"""The manager dashboard's sections, computed by queryset aggregation and kept a minute in the cache."""

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
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
        sections = compute_sections(scope)
        cache.set(key, sections, CACHE_SECONDS)
    return sections


def compute_sections(scope):
    """Compute the sections, side by side on their own database connections when that is possible.

    Each section reads its own tables, so PostgreSQL runs their aggregations at the same time, one backend each.
    Inside a transaction (a test, a caller's atomic block) other connections would not see its rows: one by one.
    """
    workers = min(settings.DASHBOARD_PARALLEL_SECTIONS, len(SECTIONS))
    if workers <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return {name: compute(scope) for name, compute in SECTIONS.items()}
    language = translation.get_language()

    def run(compute):
        try:
            with translation.override(language):
                return compute(scope)
        finally:
            connections.close_all()  # this thread's connection, opened for the section

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dashboard") as pool:
        futures = {name: pool.submit(run, compute) for name, compute in SECTIONS.items()}
        return {name: future.result() for name, future in futures.items()}


def find_table(sections, key):
    for section in sections.values():
        tables = [*section["tables"], *(value for value in section.values() if isinstance(value, Table))]
        for table in tables:
            if table.key == key:
                return table
    return None
