import pytest
from django.core.management import CommandError, call_command

from accessibility.audit.pages import SKIPPED, VISITED, audit_pages, skip_reason, unclassified
from accessibility.audit.runner import PageResult


def test_every_url_of_the_configuration_is_visited_or_skipped_with_a_reason():
    assert unclassified() == []
    assert not set(VISITED) & set(SKIPPED)
    assert skip_reason("dashboards:open_data") == "a file download, not a page"
    assert skip_reason("admin:index").startswith("Django's administration")


@pytest.mark.django_db
def test_an_unknown_page_in_the_audit_list_gets_a_clear_message():
    with pytest.raises(ValueError, match="portal:nowhere"):
        audit_pages(["portal:nowhere"])
    with pytest.raises(CommandError, match=r"Unknown page\(s\) in the audit list: portal:nowhere"):
        call_command("audit_pages", pages=["portal:nowhere"])


@pytest.mark.django_db
def test_the_audit_says_it_needs_the_demo_data():
    with pytest.raises(CommandError, match="needs the demo data"):
        call_command("audit_pages", pages=["portal:home"])


def test_a_citizen_page_fails_outside_the_budget_and_an_agent_page_only_on_axe():
    citizen = PageResult("x", "/x/", "fr", "citizen", True, status=200, dom=650, requests=10, kb=50, score=78,
                         grade="B", overflow_320=12)  # fmt: skip
    assert citizen.problems == ["EcoIndex 78 (B), grade A wanted", "dom 650 > 600",
                                "scrolls sideways by 12 px at 320 px wide"]  # fmt: skip
    agent = PageResult("y", "/y/", "fr", "manager", False, status=200, dom=900, score=60, grade="C")
    assert agent.problems == []
    agent.violations = [{"id": "label", "impact": "critical", "help": "Form elements must have labels", "nodes": 2}]
    assert agent.problems == ["axe label (critical) on 2 element(s): Form elements must have labels"]
