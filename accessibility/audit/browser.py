"""Drive Debian's Chromium with Playwright: axe-core's check and the weight of a page (shared with tests/browser)."""

import shutil

from accessibility.ecoindex import EcoIndex


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that let Debian's Chromium run headless on a machine without network or display.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def axe_violations(page):
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return results.response["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def page_weight(page):
    """Return the DOM element count, the number of requests and the bytes transferred for the loaded page."""
    return page.evaluate(
        """() => {
            const entries = [
                ...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource'),
            ];
            return {
                dom: document.getElementsByTagName('*').length,
                requests: entries.length,
                bytes: entries.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0),
            };
        }"""
    )


def ecoindex_of(weight):
    return EcoIndex(dom=weight["dom"], requests=weight["requests"], size_kb=round(weight["bytes"] / 1024, 1))
