"""Stopping and starting this machine's services for the fault scenarios, and the checks after them."""

import re
import subprocess
import time
from pathlib import Path


REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]  # fmt: skip


def stop_redis():
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)


def start_redis():
    Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
    Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
    subprocess.run(REDIS_START, check=True)
    for _ in range(40):
        if subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0:
            return
        time.sleep(0.25)
    raise RuntimeError("Redis did not come back")


def kill_workers():
    """SIGKILL every RQ worker of this machine (prod-local starts them again, as systemd would); return how many."""
    found = subprocess.run(["pgrep", "-f", "manage.py rqworker"], capture_output=True, text=True).stdout.split()
    for pid in found:
        subprocess.run(["kill", "-KILL", pid], capture_output=True)
    return len(found)


def restart_postgres():
    """Restart PostgreSQL (fast shutdown: connections in use are cut)."""
    version = sorted(Path("/etc/postgresql").iterdir())[-1].name
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
                   check=True, capture_output=True)  # fmt: skip


def wait_for_receipts(db, *, timeout=300):
    """Wait until no request or mail waits for its acknowledgement (a request cut off after its commit leaves it to
    the periodic job, two minutes later); return how many still wait."""
    deadline = time.monotonic() + timeout
    while True:
        waiting = sum(db.execute(f"SELECT COUNT(*) FROM {table} WHERE acknowledgement_pending").fetchone()[0]
                      for table in ("teleprocedures_dossier", "mailroom_mailitem"))  # fmt: skip
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(2)


def wait_for_outbox(db, *, timeout=240):
    """Wait until no notification is pending; return (sent, pending, failed)."""
    deadline = time.monotonic() + timeout
    while True:
        counts = dict(db.execute("SELECT status, COUNT(*) FROM portal_outboxmessage GROUP BY status").fetchall())
        if not counts.get("pending") or time.monotonic() > deadline:
            return counts.get("sent", 0), counts.get("pending", 0), counts.get("failed", 0)
        time.sleep(2)


def delivered_ids(mail_folder):
    """{outbox id: how many emails carried it} from the file-based email backend's folder."""
    seen = {}
    for path in Path(mail_folder).glob("*.log"):
        for found in re.findall(r"^X-Outbox-Id: (\d+)$", path.read_text(errors="replace"), re.MULTILINE):
            seen[int(found)] = seen.get(int(found), 0) + 1
    return seen


def print_table(title, rows):
    print(f"\n{title}")
    print(f"  {'scenario':34} {'flow':20} {'requests':>8} {'errors':>6} {'clean fail.':>11} {'created':>7} "
          f"{'lost':>4} {'dup. notif.':>11}")  # fmt: skip
    for row in rows:
        print(f"  {row[0]:34} {row[1]:20} {row[2]:8} {row[3]:6} {row[4]:11} {row[5]:7} {row[6]:4} {row[7]:11}")
