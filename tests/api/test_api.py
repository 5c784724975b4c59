import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken
from api.throttling import TokenRateThrottle
from portal.models import AuditEvent, Service
from teleprocedures.enums import AttachmentKind, DossierState
from teleprocedures.models import Attachment
from tests.factories import UserFactory, agent
from tests.teleprocedures.fixtures import make_dossier, pdf_file


@pytest.fixture
def transport(procedures):
    return procedures["transport-scolaire-adapte"]


@pytest.fixture
def token(transport):
    """A read-only token of the adapted transport service, and its key."""
    return services.create_token(name="Finances", services=[transport.service])


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    return body["error"]


def test_a_token_is_stored_hashed_and_shown_once(transport):
    token, key = services.create_token(name="Archives", services=[transport.service], can_write=True)
    assert re.fullmatch(r"pdt_[0-9a-f]{8}_[\w-]{43}", key)
    assert key not in str(ApiToken.objects.values().get()) and token.key_hash != key
    assert services.token_for_key(key) == token
    assert services.token_for_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert services.token_for_key("pdt_unknown_x") is None and services.token_for_key("") is None
    assert token.account.has_usable_password() is False
    assert AuditEvent.objects.filter(action="api.token.create").exists()


def test_last_use_is_noted_at_most_once_a_minute(token):
    token_obj, key = token
    first = timezone.now()
    services.token_for_key(key, now=first)
    services.token_for_key(key, now=first + timedelta(seconds=30))
    token_obj.refresh_from_db()
    assert token_obj.last_used_at == first
    services.token_for_key(key, now=first + timedelta(minutes=2))
    token_obj.refresh_from_db()
    assert token_obj.last_used_at == first + timedelta(minutes=2)


def test_no_token_an_invalid_or_revoked_token_get_a_401_in_the_api_format(client, token):
    token_obj, key = token
    url = reverse("api:dossiers")
    response = client.get(url)
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert error_of(response)["code"] == "not_authenticated"
    response = client.get(url, **bearer("pdt_00000000_forged"))
    assert response.status_code == 401 and error_of(response)["message"] == "Ce jeton est inconnu ou révoqué."
    assert client.get(url, **bearer(key)).status_code == 200
    services.revoke_token(token=token_obj)
    assert client.get(url, **bearer(key)).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {key} extra").status_code == 401


def test_a_token_sees_the_dossiers_of_its_services_only(client, procedures, token, transport):
    _token, key = token
    mine = make_dossier(transport, UserFactory())
    other = make_dossier(procedures["permission-voirie"], UserFactory())
    make_dossier(transport, UserFactory(), state=DossierState.DRAFT)
    listed = client.get(reverse("api:dossiers"), **bearer(key)).json()
    assert [d["number"] for d in listed["results"]] == [mine.number]
    hidden = client.get(reverse("api:dossier", args=[other.number]), **bearer(key))
    missing = client.get(reverse("api:dossier", args=["NOPE-0000"]), **bearer(key))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()  # nothing tells that the other service's request exists
    procedures_seen = client.get(reverse("api:procedures"), **bearer(key)).json()
    assert [p["slug"] for p in procedures_seen] == ["transport-scolaire-adapte"]
    assert client.get(reverse("api:procedure", args=["permission-voirie"]), **bearer(key)).status_code == 404


def test_a_read_only_token_cannot_write(client, token):
    _token, key = token
    response = client.post(reverse("api:dossiers"), data="{}", content_type="application/json", **bearer(key))
    assert response.status_code == 403
    assert error_of(response) == {"status": 403, "code": "permission_denied",
                                  "message": "Ce jeton ne peut que lire."}  # fmt: skip


def test_dossier_detail_gives_answers_applicant_and_files(client, token, transport, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _token, key = token
    dossier = make_dossier(transport, UserFactory(first_name="Yasmine", last_name="Benali"))
    upload = pdf_file("emploi-du-temps.pdf")
    attachment = Attachment.objects.create(dossier=dossier, kind=AttachmentKind.ANSWER, field_id="timetable",
                                           file=upload, original_name=upload.name, content_type="application/pdf",
                                           size=upload.size)  # fmt: skip
    body = client.get(reverse("api:dossier", args=[dossier.number]), **bearer(key)).json()
    assert body["applicant"]["last_name"] == "Benali"
    assert body["answers"]["school_name"] == dossier.data["school_name"]
    assert body["procedure"] == "transport-scolaire-adapte" and body["state"] == "submitted"
    file_url = body["files"][0]["url"]
    assert body["files"][0]["name"] == "emploi-du-temps.pdf" and file_url.startswith("http://testserver/api/v1/")
    download = client.get(file_url, **bearer(key))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.get(action="api.dossier.file")
    assert event.actor.api_token == _token and event.data["attachment"] == attachment.pk


def test_filters_and_cursor_pages(client, token, transport):
    _token, key = token
    dossiers = [make_dossier(transport, UserFactory()) for _ in range(5)]
    make_dossier(transport, UserFactory(), state=DossierState.ACCEPTED)
    url = reverse("api:dossiers")
    accepted = client.get(url, {"state": "accepted"}, **bearer(key)).json()["results"]
    assert [d["state"] for d in accepted] == ["accepted"]
    seen, page = [], client.get(url, {"state": "submitted", "page_size": 2}, **bearer(key)).json()
    while True:
        seen += [d["number"] for d in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"], **bearer(key)).json()
    assert seen == [d.number for d in reversed(dossiers)]
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get(url, {"updated_after": future}, **bearer(key)).json()["results"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [({"submitted_after": "hier"}, "submitted_after"), ({"state": "draft"}, "state"), ({"colour": "red"}, "colour")],
)
def test_bad_filters_get_a_400_naming_the_parameter(client, token, query, field):
    _token, key = token
    response = client.get(reverse("api:dossiers"), query, **bearer(key))
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid" and list(error["fields"]) == [field]


def test_agents_use_the_api_with_their_session_and_citizens_do_not(client, transport):
    make_dossier(transport, UserFactory())
    client.force_login(agent(service=transport.service))
    assert len(client.get(reverse("api:dossiers")).json()["results"]) == 1
    client.force_login(UserFactory())
    response = client.get(reverse("api:dossiers"))
    assert response.status_code == 403 and "agents" in error_of(response)["message"]


def test_requests_are_limited_per_token(client, token, monkeypatch):
    _token, key = token
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api": "3/min"})
    statuses = [client.get(reverse("api:procedures"), **bearer(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(reverse("api:procedures"), **bearer(key))
    assert error_of(response)["code"] == "throttled" and int(response["Retry-After"]) > 0
    other_key = services.create_token(name="Autre", services=list(Service.objects.all()[:1]))[1]
    assert client.get(reverse("api:procedures"), **bearer(other_key)).status_code == 200


@pytest.mark.django_db
def test_schema_is_generated_without_warnings_and_documented_without_external_asset(client, tmp_path):
    out = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out),
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    schema = json.loads(out.read_text())
    assert {"/api/v1/dossiers/", "/api/v1/dossiers/{number}/", "/api/v1/procedures/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert client.get(reverse("api:schema")).status_code == 200
    docs = client.get(reverse("api:docs")).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert assets and all(asset.startswith("/") for asset in assets), assets
