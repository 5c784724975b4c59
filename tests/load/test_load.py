"""Load suite (bounded in time): citizens filing and booking, visitors writing, agents working their queues, on the
two nodes of the production run. Prints throughput and p50/p95/p99 per page; no error, one booking per time."""

import os
import statistics
import threading
import time

from tests.load.conftest import Browser
from tests.load.flows import Record, agent_work, booking, submission, web_message


LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
USERS = int(os.environ.get("LOAD_USERS", "12"))  # concurrent people, spread over the flows


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def test_mixed_load_on_two_nodes(platform, load_db):
    nodes = platform["nodes"]
    record = Record()
    stop_at = time.monotonic() + LOAD_SECONDS
    citizens = [Browser(nodes[i % 2]) for i in range(2)]
    for index, browser in enumerate(citizens):
        browser.sign_in("parent@demo.ille-et-vilaine.example" if index == 0 else "usager@demo.ille-et-vilaine.example")
    agents = [Browser(nodes[i % 2]) for i in range(2)]
    agents[0].sign_in("instructeur@demo.ille-et-vilaine.example")
    agents[1].sign_in("accueil@demo.ille-et-vilaine.example")

    def person(index):
        serial = index * 100_000
        while time.monotonic() < stop_at:
            serial += 1
            kind = index % 6
            if kind == 0 and index < 2:
                submission(citizens[index], record)
            elif kind in (1, 2):
                booking(nodes[serial % 2], record, serial)
            elif kind == 3:
                web_message(nodes[serial % 2], record, serial)
            else:
                agent_work(agents[index % 2], record)

    threads = [threading.Thread(target=person, args=(index,)) for index in range(USERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    print(f"\nmixed load: {USERS} people for {elapsed:.0f} s on {len(nodes)} nodes: {record.requests} requests, "
          f"{record.requests / elapsed:.1f} requests/s, {len(record.unclean)} errors, "
          f"{record.clean_failures} clean refusals (a time just taken…)")  # fmt: skip
    print(f"  {'page':22} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, values in sorted(record.timings.items(), key=lambda item: -len(item[1])):
        print(f"  {page:22} {len(values):8} {statistics.median(values):8.0f} {percentile(values, 0.95):8.0f} "
              f"{percentile(values, 0.99):8.0f}")  # fmt: skip
    doubles = load_db.execute(
        "SELECT agent_id, starts_at, COUNT(*) FROM appointments_appointment WHERE status = 'booked' "
        "GROUP BY agent_id, starts_at HAVING COUNT(*) > 1"
    ).fetchall()
    assert not record.unclean, record.unclean[:10]
    assert not doubles, f"times booked twice: {doubles[:5]}"
    assert record.created
