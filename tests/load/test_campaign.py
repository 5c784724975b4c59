"""RSA campaign: the département invites 5,000 beneficiaries from a CSV file, then 1,000 of them open the link of
their email and book, within minutes, the times of the one week its referents receive. Exactly one booking per
time, no error, every invitation and confirmation delivered once, reminders queued once however many runs of the
periodic jobs overlap."""

import csv
import io
import os
import random
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from tests.load.conftest import Browser, manage
from tests.load.faults import delivered_ids, wait_for_outbox
from tests.load.flows import Record, call
from tests.load.test_load import percentile


INVITED = int(os.environ.get("CAMPAIGN_INVITED", "5000"))
BOOKERS = int(os.environ.get("CAMPAIGN_BOOKERS", "1000"))
CONCURRENCY = int(os.environ.get("CAMPAIGN_CONCURRENCY", "40"))
REFERENTS_PER_SITE = 3
MOTIF = "Rendez-vous d'orientation RSA"
DAY_SLOTS = 10  # 45 minutes from 9:00 to 16:30
PARIS = ZoneInfo("Europe/Paris")


def campaign_week():
    """The Monday of the first whole week after tomorrow (the motif asks for 24 hours' notice)."""
    tomorrow = date.today() + timedelta(days=1)
    return tomorrow + timedelta(days=7 - tomorrow.weekday())


SETUP = """
from datetime import date, time
from appointments.models import Motif, OpeningSchedule
from portal.enums import Role
from portal.models import Membership, Service, Site, User

week = date.fromisoformat("{week}")
motif = Motif.objects.get(name__fr="{motif}")
rsa = Service.objects.get(slug="rsa-insertion")
# The campaign's week only: the usual schedules end, so that every free time is one of that week.
OpeningSchedule.objects.filter(motifs=motif).update(valid_to=date.today())
for site in Site.objects.filter(services=rsa).order_by("pk"):
    for index in range({per_site}):
        referent, _ = User.objects.get_or_create(
            email=f"referent{{site.pk}}-{{index}}@campagne.example",
            defaults={{"first_name": "Référent", "last_name": f"{{site.pk}}-{{index}}"}})
        Membership.objects.get_or_create(user=referent, service=rsa, site=site, role=Role.INSTRUCTOR)
        schedule = OpeningSchedule.objects.create(
            agent=referent, site=site, weekdays=[0, 1, 2, 3, 4], start_time=time(9), end_time=time(16, 30),
            valid_from=week, valid_to=date.fromordinal(week.toordinal() + 4))
        schedule.motifs.set([motif])
print(motif.pk, Site.objects.filter(services=rsa).count())
"""


def campaign_csv(communes):
    rows = io.StringIO()
    writer = csv.writer(rows, delimiter=";")
    writer.writerow(["reference", "last_name", "first_name", "email", "phone", "address_line", "commune"])
    for n in range(INVITED):
        phone = f"06 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} 00" if n % 5 == 0 else ""
        writer.writerow([f"CAF{n:07d}", f"Campagne{n}", "Alex", f"beneficiaire{n}@example.org", phone,
                         f"{n % 90 + 1} rue de la Gare", communes[n % len(communes)]])  # fmt: skip
    return rows.getvalue().encode()


def invitation_links(mail_folder):
    """{email address: invitation path} read from the delivered invitation emails."""
    links = {}
    for path in mail_folder.glob("*.log"):
        for message in path.read_text(errors="replace").split("\n-------------------------------------------------"):
            to = re.search(r"^To: (beneficiaire\d+@example\.org)$", message, re.MULTILINE)
            link = re.search(r"/rendez-vous/invitation/([\w-]+)/", message)
            if to and link and "X-Outbox-Id" in message:
                links.setdefault(to[1], f"/rendez-vous/invitation/{link[1]}/")
    return links


def book_by_invitation(base, record, path, tries=3):
    """A beneficiary opens the link, takes one of the first times shown, and tries another one offered if that
    time was just taken; they give up after `tries` refusals, as people do."""
    browser = Browser(base)
    search = call(record, "invitation link", browser.get, base + path, timeout=60)
    if search is None or search.status_code != 200:
        return None
    times = re.findall(r'href="(/rendez-vous/\d+/reserver/\?[^"]+)"', search.text)
    if not times:
        return None  # "no free time": the page says so
    choice = random.choice(times[:12]).replace("&amp;", "&")
    for _ in range(tries):
        form = call(record, "booking form", browser.page, choice)
        if form is None or form.status_code != 200:
            return None
        data = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form.text)
                if name != "csrfmiddlewaretoken"}  # fmt: skip
        answer = call(record, "book", browser.post, base + choice, data=data, timeout=60, allow_redirects=False)
        if answer is None:
            return None
        if answer.status_code == 302:
            return record.outcome(answer, path, path)
        others = re.findall(r'href="\?([^"]+)"', answer.text)  # the times offered instead
        if not others:
            return record.outcome(answer, path, None)
        choice = choice.split("?")[0] + "?" + random.choice(others).replace("&amp;", "&")
    return record.outcome(answer, path, None)


def test_rsa_campaign(platform, load_db):
    mail = platform["state"] / "mail"
    week = campaign_week()
    motif_pk, sites = map(int, manage(platform, "shell", "-c", SETUP.format(
        week=week, motif=MOTIF, per_site=REFERENTS_PER_SITE)).split()[-2:])  # fmt: skip
    slots = sites * REFERENTS_PER_SITE * 5 * DAY_SLOTS
    communes = [row[0] for row in load_db.execute(
        "SELECT name FROM portal_commune WHERE site_id IS NOT NULL ORDER BY insee_code").fetchall()]  # fmt: skip

    # 1. The referent imports the file: 5,000 invitations, sent by email (and SMS for one in five).
    agent = Browser(platform["nodes"][0])
    agent.sign_in("referent.rsa@demo.ille-et-vilaine.example")
    started = time.perf_counter()
    imported = agent.submit(
        "/agent/rendez-vous/invitations/",
        {"csv-motif": str(motif_pk)},
        files={"csv-file": ("campagne.csv", campaign_csv(communes), "text/csv")},
    )
    import_seconds = time.perf_counter() - started
    assert imported.status_code == 200, imported.text[:2000]
    invited_count = load_db.execute("SELECT COUNT(*) FROM appointments_invitation WHERE last_name LIKE 'Campagne%%'")
    assert invited_count.fetchone()[0] == INVITED
    started = time.perf_counter()
    listing = agent.page("/agent/rendez-vous/invitations/")
    listing_ms = (time.perf_counter() - started) * 1000
    assert listing.status_code == 200

    started = time.perf_counter()
    sent, pending, failed = wait_for_outbox(load_db, timeout=900)
    delivery_seconds = time.perf_counter() - started
    links = invitation_links(mail)
    assert len(links) == INVITED, f"{len(links)} invitation emails found for {INVITED} invited"

    # 2. 1,000 of them book within minutes, on both nodes.
    record = Record()
    people = random.sample(sorted(links), BOOKERS)
    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        for serial, email in enumerate(people):
            pool.submit(book_by_invitation, platform["nodes"][serial % 2], record, links[email])
    booking_seconds = time.perf_counter() - started

    booked = load_db.execute(
        "SELECT a.id, a.agent_id, a.starts_at, a.ends_at FROM appointments_appointment a "
        "JOIN appointments_invitation i ON i.appointment_id = a.id WHERE a.motif_id = %s AND a.status = 'booked'",
        [motif_pk],
    ).fetchall()
    overlaps = load_db.execute(
        "SELECT COUNT(*) FROM appointments_appointment a JOIN appointments_appointment b ON a.agent_id = b.agent_id "
        "AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
        "WHERE a.status IN ('booked', 'arrived') AND b.status IN ('booked', 'arrived')"
    ).fetchone()[0]
    outside = [row for row in booked if not (week <= row[2].astimezone(PARIS).date() <= week + timedelta(days=4))]

    # 3. Reminders: four days later (the invitations are moved back in time), three runs of the periodic jobs
    # overlap, as when a timer fires while a slow run is still going.
    load_db.execute("UPDATE appointments_invitation SET created_at = created_at - interval '4 days' "
                    "WHERE last_name LIKE 'Campagne%%'")  # fmt: skip
    runs = [threading.Thread(target=manage, args=(platform, "run_periodic_jobs")) for _ in range(3)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    # and the appointments' own reminders, 48 hours before, by two overlapping runs
    remind = ("from datetime import datetime, time; from django.utils import timezone; "
              "from appointments.services import send_reminders; "
              f"print(send_reminders(now=timezone.make_aware(datetime.combine(date.fromisoformat('{week}'), time(8)))"
              " - timezone.timedelta(hours=24)))")  # fmt: skip
    remind = "from datetime import date; " + remind
    reminder_runs = [threading.Thread(target=manage, args=(platform, "shell", "-c", remind)) for _ in range(2)]
    for run in reminder_runs:
        run.start()
    for run in reminder_runs:
        run.join()
    sent, pending, failed = wait_for_outbox(load_db, timeout=900)
    delivered = delivered_ids(mail)
    duplicated = sum(1 for count in delivered.values() if count > 1)
    emails = set(load_db.execute("SELECT id FROM portal_outboxmessage WHERE channel = 'email'").fetchall())
    never_delivered = len({row[0] for row in emails} - set(delivered))
    per_template = dict(load_db.execute(
        "SELECT template, COUNT(*) FROM portal_outboxmessage WHERE recipient LIKE 'beneficiaire%%' "
        "AND channel = 'email' GROUP BY template").fetchall())  # fmt: skip
    reminded_twice = load_db.execute(
        "SELECT COUNT(*) FROM (SELECT recipient FROM portal_outboxmessage WHERE template LIKE '%%reminder' "
        "AND recipient LIKE 'beneficiaire%%' AND channel = 'email' GROUP BY recipient, template "
        "HAVING COUNT(*) > 1) twice"
    ).fetchone()[0]
    not_booked = INVITED - len(booked)
    reminded = load_db.execute(
        "SELECT COUNT(*) FROM appointments_appointment WHERE motif_id = %s AND reminder_sent_at IS NOT NULL",
        [motif_pk]).fetchone()[0]  # fmt: skip
    monday = sum(1 for row in booked if row[2].astimezone(PARIS).date() == week)

    pages = record.timings
    print(f"\nRSA campaign: {INVITED} invited by a CSV import in {import_seconds:.1f} s "
          f"(invitation list then shown in {listing_ms:.0f} ms), "
          f"all invitation emails delivered {delivery_seconds:.0f} s later; "
          f"{BOOKERS} people booking {slots} times of the week of {week} with {CONCURRENCY} at a time on 2 nodes: "
          f"{booking_seconds:.0f} s, {record.requests} requests ({record.requests / booking_seconds:.1f}/s), "
          f"{len(record.unclean)} errors, {len(booked)} booked ({len(record.created)} told so), "
          f"{record.clean_failures} told the time was taken and gave up or found none, "
          f"{overlaps} times booked twice, {len(outside)} outside the week")  # fmt: skip
    print(f"  {'page':22} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, values in pages.items():
        print(f"  {page:22} {len(values):8} {statistics.median(values):8.0f} {percentile(values, 0.95):8.0f} "
              f"{percentile(values, 0.99):8.0f}")  # fmt: skip
    print(f"  emails per kind: {per_template}; invitation reminders expected {not_booked}; appointment reminders "
          f"sent {reminded} (for the {monday} booked on Monday); "
          f"outbox sent {sent}, pending {pending}, failed {failed}; delivered twice "
          f"{duplicated}, never delivered {never_delivered}; reminded twice {reminded_twice}")  # fmt: skip

    assert not record.unclean, record.unclean[:10]
    assert overlaps == 0 and not outside
    claimed = {row[0] for row in load_db.execute(
        "SELECT '/rendez-vous/invitation/' || i.token || '/' FROM appointments_invitation i "
        "JOIN appointments_appointment a ON a.id = i.appointment_id WHERE a.motif_id = %s", [motif_pk])}  # fmt: skip
    assert set(record.created) == claimed and len(claimed) == len(booked), "a booking told is not the one stored"
    assert len(booked) <= slots
    assert per_template.get("appointments/email/invitation") == INVITED
    assert per_template.get("appointments/email/invitation_reminder") == not_booked
    assert per_template.get("appointments/email/appointment_booked") == len(booked)
    assert per_template.get("appointments/email/appointment_reminder", 0) == monday == reminded
    assert reminded_twice == 0 and duplicated == 0 and never_delivered == 0
    assert pending == 0 and failed == 0
