from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accessibility import services
from accessibility.criteria import ATTRIBUTION, by_number, criteria
from accessibility.enums import Conformity, Result
from accessibility.models import Audit, CriterionResult, Statement


def test_the_106_criteria_of_rgaa_4_1_are_shipped_in_order_without_markdown():
    found = criteria()
    assert len(found) == 106
    assert len({criterion.topic_number for criterion in found}) == 13
    assert [c.number for c in found[:3]] == ["1.1", "1.2", "1.3"]
    assert found[8].number == "1.9" and found[9].number == "2.1"  # numeric, not text, order
    assert found[-1].number == "13.12"
    assert by_number()["8.3"].title == "Dans chaque page web, la langue par défaut est-elle présente ?"
    assert not any("](#" in c.title or "`" in c.title for c in found)
    assert "DINUM" in ATTRIBUTION


@pytest.fixture
def audit(db):
    return Audit.objects.create(title="Audit 2026", auditor="Access42", performed_on=timezone.localdate())


def set_results(page, result, *numbers, note=""):
    CriterionResult.objects.filter(page=page, criterion__in=numbers).update(result=result, note=note)


def test_a_new_audited_page_gets_one_untested_result_per_criterion(audit):
    page = services.add_audited_page(audit=audit, title="Accueil", path="/")
    results = list(page.results.all())
    assert len(results) == 106
    assert {r.result for r in results} == {Result.NOT_TESTED}
    assert [r.criterion for r in results[8:11]] == ["1.9", "2.1", "2.2"]
    services.ensure_results(page)  # idempotent
    assert page.results.count() == 106


def test_rate_follows_rgaa_method_over_the_pages(audit):
    home = services.add_audited_page(audit=audit, title="Accueil", path="/")
    form = services.add_audited_page(audit=audit, title="Formulaire", path="/demarches/x/", position=1)
    everything = [c.number for c in criteria()]
    for page in (home, form):
        set_results(page, Result.NOT_APPLICABLE, *everything)
    # 1.1 passes on both pages; 3.1 passes on one and does not apply on the other: both compliant.
    set_results(home, Result.CONFORM, "1.1", "3.1", "11.1", "8.3")
    set_results(form, Result.CONFORM, "1.1", "11.1", "8.3")
    # 11.10 passes on the home page but fails on the form: not compliant (one failing page is enough).
    set_results(home, Result.CONFORM, "11.10")
    set_results(form, Result.NOT_CONFORM, "11.10", note="Erreur non reliée au champ")

    summary = services.summarise(audit)
    assert summary.outcomes["3.1"] == Result.CONFORM
    assert summary.outcomes["11.10"] == Result.NOT_CONFORM
    assert summary.outcomes["4.1"] == Result.NOT_APPLICABLE
    assert summary.counts == {Result.CONFORM: 4, Result.NOT_CONFORM: 1, Result.NOT_APPLICABLE: 101}
    assert summary.rate == 80.0  # 4 compliant out of 5 applicable
    assert summary.failures == {"11.10": [("Formulaire", "Erreur non reliée au champ")]}
    assert services.conformity_of(summary.rate) == Conformity.PARTIAL


@pytest.mark.parametrize(
    ("rate", "status"),
    [(100, Conformity.FULL), (99.99, Conformity.PARTIAL), (50, Conformity.PARTIAL), (49.9, Conformity.NONE),
     (None, Conformity.NONE)],
)  # fmt: skip
def test_status_thresholds(rate, status):
    assert services.conformity_of(rate) == status


def test_an_incomplete_or_old_audit_gives_no_rate_and_not_compliant(audit):
    page = services.add_audited_page(audit=audit, title="Accueil", path="/")
    set_results(page, Result.CONFORM, *[c.number for c in criteria()][:-1])  # 13.12 not tested yet
    statement = Statement.objects.create(audit=audit)
    assert services.statement_figures(statement)[:2] == (Conformity.NONE, None)

    set_results(page, Result.CONFORM, "13.12")
    assert services.statement_figures(statement)[:2] == (Conformity.FULL, 100.0)

    audit.performed_on = timezone.localdate() - timedelta(days=3 * 365 + 1)
    audit.save()
    assert services.statement_figures(statement)[:2] == (Conformity.NONE, None)


def test_footer_follows_the_stored_status(client, audit):
    assert "Accessibilité : non conforme" in client.get(reverse("portal:home")).content.decode()
    page = services.add_audited_page(audit=audit, title="Accueil", path="/")
    set_results(page, Result.CONFORM, *[c.number for c in criteria()])
    set_results(page, Result.NOT_CONFORM, "10.11")
    Statement.objects.create(audit=audit)
    services.forget_conformity()  # as the admin does after each change
    html = client.get(reverse("portal:home")).content.decode()
    assert "Accessibilité : partiellement conforme" in html
    assert client.get("/en/").content.decode().count("Accessibility: partially compliant") == 1


def test_statement_shows_the_computed_rate_the_failures_and_the_audited_pages(client, audit):
    home = services.add_audited_page(audit=audit, title="Accueil", path="/")
    set_results(home, Result.CONFORM, *[c.number for c in criteria()])
    set_results(home, Result.NOT_APPLICABLE, "4.1", "4.2")
    set_results(home, Result.NOT_CONFORM, "10.11", note="Défilement horizontal à 320 px")
    Statement.objects.create(audit=audit, established_on=date(2026, 10, 20), derogations="Cartes interactives : x",
                             test_environment="NVDA et Firefox")  # fmt: skip
    html = client.get(reverse("accessibility:statement")).content.decode()
    assert "<strong>partiellement conforme</strong>" in html
    assert "<strong>99,04&nbsp;%</strong>" in html  # 103 compliant out of 104 applicable
    assert "10.11 — " in html and "Défilement horizontal à 320 px" in html
    assert "Access42" in html and "Cartes interactives : x" in html and "NVDA et Firefox" in html
    assert "Libre réponse 71120, 75342 Paris CEDEX 07" in html
    english = client.get("/en" + reverse("accessibility:statement")).content.decode()
    assert "<strong>partially compliant</strong>" in english
    assert '<ul lang="fr">' in english  # the French texts of the administrator are marked as French (RGAA 8.7)
