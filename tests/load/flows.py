"""What people do during the fault scenarios, over HTTP against the production run: each flow returns what it
created (or None) and records every answer."""

import random
import re
import threading
import time
from dataclasses import dataclass, field

import requests

from tests.load.conftest import Browser
from tests.teleprocedures.fixtures import PDF_BYTES, TRANSPORT_FILES, TRANSPORT_PAGES


@dataclass
class Record:
    """Every answer of a flow: status codes, and the requests that failed without a clean answer."""

    requests: int = 0
    unclean: list = field(default_factory=list)  # 5xx without a message page, or no answer at all
    clean_failures: int = 0  # 503 with a message, 409/400 with the reason, a form shown again
    created: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)  # page → durations in ms
    lock: threading.Lock = field(default_factory=threading.Lock)

    def outcome(self, answer, created, result):
        """Count a flow's last answer: what it created (a redirection), or a refusal shown on the page."""
        if answer is None:
            return None
        with self.lock:
            if answer.status_code == 302:
                self.created.append(created)
                return result
            if answer.status_code < 500:
                self.clean_failures += 1
        return None

    def note(self, response, what, elapsed=None):
        with self.lock:
            self.requests += 1
            if elapsed is not None:
                self.timings.setdefault(what, []).append(elapsed * 1000)
            if isinstance(response, Exception):
                self.unclean.append(f"{what}: {type(response).__name__}")
            elif response.status_code >= 500:
                text = response.text
                if response.status_code == 503 and ("<main" in text or '"error"' in text):
                    self.clean_failures += 1
                else:
                    self.unclean.append(f"{what}: {response.status_code}")
        return response


def call(record, what, function, *args, **kwargs):
    started = time.perf_counter()
    try:
        response = function(*args, **kwargs)
    except requests.RequestException as error:
        record.note(error, what)
        return None
    return record.note(response, what, time.perf_counter() - started)


def web_message(base, record, serial):
    """A visitor writes to the département (a mail registration: numbered, routed, acknowledged by email)."""
    browser = Browser(base)
    page = call(record, "write form", browser.page, "/ecrire-au-departement/")
    if page is None or page.status_code != 200:
        return None
    category = re.search(r'<option value="(\d+)"', page.text)[1]
    subject = f"Panne {serial}-{random.randrange(10**9)}"
    data = {"first_name": "Marc", "last_name": f"Lefort{serial}", "email": f"visiteur{serial}@example.org",
            "category": category, "subject": subject, "body": "Le lampadaire est en panne."}  # fmt: skip
    answer = call(record, "write", browser.submit, "/ecrire-au-departement/", data)
    return record.outcome(answer, subject, subject)


def booking(base, record, serial):
    """A parent books a PMI consultation online, on a free time read from the search page."""
    browser = Browser(base)
    home = call(record, "appointments", browser.page, "/rendez-vous/")
    if home is None or home.status_code != 200:
        return None
    motif = re.search(r'href="/rendez-vous/(\d+)/"', home.text)[1]
    choose = call(record, "places", browser.page, f"/rendez-vous/{motif}/")
    if choose is None or choose.status_code != 200:
        return None
    site = random.choice(re.findall(r'name="site" id="[^"]+" value="(\d+)"', choose.text))
    search = call(record, "free times", browser.page, f"/rendez-vous/{motif}/?site={site}")
    if search is None or search.status_code != 200:
        return None
    slots = re.findall(rf'href="(/rendez-vous/{motif}/reserver/\?[^"]+)"', search.text)
    if not slots:
        return None
    path = random.choice(slots[:40]).replace("&amp;", "&")
    data = {"first_name": "Léa", "last_name": f"Martin{serial}", "email": f"parent{serial}@example.org",
            "phone": "06 12 34 56 78"}  # fmt: skip
    if "csrftoken" not in browser.cookies:
        browser.page(path)
    answer = call(record, "book", browser.post, base + path, data=data, timeout=30, allow_redirects=False)
    # A refusal: that time was just taken, the page says so and offers others.
    return record.outcome(answer, f"Martin{serial}", answer is not None and answer.headers.get("Location"))


def submission(browser, record):
    """A signed-in parent files the adapted school transport request, page by page, with two files."""
    start = call(record, "start", browser.submit, "/demarches/transport-scolaire-adapte/commencer/", {})
    if start is None or start.status_code != 302:
        return None
    draft = re.search(r"/mes-demarches/(\d+)/", start.headers["Location"])[1]
    for page_id, values in TRANSPORT_PAGES.items():
        files = {TRANSPORT_FILES[page_id]: (f"{page_id}.pdf", PDF_BYTES, "application/pdf")} if page_id in (
            TRANSPORT_FILES) else None  # fmt: skip
        answer = call(record, f"page {page_id}", browser.submit, f"/mes-demarches/{draft}/etape/{page_id}/",
                       {**values, "action": "next"}, files)  # fmt: skip
        if answer is None or answer.status_code != 302:
            return None
    done = call(record, "certify", browser.submit, f"/mes-demarches/{draft}/recapitulatif/", {"certify": "on"})
    if done is not None and done.status_code == 302:
        with record.lock:
            record.created.append(int(draft))
        return int(draft)
    return None


def agent_work(browser, record):
    """An instructor opens the queue, then the first request of it; the mail clerk looks at the mail queue."""
    queue = call(record, "agent queue", browser.page, "/agent/demarches/")
    if queue is not None and queue.status_code == 200:
        found = re.search(r'href="(/agent/demarches/\d+/)"', queue.text)
        if found:
            call(record, "agent request", browser.page, found[1])
    call(record, "agent mail queue", browser.page, "/agent/courrier/")


def run_flows(nodes, *, seconds, citizen_email, on_tick=None):
    """Run the three flows side by side against both nodes for `seconds`; return their records."""
    records = {"submissions": Record(), "bookings": Record(), "mail registrations": Record()}
    stop_at = time.monotonic() + seconds

    def loop(name, step):
        serial = 0
        while time.monotonic() < stop_at:
            serial += 1
            step(nodes[serial % len(nodes)], serial)
            time.sleep(0.2)

    citizen = Browser(nodes[0])
    citizen.sign_in(citizen_email)
    steps = {
        "submissions": lambda base, n: submission(citizen, records["submissions"]),
        "bookings": lambda base, n: booking(base, records["bookings"], n),
        "mail": lambda base, n: web_message(base, records["mail registrations"], n),
    }
    threads = [threading.Thread(target=loop, args=(name, step)) for name, step in steps.items()]
    for thread in threads:
        thread.start()
    if on_tick:
        on_tick()
    for thread in threads:
        thread.join()
    return records
