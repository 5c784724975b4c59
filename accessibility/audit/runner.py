"""Visit the audit's pages in Chromium as their demo account, in each language, and measure each one."""

import socket
import threading
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.test import Client

from accessibility.audit.browser import axe_violations, ecoindex_of, launch, page_weight
from accessibility.audit.pages import ACCOUNTS, ANONYMOUS


# Budget of a citizen page on a first visit (DESIGN.md), on top of EcoIndex grade A.
BUDGET = {"dom": 600, "requests": 15, "kb": 100}


@dataclass
class PageResult:
    name: str
    path: str
    language: str
    role: str
    citizen_facing: bool
    status: int = 0
    violations: list = field(default_factory=list)  # [{"id", "impact", "help", "nodes"}]
    dom: int = 0
    requests: int = 0
    kb: float = 0.0
    score: int = 0
    grade: str = ""
    overflow_320: int = 0  # CSS px the page scrolls sideways at 320 px wide (reflow, WCAG 1.4.10)
    overflow_text_200: int = 0  # the same at 640 px wide with text at 200 % (WCAG 1.4.4)
    error: str = ""

    @property
    def problems(self):
        """What fails on this page: an error, axe violations, or (citizen pages) the eco-design budget."""
        found = []
        if self.error or self.status != 200:
            found.append(self.error or f"HTTP {self.status}")
        found += [f"axe {v['id']} ({v['impact']}) on {v['nodes']} element(s): {v['help']}" for v in self.violations]
        if self.citizen_facing and not self.error:
            if self.grade != "A":
                found.append(f"EcoIndex {self.score} ({self.grade}), grade A wanted")
            found += [f"{key} {getattr(self, key)} > {limit}" for key, limit in BUDGET.items()
                      if getattr(self, key) > limit]  # fmt: skip
            if self.overflow_320 > 0:
                found.append(f"scrolls sideways by {self.overflow_320} px at 320 px wide")
            if self.overflow_text_200 > 0:
                found.append(f"scrolls sideways by {self.overflow_text_200} px with text at 200 %")
        return found

    def as_dict(self):
        return {**asdict(self), "problems": self.problems}


def session_cookie(role, base_url):
    """A signed-in session for the demo account of the role (the site must share this database and cache)."""
    if role == ANONYMOUS:
        return []
    from portal.models import User

    client = Client()
    client.force_login(User.objects.get(email=ACCOUNTS[role]))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}]


def visit(browser, base_url, cookies, audit_page, language):
    """Load the page in a new browser context (a first visit: empty cache), measure it and run axe-core."""
    result = PageResult(audit_page.name, audit_page.path, language, audit_page.role, audit_page.citizen_facing)
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.add_cookies(cookies)
    try:
        page = context.new_page()
        response = page.goto(audit_page.localised(language), wait_until="load")
        result.status = response.status if response else 0
        weight = page_weight(page)
        eco = ecoindex_of(weight)
        result.dom, result.requests, result.kb, result.score, result.grade = (
            eco.dom, eco.requests, eco.size_kb, eco.score, eco.grade)  # fmt: skip
        result.violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"])}
                             for v in axe_violations(page)]  # fmt: skip
        if audit_page.citizen_facing:
            result.overflow_320, result.overflow_text_200 = reflow(page)
    except Exception as error:  # noqa: BLE001 (a page that cannot be loaded is reported, the audit goes on)
        result.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    finally:
        context.close()
    return result


SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def reflow(page):
    """How far the page scrolls sideways at 320 CSS px, then at 640 px with the text at 200 % (0: it reflows)."""
    page.set_viewport_size({"width": 320, "height": 640})
    narrow = page.evaluate(SIDEWAYS)
    page.set_viewport_size({"width": 640, "height": 900})
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    large_text = page.evaluate(SIDEWAYS)
    return max(narrow, 0), max(large_text, 0)


def run_audit(base_url, pages, languages, *, browser=None, progress=None):
    """Return a PageResult per page and language; each demo account signs in once, before the browser starts
    (Playwright's loop would forbid the database queries)."""
    cookies = {role: session_cookie(role, base_url) for role in {page.role for page in pages}}
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = launch(playwright)
            try:
                return _visit_all(own, base_url, pages, languages, cookies, progress)
            finally:
                own.close()
    return _visit_all(browser, base_url, pages, languages, cookies, progress)


def _visit_all(browser, base_url, pages, languages, cookies, progress):
    results = []
    for audit_page in pages:
        for language in languages:
            result = visit(browser, base_url, cookies[audit_page.role], audit_page, language)
            results.append(result)
            if progress:
                progress(result)
    return results


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_in_thread():
    """Serve this installation (static files included) on a free local port; return (base URL, server)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    port = free_port()
    server = ThreadedWSGIServer(("127.0.0.1", port), QuietHandler, allow_reuse_address=True)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def summarise(results):
    return {
        "pages": len({result.name for result in results}),
        "visits": len(results),
        "violations": sum(len(result.violations) for result in results),
        "errors": sum(1 for result in results if result.error or result.status != 200),
        "citizen_visits": sum(1 for result in results if result.citizen_facing),
        "citizen_grade_a": sum(1 for result in results if result.citizen_facing and result.grade == "A"),
        "failing": sum(1 for result in results if result.problems),
    }
