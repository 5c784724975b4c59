"""The automated audit on the demo data: every page of every space, in fr, en and ar (issue: RGAA obligations)."""

import io
import time

import pytest
from django.core.management import call_command

from accessibility.audit.pages import audit_pages
from accessibility.audit.runner import run_audit, summarise


LANGUAGES = ["fr", "en", "ar"]


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo_data", stdout=io.StringIO())


def test_every_page_passes_axe_and_citizen_pages_meet_the_ecodesign_budget(browser, live_server, demo):
    """0 axe violations (WCAG 2.0/2.1 A and AA) everywhere; citizen pages: EcoIndex grade A within 600 DOM
    elements, 15 requests and 100 KB on a first visit, and no sideways scrolling at 320 px or with text at 200 %."""
    pages = audit_pages()
    started = time.perf_counter()
    results = run_audit(live_server.url, pages, LANGUAGES, browser=browser)
    summary = summarise(results)
    print(f"\naudit: {summary} in {time.perf_counter() - started:.0f} s")
    failing = [f"{r.language} {r.path} ({r.role}): {'; '.join(r.problems)}" for r in results if r.problems]
    assert not failing, "\n".join(failing)
    assert len(results) == len(pages) * len(LANGUAGES)
    assert {"anonymous", "citizen", "instructor", "secretary", "reception", "manager"} <= {p.role for p in pages}
    worst = max((r for r in results if r.citizen_facing), key=lambda r: r.dom)
    assert worst.dom <= 600 and worst.grade == "A"
