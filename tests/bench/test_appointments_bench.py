"""Benchmark of the slot search: 30 days × 20 agents, 60 % booked (run with `bash scripts/bench`)."""

import random
import statistics
import time
from datetime import date, timedelta
from datetime import time as clock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import Absence, Appointment
from appointments.slots import free_slots
from tests.appointments.fixtures import at, schedule
from tests.factories import SiteFactory, agent


pytestmark = [pytest.mark.bench, pytest.mark.django_db]
START = date(2026, 3, 2)
END = START + timedelta(days=29)
NOW = at(START, 7)


def seed(motif, pmi, agents_count):
    sites = [SiteFactory() for _ in range(4)]
    agents = []
    for index in range(agents_count):
        nurse = agent(service=pmi, site=sites[index % 4])
        schedule(nurse, sites[index % 4], motif, start=clock(9), end=clock(12))
        schedule(nurse, sites[index % 4], motif, start=clock(13, 30), end=clock(17))
        Absence.objects.create(agent=nurse, starts_at=at(START + timedelta(days=index % 20), 0),
                               ends_at=at(START + timedelta(days=index % 20 + 1), 0))  # fmt: skip
        agents.append(nurse)
    slots = free_slots(motif=motif, start_date=START, end_date=END, now=NOW)
    random.seed(35)
    booked = random.sample(slots, int(len(slots) * 0.6))
    Appointment.objects.bulk_create(
        Appointment(
            motif=motif,
            site_id=s.site_id,
            agent_id=s.agent_id,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            first_name="X",
            last_name="Y",
        )  # fmt: skip
        for s in booked
    )
    return agents, len(slots), len(booked)


def raw_rows(motif):
    """Fetch the same rows the search needs, with no computation: the floor to compare with."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.agent_id, s.site_id, s.weekdays, s.start_time, s.end_time, s.valid_from, s.valid_to, "
            "s.every_n_weeks FROM appointments_openingschedule s JOIN appointments_openingschedule_motifs m "
            "ON m.openingschedule_id = s.id WHERE m.motif_id = %s",
            [motif.pk],
        )
        schedules = cursor.fetchall()
        agent_ids = list({row[0] for row in schedules})
        cursor.execute(
            "SELECT agent_id, starts_at, ends_at FROM appointments_absence WHERE agent_id = ANY(%s)", [agent_ids]
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT agent_id, starts_at, ends_at FROM appointments_appointment WHERE agent_id = ANY(%s) "
            "AND starts_at < %s AND ends_at > %s AND status IN ('booked', 'arrived', 'seen', 'no_show')",
            [agent_ids, at(END + timedelta(days=1), 0), at(START, 0)],
        )
        return len(cursor.fetchall())


def timed_pair(first, second, runs=25):
    """Time two functions in turns (so that machine noise hits both alike); return their medians in ms."""
    durations = ([], [])
    for _ in range(runs):
        for function, bucket in ((first, durations[0]), (second, durations[1])):
            started = time.perf_counter()
            function()
            bucket.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations[0]), statistics.median(durations[1])


def test_slot_search_30_days_20_agents(motif, pmi):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL")
    motif.max_delay_days = 365
    motif.save()
    _agents, offered, booked = seed(motif, pmi, 20)
    search, raw = timed_pair(lambda: free_slots(motif=motif, start_date=START, end_date=END, now=NOW),
                             lambda: raw_rows(motif))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        free = free_slots(motif=motif, start_date=START, end_date=END, now=NOW)
    with CaptureQueriesContext(connection) as week_queries:
        free_slots(motif=motif, start_date=START, end_date=START + timedelta(days=6), now=NOW)
    print(
        f"\nSlot search, 30 days x 20 agents: {offered:,} slots offered, {booked:,} booked (60 %), {len(free):,} free"
    )
    print(f"  search {search:.1f} ms   raw rows {raw:.1f} ms   ratio {search / raw:.2f} (goal <= 2)")
    print(f"  queries: {len(queries)} for 30 days, {len(week_queries)} for 7 days")
    assert len(queries) == len(week_queries) == 3
    assert len(free) == offered - booked
