"""Dashboards in a real browser: axe on the manager dashboard, the survey and the public statistics in three languages;
the survey answered and the dashboard filtered with the keyboard alone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, Motif
from dashboards.enums import Journey
from dashboards.models import SurveyResponse
from dashboards.services import record_answer
from dashboards.survey import survey_path
from portal.enums import Role
from portal.models import Service
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from tests.appointments.fixtures import schedule
from tests.browser.conftest import assert_accessible
from tests.browser.test_keyboard import press_tab_until
from tests.factories import SiteFactory, UserFactory, agent


def localised(url, language):
    return url if language == "fr" else f"/{language}{url}"


@pytest.fixture
def activity(procedures):
    """A few decided requests, an appointment seen and answers to the survey, so that every chart has bars."""
    transport = procedures["transport-scolaire-adapte"]
    now = timezone.now()
    dossiers = []
    for index, days in enumerate((3, 8, 12, 20, 30, 45)):
        state = (DossierState.ACCEPTED, DossierState.REJECTED, DossierState.IN_REVIEW)[index % 3]
        dossiers.append(Dossier.objects.create(
            procedure=transport, version=transport.published_version(), applicant=UserFactory(), state=state,
            number=f"TSA-{index}", submitted_at=now - timedelta(days=days),
            decided_at=None if state == DossierState.IN_REVIEW else now - timedelta(hours=2),
            due_on=timezone.localdate() + timedelta(days=10 - days),
        ))  # fmt: skip
    for dossier, score in zip(dossiers, (5, 4, 2, 5), strict=False):
        record_answer(journey=Journey.SUBMITTED, obj=dossier, score=score, comment="Très clair")
    pmi = Service.objects.create(slug="pmi", name="PMI")
    site = SiteFactory(name="CDAS de Fougères")
    nurse = agent(service=pmi, site=site)
    motif = Motif.objects.create(service=pmi, name={"fr": "Consultation"}, min_delay_minutes=0)
    schedule(nurse, site, motif)
    seen = Appointment.objects.create(motif=motif, site=site, agent=nurse, starts_at=now - timedelta(hours=3),
                                      ends_at=now - timedelta(hours=2, minutes=30), status=AppointmentStatus.SEEN,
                                      first_name="Lina", last_name="Roux", email="lina@example.org")  # fmt: skip
    manager = agent(role=Role.MANAGER, service=transport.service)
    manager.memberships.create(role=Role.MANAGER, service=pmi)
    return {"manager": manager, "dossier": dossiers[0], "appointment": seen}


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_dashboard_survey_and_statistics_have_no_axe_violations(page, sign_in, activity, language):
    sign_in(activity["manager"])
    for query in ("", "?period=year", "?period=custom&start=2026-05-01&end=2026-04-01"):
        page.goto(localised(reverse("dashboards:dashboard"), language) + query)
        assert_accessible(page)
    # Each chart is followed by the table of its figures.
    for key in page.eval_on_selector_all("figure.chart", "els => els.map(e => e.getAttribute('aria-labelledby'))"):
        assert page.locator(f"figure[aria-labelledby='{key}'] + .table-scroll table caption#{key}").count() == 1
    page.goto(localised(reverse("dashboards:comments"), language))
    assert_accessible(page)

    survey = survey_path(Journey.APPOINTMENT, activity["appointment"])
    page.goto(localised(survey, language))
    assert_accessible(page)
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
    page.goto(localised(survey[:-4] + "xyz/", language))
    assert_accessible(page)

    for url in (reverse("dashboards:public"), reverse("teleprocedures:dossier", args=[activity["dossier"].pk])):
        if "mes-demarches" in url:
            sign_in(activity["dossier"].applicant)
        page.goto(localised(url, language))
        assert_accessible(page)


def test_a_person_answers_the_survey_with_the_keyboard_alone(page, activity):
    page.goto(survey_path(Journey.APPOINTMENT, activity["appointment"]))
    press_tab_until(page, "document.activeElement.name === 'score'")
    # Arrow keys move within the radio group (5 first, then 4).
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "4"
    press_tab_until(page, "document.activeElement.name === 'comment'")
    page.keyboard.type("Accueil chaleureux")
    press_tab_until(page, "document.activeElement.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[role=status]").count() >= 1
    answer = SurveyResponse.objects.get(journey=Journey.APPOINTMENT)
    assert (answer.score, answer.comment, answer.channel) == (4, "Accueil chaleureux", "in_person")


def test_a_manager_changes_the_period_with_the_keyboard_alone(page, sign_in, activity):
    sign_in(activity["manager"])
    page.goto(reverse("dashboards:dashboard"))
    press_tab_until(page, "document.activeElement.id === 'id_period'")
    page.select_option("#id_period", "year")
    press_tab_until(page, "document.activeElement.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "period=year" in page.url
    press_tab_until(page, "document.activeElement.textContent.trim().startsWith('CSV')", limit=120)
