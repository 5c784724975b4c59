import pytest
from django.test import Client
from django.urls import reverse

from portal.enums import Role
from portal.models import Service
from teleprocedures.enums import AttachmentKind, DossierState
from tests.factories import UserFactory, agent
from tests.teleprocedures.fixtures import make_dossier


pytestmark = pytest.mark.django_db


@pytest.fixture
def other_citizen(db):
    return UserFactory(email="other@example.org")


def test_a_citizen_gets_404_on_another_persons_dossier_file_and_pdf(client, submitted, other_citizen):
    client.force_login(other_citizen)
    acknowledgement = submitted.attachments.get(kind=AttachmentKind.ACKNOWLEDGEMENT)
    for url in (
        reverse("teleprocedures:dossier", args=[submitted.pk]),
        reverse("teleprocedures:file", args=[submitted.pk, acknowledgement.pk]),
        reverse("teleprocedures:draft_summary", args=[submitted.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("teleprocedures:dossier", args=[submitted.pk]), {"action": "withdraw"}).status_code == 404
    )


def test_a_citizen_gets_404_on_another_persons_draft(client, procedures, citizen, other_citizen):
    draft = make_dossier(procedures["transport-scolaire-adapte"], citizen, state=DossierState.DRAFT)
    client.force_login(other_citizen)
    assert client.get(reverse("teleprocedures:draft_page", args=[draft.pk, "pupil"])).status_code == 404
    assert client.post(reverse("teleprocedures:discard", args=[draft.pk])).status_code == 404


def test_the_applicant_downloads_their_acknowledgement(client, submitted, citizen):
    client.force_login(citizen)
    acknowledgement = submitted.attachments.get(kind=AttachmentKind.ACKNOWLEDGEMENT)
    response = client.get(reverse("teleprocedures:file", args=[submitted.pk, acknowledgement.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("inline; filename=")
        or "attachment" in response["Content-Disposition"]
    )


def test_an_agent_of_another_service_gets_404(client, submitted):
    roads_agent = agent(role=Role.INSTRUCTOR, service=Service.objects.get(slug="routes"))
    client.force_login(roads_agent)
    acknowledgement = submitted.attachments.get(kind=AttachmentKind.ACKNOWLEDGEMENT)
    assert client.get(reverse("teleprocedures:agent_dossier", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("teleprocedures:agent_file", args=[submitted.pk, acknowledgement.pk])).status_code == 404
    assert (
        client.post(reverse("teleprocedures:agent_act", args=[submitted.pk]), {"action": "start_review"}).status_code
        == 404
    )
    assert submitted.number not in client.get(reverse("teleprocedures:queue") + "?tab=all").content.decode()


def test_a_citizen_cannot_reach_the_agent_pages(client, submitted, citizen):
    client.force_login(citizen)
    assert client.get(reverse("teleprocedures:queue")).status_code == 403
    assert client.get(reverse("teleprocedures:agent_dossier", args=[submitted.pk])).status_code == 403


def test_agents_never_see_drafts(client, procedures, citizen, instructor):
    draft = make_dossier(procedures["transport-scolaire-adapte"], citizen, state=DossierState.DRAFT)
    client.force_login(instructor)
    assert client.get(reverse("teleprocedures:agent_dossier", args=[draft.pk])).status_code == 404


def test_file_access_by_an_agent_is_logged(client, submitted, instructor):
    from portal.models import AuditEvent

    client.force_login(instructor)
    acknowledgement = submitted.attachments.get(kind=AttachmentKind.ACKNOWLEDGEMENT)
    client.get(reverse("teleprocedures:agent_file", args=[submitted.pk, acknowledgement.pk]))
    event = AuditEvent.objects.get(action="dossier.file_access", actor=instructor)
    assert event.data["attachment"] == acknowledgement.pk and event.ip_address == "127.0.0.1"


def test_stale_decision_from_the_page_shows_a_clear_message(client, submitted, instructor):
    client.force_login(instructor)
    old_revision = submitted.revision
    other = Client()
    other.force_login(instructor)
    other.post(
        reverse("teleprocedures:agent_act", args=[submitted.pk]), {"action": "start_review", "revision": old_revision}
    )

    response = client.post(
        reverse("teleprocedures:agent_decide", args=[submitted.pk, "close"]),
        {"reasons": "Doublon", "revision": old_revision},
        follow=True,
    )
    html = response.content.decode()
    assert "Quelqu’un a modifié ce dossier entre-temps" in html
    submitted.refresh_from_db()
    assert submitted.state == DossierState.IN_REVIEW
