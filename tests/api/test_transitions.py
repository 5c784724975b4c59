import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from portal.models import AuditEvent
from teleprocedures.enums import AttachmentKind, DossierState
from teleprocedures.models import StatusChange
from tests.factories import UserFactory
from tests.teleprocedures.fixtures import make_dossier


@pytest.fixture
def writer(procedures, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.create_token(name="SI social", services=[procedures["transport-scolaire-adapte"].service],
                                 can_write=True)  # fmt: skip


@pytest.fixture
def dossier(procedures):
    return make_dossier(procedures["transport-scolaire-adapte"], UserFactory(email="parent@example.org"))


def post(client, key, dossier, body, raw=None):
    return client.post(reverse("api:dossier_transition", args=[dossier.number]), data=raw or json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")  # fmt: skip


def test_a_token_starts_the_review_with_the_screens_rules_and_audit(client, writer, dossier):
    token, key = writer
    response = post(client, key, dossier, {"transition": "start_review", "revision": dossier.revision})
    assert response.status_code == 200 and response.json()["state"] == "in_review"
    change = StatusChange.objects.get(dossier=dossier, transition="start_review")
    assert change.actor == token.account
    assert AuditEvent.objects.filter(action="dossier.start_review", actor=token.account).exists()


def test_a_token_asks_for_missing_items_and_the_applicant_is_told(client, writer, dossier, outbox):
    _token, key = writer
    respond_by = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = post(client, key, dossier, {"transition": "request_info", "items": ["Certificat de scolarité"],
                                           "respond_by": respond_by})  # fmt: skip
    assert response.status_code == 200 and response.json()["state"] == "awaiting_info"
    assert outbox("parent@example.org")
    response = post(client, key, dossier, {"transition": "request_info", "items": [], "respond_by": "2020-01-01"})
    assert response.status_code == 409  # now awaiting the applicant: the same action is not possible again


def test_a_decision_through_the_api_makes_the_pdf_and_checks_the_decision_fields(client, writer, dossier):
    _token, key = writer
    response = post(client, key, dossier, {"transition": "accept", "reasons": "Conditions réunies."})
    assert response.status_code == 400
    assert "decision.mode_granted" in response.json()["error"]["fields"]
    response = post(client, key, dossier, {"transition": "accept", "reasons": "Conditions réunies.",
                                           "decision": {"mode_granted": "adapted_circuit",
                                                        "start_date": "2027-01-04"}})  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "accepted"
    assert [f["kind"] for f in body["files"]] == [AttachmentKind.DECISION]
    dossier.refresh_from_db()
    assert dossier.decision.data["mode_granted"] == "adapted_circuit"


def test_conflicts_get_a_409(client, writer, dossier):
    _token, key = writer
    stale = post(client, key, dossier, {"transition": "start_review", "revision": dossier.revision + 3})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_revision"
    dossier.state = DossierState.REJECTED
    dossier.save()
    again = post(client, key, dossier, {"transition": "accept", "reasons": "x"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "transition_not_allowed"


@pytest.mark.parametrize(
    ("body", "raw", "field"),
    [
        ({"transition": "fly"}, None, "transition"),
        ({"transition": "start_review", "colour": "red"}, None, "colour"),
        ({"transition": "request_info", "items": "pas une liste"}, None, "items"),
        ({"transition": "start_review", "revision": "abc"}, None, "revision"),
        (None, '{"transition": ', None),
        (None, '["start_review"]', "non_field_errors"),
    ],
)
def test_bad_bodies_get_a_400_in_the_api_format(client, writer, dossier, body, raw, field):
    _token, key = writer
    response = post(client, key, dossier, body, raw=raw)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    if field:
        assert field in error["fields"]
    else:
        assert error["code"] == "parse_error"
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_another_services_request_is_not_found(client, procedures, writer):
    _token, key = writer
    other = make_dossier(procedures["permission-voirie"], UserFactory())
    response = post(client, key, other, {"transition": "start_review"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == DossierState.SUBMITTED


def test_messages_are_read_and_written_for_the_applicant(client, writer, dossier, outbox):
    token, key = writer
    url = reverse("api:dossier_messages", args=[dossier.number])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(url, **headers).json() == []
    response = client.post(url, data=json.dumps({"body": "Merci de préciser l'adresse de l'école."}),
                           content_type="application/json", **headers)  # fmt: skip
    assert response.status_code == 201 and response.json()["from_applicant"] is False
    assert outbox("parent@example.org")  # the applicant is told a message waits for them
    assert [m["body"] for m in client.get(url, **headers).json()] == ["Merci de préciser l'adresse de l'école."]
    assert AuditEvent.objects.filter(action="dossier.message", actor=token.account).exists()
    for bad in ({"body": ""}, {"body": "x", "from_applicant": True}, {}):
        refused = client.post(url, data=json.dumps(bad), content_type="application/json", **headers)
        assert refused.status_code == 400, bad
    assert dossier.messages.count() == 1
