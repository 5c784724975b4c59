"""Chrono numbers under concurrent registration: four processes, 200 letters each, on PostgreSQL."""

import multiprocessing
from datetime import date

import pytest
from django.db import connection, connections

from mailroom import services
from mailroom.enums import Channel
from mailroom.models import Contact, MailItem


def _clerk(index, contact_pk, barrier, results):
    """One clerk's afternoon: 200 letters registered one after the other."""
    errors = []
    barrier.wait()
    for number in range(200):
        try:
            services.register(contact=Contact.objects.get(pk=contact_pk), subject=f"Lettre {index}-{number}",
                              channel=Channel.PAPER, received_on=date(2026, 11, 20))  # fmt: skip
        except Exception as error:  # noqa: BLE001 (reported to the parent test)
            errors.append(repr(error))
    connections.close_all()
    results.put(errors)


@pytest.mark.django_db(transaction=True)
def test_four_processes_registering_200_letters_each_get_gapless_unique_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency test needs PostgreSQL")
    contacts = [Contact.objects.create(last_name=f"Expéditeur {n}") for n in range(4)]
    connections.close_all()  # each forked process opens its own connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_clerk, args=(n, contacts[n].pk, barrier, results)) for n in range(4)]
    for process in processes:
        process.start()
    errors = [error for _ in processes for error in results.get(timeout=300)]
    for process in processes:
        process.join(timeout=60)
    assert errors == [] and [process.exitcode for process in processes] == [0, 0, 0, 0]
    numbers = sorted(MailItem.objects.values_list("number", flat=True))
    assert numbers == [f"2026-{n:06d}" for n in range(1, 801)]
