"""Fault suite: a part of the platform fails during a flow of submissions, bookings and mail registrations.
Every request succeeds or fails cleanly, nothing created is lost, every notification is delivered exactly once."""

import os
import threading
import time

from tests.load.faults import (
    delivered_ids,
    kill_workers,
    print_table,
    restart_postgres,
    start_redis,
    stop_redis,
    wait_for_outbox,
    wait_for_receipts,
)
from tests.load.flows import run_flows


FAULT_SECONDS = int(os.environ.get("FAULT_SECONDS", "60"))
CITIZEN = "parent@demo.ille-et-vilaine.example"


def check_and_report(scenario, records, db, platform):
    db = reconnect(db)
    receipts_waiting = wait_for_receipts(db)
    sent, pending, failed = wait_for_outbox(db)
    delivered = delivered_ids(platform["state"] / "mail")
    outbox_emails = {row[0] for row in db.execute(
        "SELECT id FROM portal_outboxmessage WHERE channel = 'email' AND status = 'sent'").fetchall()}  # fmt: skip
    duplicated = sum(1 for count in delivered.values() if count > 1)
    never_delivered = len(outbox_emails - set(delivered))
    lost = {
        "submissions": len(
            set(records["submissions"].created)
            - {r[0] for r in db.execute("SELECT id FROM teleprocedures_dossier WHERE state <> 'draft'").fetchall()}
        ),  # fmt: skip
        "bookings": len(
            set(records["bookings"].created)
            - {r[0] for r in db.execute("SELECT last_name FROM appointments_appointment").fetchall()}
        ),  # fmt: skip
        "mail registrations": len(
            set(records["mail registrations"].created)
            - {r[0] for r in db.execute("SELECT subject FROM mailroom_mailitem").fetchall()}
        ),  # fmt: skip
    }
    rows = [(scenario, name, r.requests, len(r.unclean), r.clean_failures, len(r.created), lost[name],
             duplicated if name == "mail registrations" else "")
            for name, r in records.items()]  # fmt: skip
    print_table(f"{scenario}: notifications sent {sent}, pending {pending}, failed {failed}, "
                f"emails never delivered {never_delivered}, delivered twice {duplicated}, "
                f"receipts not written {receipts_waiting}", rows)  # fmt: skip
    for name, record in records.items():
        assert not record.unclean, f"{name}: {record.unclean[:10]}"
        assert record.created, f"{name}: nothing was created during the scenario"
    assert not any(lost.values()), lost
    assert pending == 0 and failed == 0 and duplicated == 0 and never_delivered == 0 and receipts_waiting == 0


def reconnect(db):
    try:
        db.execute("SELECT 1")
        return db
    except Exception:  # noqa: BLE001 - the scenario restarted PostgreSQL under this connection
        import psycopg

        from tests.load.conftest import DATABASE_URL

        return psycopg.connect(DATABASE_URL, autocommit=True)


def run_scenario(name, fault, platform, db, *, seconds):
    injector = threading.Thread(target=fault)
    records = run_flows(platform["nodes"], seconds=seconds, citizen_email=CITIZEN, on_tick=injector.start)
    injector.join()
    check_and_report(name, records, db, platform)


def test_redis_stopped_during_the_flow(platform, load_db):
    def fault():
        time.sleep(5)
        stop_redis()
        time.sleep(FAULT_SECONDS)
        start_redis()

    run_scenario(f"Redis stopped {FAULT_SECONDS} s", fault, platform, load_db, seconds=FAULT_SECONDS + 20)


def test_workers_killed_mid_task(platform, load_db):
    killed = []

    def fault():
        for _ in range(6):
            time.sleep(4)
            killed.append(kill_workers())

    run_scenario("RQ workers SIGKILLed 6 times", fault, platform, load_db, seconds=30)
    assert sum(killed) >= 6


def test_postgresql_restarted_during_the_flow(platform, load_db):
    def fault():
        time.sleep(5)
        restart_postgres()
        time.sleep(3)
        restart_postgres()

    run_scenario("PostgreSQL restarted twice", fault, platform, load_db, seconds=30)
