"""The manager dashboard (scope, bad input, exports), the survey by signed link, moderation, public statistics."""

import csv
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from dashboards.enums import CommentStatus, Journey
from dashboards.indicators.requests import processing_time
from dashboards.indicators.stats import day_percentiles
from dashboards.models import SurveyResponse
from dashboards.survey import SALT, survey_path
from portal.enums import Role
from portal.models import Service
from teleprocedures import services as dossier_services
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from tests.conftest import first_link
from tests.factories import SiteFactory, UserFactory, agent


pytestmark = pytest.mark.django_db


@pytest.fixture
def transport(procedures):
    return procedures["transport-scolaire-adapte"]


@pytest.fixture
def manager(transport):
    return agent(role=Role.MANAGER, service=transport.service, email="cheffe@example.org")


def decided_dossier(procedure, *, days=10, state=DossierState.ACCEPTED, **extra):
    now = timezone.now()
    fields = {
        "procedure": procedure, "version": procedure.published_version(), "applicant": UserFactory(), "state": state,
        "number": f"D-{Dossier.objects.count() + 1}", "submitted_at": now - timedelta(days=days, hours=1),
        "decided_at": now - timedelta(hours=1), "due_on": timezone.localdate() + timedelta(days=30),
    }  # fmt: skip
    return Dossier.objects.create(**{**fields, **extra})


def test_an_agent_who_is_not_a_manager_gets_403(client, transport):
    client.force_login(agent(role=Role.INSTRUCTOR, service=transport.service))
    assert client.get(reverse("dashboards:dashboard")).status_code == 403


def test_a_manager_sees_the_figures_of_their_service_only(client, manager, procedures, transport):
    decided_dossier(transport)
    decided_dossier(procedures["permission-voirie"])
    client.force_login(manager)
    response = client.get(reverse("dashboards:dashboard"), HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 200
    assert transport.get_title() in page and procedures["permission-voirie"].get_title() not in page
    # Every chart is followed by the table of its figures.
    charts = re.findall(r'<figure class="chart" aria-labelledby="([\w-]+)-caption"', page)
    assert len(charts) >= 2
    for key in charts:
        assert page.index(f'<figure class="chart" aria-labelledby="{key}-caption"') < page.index(f'<table id="{key}"')


@pytest.mark.parametrize("param", ["service", "site"])
def test_a_manager_asking_for_another_service_or_site_gets_404(client, manager, procedures, param):
    other = procedures["permission-voirie"].service.pk if param == "service" else SiteFactory().pk
    client.force_login(manager)
    manager.memberships.update(site=SiteFactory())  # a manager of one site of the service
    response = client.get(reverse("dashboards:dashboard"), {param: other})
    assert response.status_code == 404
    assert "permission" not in response.content.decode().lower()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "decade"}, "Sélectionnez un choix valide"),
        ({"period": "custom", "start": "2026-03-10", "end": "2026-03-01"}, "Le dernier jour doit être"),
        ({"period": "custom", "start": "10/03/2026"}, "Indiquez le dernier jour de la période."),
        ({"period": "custom", "start": "pas une date", "end": "2026-03-01"}, "Saisissez une date valide."),
    ],
)
def test_bad_periods_are_explained_next_to_the_field(client, manager, query, message):
    client.force_login(manager)
    response = client.get(reverse("dashboards:dashboard"), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_tables_export_to_csv_and_ods(client, manager, transport):
    decided_dossier(transport, days=4)
    decided_dossier(transport, days=8, state=DossierState.REJECTED)
    client.force_login(manager)
    url = reverse("dashboards:export", args=["requests_by_procedure"])
    response = client.get(url, {"period": "month", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Démarche", "Reçues", "Déposées en ligne (%)"]
    assert rows[1][0] == transport.get_title() and rows[1][3] == "2" and rows[1][7] == "6.0"
    response = client.get(url, {"period": "month", "format": "ods"})
    content = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("content.xml").decode()
    assert transport.get_title() in content and 'office:value="6.0"' in content
    assert client.get(reverse("dashboards:export", args=["nope"]), {"format": "csv"}).status_code == 404
    late = decided_dossier(transport, state=DossierState.IN_REVIEW, decided_at=None)
    Dossier.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    cache.clear()  # the figures are kept a minute
    response = client.get(reverse("dashboards:export", args=["requests_late"]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Numéro" and rows[1][0] == late.number and rows[1][3] == "3"


def test_dashboard_query_count_does_not_grow_with_the_data(client, manager, transport):
    client.force_login(manager)
    url = reverse("dashboards:dashboard")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"period": "year"}).status_code == 200
        return len(captured.captured_queries)

    decided_dossier(transport)
    few = count()
    for days in range(2, 30):
        decided_dossier(transport, days=days)
    cache.clear()
    assert count() == few


# --- Survey -------------------------------------------------------------------------------------------------------


def test_the_survey_link_in_the_decision_email_takes_one_answer(client, transport, outbox, manager):
    dossier = decided_dossier(transport, state=DossierState.IN_REVIEW, decided_at=None)
    dossier_services.decide(dossier=dossier, transition="accept", reasons="Conforme.", actor=manager)
    email = outbox(dossier.applicant.email)[-1]
    link = first_link(next(line for line in email.body_text.splitlines() if "/avis/" in line))
    path = link[link.index("/avis/") :]
    page = client.get(path)
    assert page.status_code == 200 and "Très satisfait" in page.content.decode()

    response = client.post(path, {"score": "2", "comment": "Trop long. Appelez-moi au 06 12 34 56 78 ou a@b.fr"})
    assert "Merci" in response.content.decode()
    answer = SurveyResponse.objects.get()
    assert (answer.journey, answer.channel, answer.service, answer.procedure) == (
        Journey.DECIDED, "online", transport.service, transport)  # fmt: skip
    assert answer.comment == "Trop long. Appelez-moi au […] ou […]"
    assert answer.comment_status == CommentStatus.PENDING

    again = client.post(path, {"score": "5"})
    assert "déjà répondu" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_tampered_or_expired_survey_link_is_refused_with_a_message(client, transport):
    dossier = decided_dossier(transport)
    path = survey_path(Journey.DECIDED, dossier)
    tampered = client.get(path[:-3] + "abc/")
    assert tampered.status_code == 400 and "pas valide" in tampered.content.decode()
    forged = client.get(reverse("dashboards:survey", args=[signing.dumps(["decided", dossier.pk], salt="other")]))
    assert forged.status_code == 400
    with freeze_time(timezone.now() + timedelta(days=121)):
        assert "expiré" in client.get(path).content.decode()
    # A link for a decision that has not happened (yet) rates nothing.
    pending = decided_dossier(transport, state=DossierState.IN_REVIEW, decided_at=None)
    token = signing.dumps(["decided", pending.pk], salt=SALT, compress=True)
    assert client.get(reverse("dashboards:survey", args=[token])).status_code == 400
    assert client.post(path, {"score": "9"}).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_an_answer_shows_on_the_dashboard_within_a_minute(client, manager, transport):
    client.force_login(manager)
    dossier = decided_dossier(transport)
    url = reverse("dashboards:export", args=["satisfaction_by_service"])

    def answers():
        content = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(content), delimiter=";"))[1:]

    with freeze_time(timezone.now()) as clock:
        assert answers() == []
        client.post(survey_path(Journey.DECIDED, dossier), {"score": "4"})
        clock.tick(61)
        assert answers() == [[transport.service.name, "4.0", "1"]]


def test_the_survey_is_offered_on_the_dossier_page_until_answered(client, transport):
    dossier = decided_dossier(transport)
    client.force_login(dossier.applicant)
    url = reverse("teleprocedures:dossier", args=[dossier.pk])
    assert "Votre avis nous aide" in client.get(url).content.decode()
    client.post(survey_path(Journey.DECIDED, dossier), {"score": "5"})
    assert "Votre avis nous aide" not in client.get(url).content.decode()


def test_managers_moderate_the_comments_of_their_services_only(client, manager, transport, procedures):
    dossier = decided_dossier(transport)
    client.post(survey_path(Journey.DECIDED, dossier), {"score": "5", "comment": "Agents très aimables"})
    answer = SurveyResponse.objects.get()
    outsider = agent(role=Role.MANAGER, service=procedures["permission-voirie"].service)
    client.force_login(outsider)
    assert client.post(reverse("dashboards:moderate", args=[answer.pk]), {"action": "publish"}).status_code == 404
    client.force_login(manager)
    assert "Agents très aimables" in client.get(reverse("dashboards:comments")).content.decode()
    client.post(reverse("dashboards:moderate", args=[answer.pk]), {"action": "publish"})
    answer.refresh_from_db()
    assert answer.comment_status == CommentStatus.PUBLISHED
    assert "Agents très aimables" in client.get(reverse("dashboards:dashboard")).content.decode()


# --- Public statistics --------------------------------------------------------------------------------------------


def test_public_statistics_explain_usual_times_and_hide_them_below_five_decisions(client, procedures):
    transport, roads = procedures["transport-scolaire-adapte"], procedures["permission-voirie"]
    for days in (5, 10, 15, 20, 60):
        decided_dossier(transport, days=days)
    decided_dossier(roads, days=3)
    response = client.get(reverse("dashboards:public"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "pas une promesse" in page
    rows = list(csv.reader(io.StringIO(b"".join(client.get(reverse("dashboards:open_data")).streaming_content)
                                       .decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    by_title = {row[0]: row for row in rows[1:]}
    # Five decisions: median 15 days; 9 out of 10 within 20 + 0.6 × (60 − 20) = 44 days.
    assert by_title[transport.get_title()][4:7] == ["5", "15.0", "44.0"]
    assert by_title[roads.get_title()][4:7] == ["1", "", ""]
    assert rows[1][-1] == timezone.localdate().isoformat()
    assert "Licence Ouverte" in page


def test_a_dossier_decided_after_a_pause_counts_only_the_time_worked(transport, manager, citizen):
    dossier = decided_dossier(transport, state=DossierState.IN_REVIEW, decided_at=None, days=0)
    base = timezone.now()
    with freeze_time(base + timedelta(days=1)):
        dossier_services.request_information(dossier=dossier, items=["Avis CDAPH"], respond_by=date(2027, 1, 1),
                                             actor=manager)  # fmt: skip
    with freeze_time(base + timedelta(days=6)):
        dossier_services.provide_information(dossier=Dossier.objects.get(pk=dossier.pk), answer="Voici",
                                             uploads=[], actor=dossier.applicant)  # fmt: skip
    with freeze_time(base + timedelta(days=8)):
        dossier_services.decide(dossier=Dossier.objects.get(pk=dossier.pk), transition="accept", reasons="OK",
                                actor=manager)  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.paused_duration == timedelta(days=5)
    worked = dossier.decided_at - dossier.submitted_at - dossier.paused_duration
    assert round(worked.total_seconds() / 86400, 2) == 3.04  # 8 days and 1 hour, minus 5
    decided = Dossier.objects.filter(pk=dossier.pk)
    assert round(day_percentiles(decided, processing_time())[None][0.5], 2) == 3.04


def test_service_in_scope_is_not_listed_for_other_managers(client, manager):
    Service.objects.create(slug="secret", name="Service secret")
    client.force_login(manager)
    assert "Service secret" not in client.get(reverse("dashboards:dashboard")).content.decode()


def test_administrators_read_the_answers_in_the_admin_without_changing_them(client, transport):
    dossier = decided_dossier(transport)
    client.post(survey_path(Journey.DECIDED, dossier), {"score": "3", "comment": "Correct"})
    client.force_login(agent(role=Role.ADMINISTRATOR, service=None, site=None, is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:dashboards_surveyresponse_changelist"))
    assert page.status_code == 200 and "3" in page.content.decode()
    answer = SurveyResponse.objects.get()
    assert (
        client.post(reverse("admin:dashboards_surveyresponse_delete", args=[answer.pk]), {"post": "yes"}).status_code
        == 403
    )
