"""Benchmark of the manager dashboard and the public statistics with 100,000 dossiers, 200,000 appointments and
200,000 mail items (run with `bash scripts/bench`; BENCH_SCALE=0.05 for a quick trial)."""

import os
import re
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from appointments.enums import AppointmentStatus, BookedVia
from appointments.models import Appointment, Invitation, Motif, OpeningSchedule
from dashboards.indicators import SECTIONS
from dashboards.models import SurveyResponse
from dashboards.services import record_slot_delays
from mailroom.enums import Channel, MailStatus
from mailroom.models import Contact, MailCategory, MailItem
from portal.enums import Role
from portal.models import Service
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from tests.factories import SiteFactory, UserFactory, agent
from tests.teleprocedures.fixtures import TRANSPORT_DATA


# Committed rows, as in production: the dashboard computes its sections side by side on their own connections.
pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PARIS = ZoneInfo("Europe/Paris")
BATCH = 5000
AGENTS = 40


def bulk(model, objects):
    batch = []
    for obj in objects:
        batch.append(obj)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


def setup_config(procedures):
    pmi = Service.objects.create(slug="pmi", name="PMI")
    sites = [SiteFactory(name=f"CDAS {index}") for index in range(4)]
    motif = Motif.objects.create(service=pmi, name={"fr": "Consultation"}, duration_minutes=30, min_delay_minutes=0,
                                 max_delay_days=120)  # fmt: skip
    agents = []
    for index in range(AGENTS):
        nurse = agent(service=pmi, site=sites[index % 4])
        opening = OpeningSchedule.objects.create(agent=nurse, site=sites[index % 4], weekdays=[0, 1, 2, 3, 4],
                                                 start_time=clock(8), end_time=clock(18),
                                                 valid_from=date(2024, 1, 1))  # fmt: skip
        opening.motifs.add(motif)
        agents.append(nurse)
    roads = procedures["permission-voirie"].service
    categories = [MailCategory.objects.create(name={"fr": f"Catégorie {i}"}, service=roads, deadline_days=15)
                  for i in range(5)]  # fmt: skip
    contacts = [Contact.objects.create(last_name=f"Contact {i}") for i in range(500)]
    return {"pmi": pmi, "sites": sites, "motif": motif, "agents": agents, "categories": categories,
            "contacts": contacts, "roads": roads}  # fmt: skip


def seed(procedures, config, *, dossiers, appointments, mail, offset=None):
    """Add rows spread over the last two years (appointments up to three months ahead)."""
    offset = offset or {"dossiers": 0, "appointments": 0, "mail": 0}
    now = timezone.now()
    today = timezone.localdate()
    transport = procedures["transport-scolaire-adapte"]
    version = transport.published_version()
    applicants = list(UserFactory._meta.model.objects.filter(memberships__isnull=True)[:200]) or [
        UserFactory() for _ in range(200)
    ]
    helper = config["agents"][0]
    states = [DossierState.ACCEPTED, DossierState.REJECTED, DossierState.IN_REVIEW, DossierState.SUBMITTED,
              DossierState.ACCEPTED, DossierState.AWAITING_INFO, DossierState.CLOSED]  # fmt: skip

    def make_dossiers():
        for index in range(dossiers):
            serial = offset["dossiers"] + index
            submitted = now - timedelta(minutes=7 * serial)
            state = states[serial % len(states)]
            decided = state in (DossierState.ACCEPTED, DossierState.REJECTED, DossierState.CLOSED)
            yield Dossier(
                procedure=transport, version=version, applicant=applicants[serial % len(applicants)], state=state,
                number=f"TSA-B-{serial:07d}", data=TRANSPORT_DATA, submitted_at=submitted,
                decided_at=min(submitted + timedelta(days=serial % 70, hours=3), now) if decided else None,
                paused_duration=timedelta(days=serial % 5), due_on=(submitted + timedelta(days=60)).date(),
                filed_by=helper if serial % 4 == 0 else None,
                paused_at=now if state == DossierState.AWAITING_INFO else None,
            )  # fmt: skip

    bulk(Dossier, make_dossiers())

    statuses = [AppointmentStatus.SEEN, AppointmentStatus.SEEN, AppointmentStatus.NO_SHOW, AppointmentStatus.EXCUSED,
                AppointmentStatus.CANCELLED, AppointmentStatus.SEEN]  # fmt: skip
    vias = list(BookedVia)
    first_day = today + timedelta(days=90)

    def make_appointments():
        for index in range(appointments):
            serial = offset["appointments"] + index
            nurse = serial % AGENTS
            slot = serial // AGENTS
            day = first_day - timedelta(days=slot // 20)
            starts = datetime.combine(day, clock(8), PARIS) + timedelta(minutes=30 * (slot % 20))
            status = AppointmentStatus.BOOKED if starts > now else statuses[serial % len(statuses)]
            yield Appointment(
                motif=config["motif"], site=config["sites"][nurse % 4], agent=config["agents"][nurse],
                starts_at=starts, ends_at=starts + timedelta(minutes=30), status=status,
                booked_via=vias[serial % len(vias)], first_name="A", last_name="B",
            )  # fmt: skip

    bulk(Appointment, make_appointments())
    booked = list(
        Appointment.objects.filter(booked_via=BookedVia.INVITATION, invitation__isnull=True)
        .order_by("-pk")
        .values_list("pk", "starts_at")[: appointments // 10]
    )
    bulk(Invitation, (
        Invitation(motif=config["motif"], token=f"bench-{offset['appointments']}-{index}", first_name="A",
                   last_name="B", created_at=starts - timedelta(days=index % 50),
                   expires_at=starts + timedelta(days=30), appointment_id=pk if index % 2 == 0 else None)
        for index, (pk, starts) in enumerate(booked)
    ))  # fmt: skip

    channels = list(Channel)

    def make_mail():
        for index in range(mail):
            serial = offset["mail"] + index
            received = today - timedelta(days=(serial // 280) % 730)
            created = datetime.combine(received, clock(9), PARIS)
            answered = serial % 3 != 0
            yield MailItem(
                number=f"B-{serial:08d}", year=received.year, channel=channels[serial % len(channels)],
                received_on=received, contact=config["contacts"][serial % 500], subject="Objet",
                category=config["categories"][serial % 5], service=config["roads"],
                status=MailStatus.ANSWERED if answered else MailStatus.IN_PROGRESS, created_at=created,
                due_date=received + timedelta(days=21), acknowledged_at=created + timedelta(hours=serial % 60),
                answered_at=created + timedelta(days=serial % 30) if answered else None,
            )  # fmt: skip

    bulk(MailItem, make_mail())
    bulk(SurveyResponse, (
        SurveyResponse(event=f"bench:{offset['dossiers'] + index}", journey="submitted", channel="online",
                       service=transport.service, procedure=transport, score=1 + index % 5,
                       created_at=now - timedelta(hours=index))
        for index in range(dossiers // 10)
    ))  # fmt: skip
    with connection.cursor() as cursor:
        for table in ("teleprocedures_dossier", "appointments_appointment", "appointments_invitation",
                      "mailroom_mailitem", "dashboards_surveyresponse"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")


def normalised(sql):
    return re.sub(r"_django_curs_\d+_sync_\d+", "cursor", sql)[:120]


def cold_and_warm(client, url, runs=5):
    cold = []
    for _ in range(runs):
        cache.clear()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append((time.perf_counter() - started) * 1000)
    warm = []
    for _ in range(runs * 4):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        warm.append((time.perf_counter() - started) * 1000)
    return statistics.median(cold), statistics.median(warm)


def queries_of(client, url):
    """The page's queries, its sections computed one by one so that they all go through this connection."""
    cache.clear()
    with override_settings(DASHBOARD_PARALLEL_SECTIONS=1), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return captured.captured_queries


def heaviest_query(queries, runs=5):
    """Re-run each aggregation query alone and return the slowest (median of runs, ms) with its SQL."""
    timings = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            durations = []
            for _ in range(runs):
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                durations.append((time.perf_counter() - started) * 1000)
            timings.append((statistics.median(durations), sql))
    return max(timings)


def test_dashboard_and_public_statistics_at_scale(client, procedures):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL")
    config = setup_config(procedures)
    manager = agent(role=Role.ADMINISTRATOR, service=None, site=None)
    client.force_login(manager)
    dashboard_url = reverse("dashboards:dashboard") + "?period=year"
    public_url = reverse("dashboards:public")

    # First a hundredth of the data (the most recent), then the rest: the query count must not change.
    sizes = {"dossiers": int(100_000 * SCALE), "appointments": int(200_000 * SCALE), "mail": int(200_000 * SCALE)}
    small = {key: value // 100 for key, value in sizes.items()}
    seed(procedures, config, **small)
    record_slot_delays()  # as the periodic job does every five minutes
    small_sql = [normalised(query["sql"]) for query in queries_of(client, dashboard_url)]
    small_dashboard_queries = len(small_sql)
    small_public_queries = len(queries_of(client, public_url))

    started = time.perf_counter()
    seed(procedures, config, **{key: value - small[key] for key, value in sizes.items()}, offset=small)
    measured = time.perf_counter()
    record_slot_delays()
    measured = (time.perf_counter() - measured) * 1000
    print(f"\nSeeded {Dossier.objects.count():,} dossiers, {Appointment.objects.count():,} appointments, "
          f"{MailItem.objects.count():,} mail items, {Invitation.objects.count():,} invitations, "
          f"{SurveyResponse.objects.count():,} survey answers in {time.perf_counter() - started:.1f} s")  # fmt: skip

    dashboard_queries = queries_of(client, dashboard_url)
    public_queries = queries_of(client, public_url)
    dashboard_cold, dashboard_warm = cold_and_warm(client, dashboard_url)
    public_cold, public_warm = cold_and_warm(client, public_url)
    month_url = reverse("dashboards:dashboard") + "?period=month"
    month_cold, month_warm = cold_and_warm(client, month_url)
    heaviest, heaviest_sql = heaviest_query(dashboard_queries)
    month_heaviest, _sql = heaviest_query(queries_of(client, month_url))
    public_heaviest, _sql = heaviest_query(public_queries)

    print("\n                              cold ms  cached ms  SQL queries (small data → full data)")
    print(f"  manager dashboard (year)  {dashboard_cold:9.1f} {dashboard_warm:10.1f}   "
          f"{small_dashboard_queries} → {len(dashboard_queries)}")  # fmt: skip
    print(f"  manager dashboard (month) {month_cold:9.1f} {month_warm:10.1f}")
    print(f"  public statistics         {public_cold:9.1f} {public_warm:10.1f}   "
          f"{small_public_queries} → {len(public_queries)}")  # fmt: skip
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        cache.clear()
        profiler = cProfile.Profile()
        profiler.runcall(client.get, dashboard_url)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    scope = client.get(dashboard_url).context["scope"]
    for name, compute in SECTIONS.items():
        started = time.perf_counter()
        compute(scope)
        print(f"    section {name:20} {(time.perf_counter() - started) * 1000:9.1f}")
    sql_ms = sorted((float(query["time"]) * 1000 for query in dashboard_queries), reverse=True)
    print(f"  SQL time of the cold dashboard: {sum(sql_ms):.1f} ms in {len(sql_ms)} queries; "
          f"slowest: {', '.join(f'{ms:.0f}' for ms in sql_ms[:8])}")  # fmt: skip
    if os.environ.get("BENCH_QUERIES"):
        for query in sorted(dashboard_queries, key=lambda query: -float(query["time"])):
            print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}")
    print(f"  heaviest dashboard query  {heaviest:9.1f} ms: {heaviest_sql[:150]}…")
    print(f"  dashboard cold / heaviest query: {dashboard_cold / heaviest:.2f} (goal <= 3); "
          f"month: {month_cold / month_heaviest:.2f} ({month_heaviest:.1f} ms)")  # fmt: skip
    print(f"  periodic measure of the delays to the next free slot: {measured:.0f} ms")
    print(f"  public cold / its heaviest query: {public_cold / public_heaviest:.2f}")

    if len(dashboard_queries) != small_dashboard_queries:
        full_sql = [normalised(query["sql"]) for query in dashboard_queries]
        print("  queries only with the full data:", [sql for sql in full_sql if sql not in small_sql])
    assert len(dashboard_queries) == small_dashboard_queries
    assert len(public_queries) == small_public_queries
    assert dashboard_warm < dashboard_cold
