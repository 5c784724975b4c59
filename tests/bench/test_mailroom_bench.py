"""Benchmark of the mailroom with 200,000 items, and of email ingestion (run with `bash scripts/bench`)."""

import os
import random
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mailroom.enums import Channel, MailStatus
from mailroom.ingestion import ingest_directory
from mailroom.models import Contact, MailCategory, MailItem
from mailroom.search import search_text_of
from portal.enums import Role
from portal.models import Counter, Service
from tests.bench.test_teleprocedures_bench import timed_get
from tests.factories import agent


pytestmark = [pytest.mark.bench, pytest.mark.django_db]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.05 for a quick trial run
LARGE = int(200_000 * SCALE)
SURNAMES = [
    "Le Goff",
    "Martin",
    "Le Gall",
    "Guillou",
    "Hamon",
    "Rouxel",
    "Lemoine",
    "Gicquel",
    "Le Bihan",
    "Tanguy",
    "Jégou",
    "Le Roux",
    "Morvan",
    "Riou",
    "Collet",
    "Perrin",
    "Lefort",
    "Quéré",
    "Berthelot",
    "Durand",
] * 5
SURNAMES = [f"{name}{'-' + str(n) if n else ''}" for n, name in enumerate(SURNAMES)]  # 100 surnames
FIRST_NAMES = ["Anne", "Marc", "Inès", "Yann", "Sophie", "Loïc", "Claire", "Erwan", "Maëlle", "Thomas", "Nolwenn",
               "Paul", "Soizic", "Jean", "Gaëlle", "Ronan", "Léa", "Hugo", "Nina", "Tristan"]  # fmt: skip
SUBJECTS = ["Demande de busage", "Nid de poule sur la route départementale", "Transport scolaire de mon fils",
            "Réclamation déneigement", "Demande d'aide sociale", "Élagage des arbres en bord de route",
            "Horaires du taxi", "Subvention pour la salle communale", "Dossier RSA", "Rendez-vous PMI"]  # fmt: skip


def seed(count, services, categories, start_serial, open_count, frequent_sender=None):
    """`count` items over about five years; the `open_count` most recent are still open, the others closed.

    A service's backlog stays about the same whatever its history: both runs show full pages of open mail.
    `frequent_sender` (a mayor, an association) wrote 60 of the letters of the first service: searching for them
    shows a full page whatever the size of the history, so that both runs compare the same page.
    """
    rng = random.Random(count)
    contacts = Contact.objects.bulk_create(
        Contact(first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(SURNAMES), city="Rennes")
        for _ in range(max(count // 4, 50))
    )
    now = timezone.now()
    batch = []
    for index in range(count):
        created = now - timedelta(minutes=index * 13)  # about five years for 200,000 items
        is_open = index < open_count
        category = categories[index % len(categories)]
        item = MailItem(
            number=f"{created.year}-{start_serial + index:06d}", year=created.year, channel=Channel.PAPER,
            received_on=created.date(), subject=rng.choice(SUBJECTS),
            contact=frequent_sender if frequent_sender and index % 8 == 0 and index < 480
            else contacts[index % len(contacts)],
            body="Courrier de test.", category=category, service=category.service, created_at=created,
            status=rng.choice([MailStatus.ROUTED, MailStatus.IN_PROGRESS]) if is_open else MailStatus.CLOSED,
            due_date=created.date() + timedelta(days=21), alert_on=created.date() + timedelta(days=17),
            closed_at=None if is_open else created + timedelta(days=10),
        )  # fmt: skip
        item.search_text = search_text_of(item)
        batch.append(item)
        if len(batch) == 5000:
            MailItem.objects.bulk_create(batch)
            batch = []
    MailItem.objects.bulk_create(batch)
    years = {(now - timedelta(minutes=index * 13)).year for index in (0, count - 1)}
    for year in range(min(years), max(years) + 1):  # counters go on from the numbers given, as registration would
        Counter.objects.update_or_create(key=f"mail-{year}", defaults={"value": start_serial + count})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mailroom_mailitem")
        cursor.execute("ANALYZE mailroom_contact")
    return contacts


def measure(client, service, name):
    urls = {
        "queue": f"{reverse('mailroom:queue')}?service={service.pk}",
        "search": f"{reverse('mailroom:queue')}?service={service.pk}&tab=all&q={name}",
    }
    results = {}
    for key, url in urls.items():
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        queries = len(captured.captured_queries)
        results[key] = (*timed_get(client, url), queries)
    return results


def test_queue_and_search_with_200000_items_and_1000_emails_ingested(client, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL")
    services = [Service.objects.create(slug=f"service-{n}", name=f"Service {n}") for n in range(8)]
    categories = [MailCategory.objects.create(name={"fr": f"Catégorie {n}"}, service=services[n]) for n in range(8)]
    instructor = agent(role=Role.INSTRUCTOR, service=services[0])
    client.force_login(instructor)
    name = "Marc Lefort"

    frequent = Contact.objects.create(first_name="Marc", last_name="Lefort", organisation_name="Mairie de Vitré")
    seed(1_000, services, categories, start_serial=1, open_count=600, frequent_sender=frequent)
    small = measure(client, services[0], name)
    started = time.perf_counter()
    seed(LARGE - 1_000, services, categories, start_serial=1_001, open_count=0)
    print(f"\nSeeded {MailItem.objects.count():,} mail items in {time.perf_counter() - started:.1f} s")
    large = measure(client, services[0], name)

    print(f"\nMail queue of a service            p50 ms   p95 ms   SQL queries   (1,000 items, then {LARGE:,})")
    for key, label in (("queue", "queue page (to assign)"), ("search", f"search by sender “{name}”")):
        for size, figures in (("1,000", small[key]), (f"{LARGE:,}", large[key])):
            print(f"  {label:28} {size:>8}  {figures[0]:7.1f}  {figures[1]:7.1f}   {figures[2]}")
        print(f"  ratio p95 large/small (goal <= 2): {large[key][1] / small[key][1]:.2f}")

    # 1,000 emails in a directory, ingested at once; numbers must follow each other without a gap.
    raw = (
        "From: {first} {last} <{login}@example.org>\nTo: courrier@ille-et-vilaine.example\nSubject: {subject}\n"
        "Date: Mon, 23 Nov 2026 09:{minute:02d}:00 +0100\nMessage-ID: <bench-{n}@example.org>\n"
        "Content-Type: text/plain; charset=utf-8\n\nBonjour, voici ma demande numéro {n}.\n"
    )
    rng = random.Random(7)
    for n in range(1_000):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        (tmp_path / f"{n:04d}.eml").write_text(raw.format(first=first, last=last, login=f"p{n % 300}", n=n,
                                                          subject=rng.choice(SUBJECTS), minute=n % 60))  # fmt: skip
    existing = set(MailItem.objects.filter(year=2026).values_list("number", flat=True))
    started = time.perf_counter()
    report = ingest_directory(tmp_path)
    seconds = time.perf_counter() - started
    numbers = sorted(set(MailItem.objects.filter(year=2026).values_list("number", flat=True)) - existing)
    serials = [int(number.split("-")[1]) for number in numbers]
    gapless = serials == list(range(serials[0], serials[0] + len(serials)))
    print(
        f"\nIngestion of 1,000 .eml files: {seconds:.1f} s ({1_000 / seconds:.0f} per second), {report}, "
        f"numbers {numbers[0]} to {numbers[-1]}, gapless: {gapless}"
    )

    assert small["queue"][2] == large["queue"][2] and small["search"][2] == large["search"][2]
    assert large["queue"][1] / small["queue"][1] <= 2 and large["search"][1] / small["search"][1] <= 2
    assert report == {"registered": 1_000, "already": 0, "errors": 0} and gapless and seconds < 60
