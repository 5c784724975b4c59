"""Benchmark of the agents' queue and exports with 100,000 dossiers (run with `bash scripts/bench`)."""

import os
import statistics
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.enums import Role
from portal.exports import csv_lines
from portal.services import export_table
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from tests.factories import UserFactory, agent
from tests.teleprocedures.fixtures import TRANSPORT_DATA


pytestmark = [pytest.mark.bench, pytest.mark.django_db]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.05 for a quick trial run
SIZES = {"transport-scolaire-adapte": 100, "permission-voirie": 1_000, "subvention-agricole": int(98_900 * SCALE)}


def seed(procedures):
    applicants = [UserFactory() for _ in range(200)]
    now = timezone.now()
    states = [DossierState.SUBMITTED, DossierState.IN_REVIEW, DossierState.AWAITING_INFO, DossierState.ACCEPTED]
    serial = 0
    for slug, count in SIZES.items():
        procedure = procedures[slug]
        version = procedure.published_version()
        batch = []
        for index in range(count):
            serial += 1
            batch.append(
                Dossier(
                    procedure=procedure,
                    version=version,
                    applicant=applicants[index % len(applicants)],
                    state=states[index % len(states)],
                    number=f"{procedure.number_prefix}-2026-{serial:06d}",
                    data=TRANSPORT_DATA,
                    submitted_at=now - timezone.timedelta(minutes=index),
                    due_on=(now + timezone.timedelta(days=index % 90)).date(),
                )
            )
            if len(batch) == 5000:
                Dossier.objects.bulk_create(batch)
                batch = []
        Dossier.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE teleprocedures_dossier")


def timed_get(client, url, runs=30):
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1]


def export_cost(user, slug):
    """Time the CSV export, then run it again under tracemalloc for its peak memory (tracing slows it down)."""
    params = {"tab": ["all"], "procedure": [slug]}
    started = time.perf_counter()
    _name, header, rows, total = export_table("dossiers", user, params)
    size = sum(len(line) for line in csv_lines(header, rows))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    _name, header, rows, total = export_table("dossiers", user, params)
    for _line in csv_lines(header, rows):
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return total, seconds, peak / 1024 / 1024, size / 1024 / 1024


def test_queue_and_export_with_100000_dossiers(client, procedures):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL")
    started = time.perf_counter()
    seed(procedures)
    print(f"\nSeeded {Dossier.objects.count():,} dossiers in {time.perf_counter() - started:.1f} s")
    manager = agent(role=Role.ADMINISTRATOR, service=None, site=None)
    client.force_login(manager)
    small_url = reverse("teleprocedures:queue") + "?tab=all&procedure=transport-scolaire-adapte"
    large_url = reverse("teleprocedures:queue") + "?tab=all"
    client.get(small_url), client.get(large_url)  # warm up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(small_url).status_code == 200
    small_queries = len(captured)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(large_url).status_code == 200
    large_queries = len(captured)
    small = timed_get(client, small_url)
    large = timed_get(client, large_url)
    print("\nQueue page (50 rows shown)      p50 ms   p95 ms   SQL queries")
    print(f"  100-dossier queue          {small[0]:8.1f} {small[1]:8.1f}   {small_queries}")
    print(f"  100,000-dossier queue      {large[0]:8.1f} {large[1]:8.1f}   {large_queries}")
    print(f"  ratio large/small (goal <= 2): p50 {large[0] / small[0]:.2f}, p95 {large[1] / small[1]:.2f}")

    print("\nCSV export                     rows       s    peak MB   file MB")
    results = {}
    for slug in ("permission-voirie", "subvention-agricole"):
        total, seconds, peak, size = export_cost(manager, slug)
        results[slug] = peak
        print(f"  {slug:26} {total:8,} {seconds:7.2f} {peak:9.2f} {size:9.2f}")
    print(
        f"  peak memory ratio 98,900 / 1,000 rows: {results['subvention-agricole'] / results['permission-voirie']:.2f}"
    )

    assert small_queries == large_queries
    assert large[0] / small[0] <= 2
    assert results["subvention-agricole"] < 3 * results["permission-voirie"] + 5
