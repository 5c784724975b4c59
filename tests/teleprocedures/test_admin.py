import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.enums import Role
from teleprocedures.enums import VersionStatus
from teleprocedures.models import ProcedureVersion
from tests.factories import agent


pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, procedures):
    administrator = agent(role=Role.ADMINISTRATOR, service=None, site=None, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    return client


def test_a_draft_version_with_a_bad_definition_is_refused_with_the_path(admin_client, procedures):
    procedure = procedures["interrogation-notaire"]
    definition = json.loads(json.dumps(procedure.published_version().definition))
    definition["pages"][0]["fields"][0]["type"] = "colour"
    response = admin_client.post(
        reverse("admin:teleprocedures_procedureversion_add"),
        {"procedure": procedure.pk, "number": 2, "definition": json.dumps(definition)},
    )
    assert response.status_code == 200
    assert "pages[0].fields[0].type: &#x27;colour&#x27; is not one of" in response.content.decode()
    assert procedure.versions.count() == 1


def test_a_valid_draft_is_saved_previewed_then_published(admin_client, procedures):
    procedure = procedures["interrogation-notaire"]
    definition = json.loads(json.dumps(procedure.published_version().definition))
    definition["pages"][0]["title"] = {"fr": "Votre office", "en": "Your office"}
    response = admin_client.post(
        reverse("admin:teleprocedures_procedureversion_add"),
        {"procedure": procedure.pk, "number": 2, "definition": json.dumps(definition)},
    )
    assert response.status_code == 302
    draft = procedure.versions.get(number=2)
    assert draft.status == VersionStatus.DRAFT

    preview = admin_client.get(reverse("teleprocedures:preview", args=[draft.pk]))
    assert preview.status_code == 200 and "Votre office" in preview.content.decode()

    admin_client.post(
        reverse("admin:teleprocedures_procedureversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert procedure.versions.get(number=1).status == VersionStatus.ARCHIVED
    # Published versions are immutable.
    response = admin_client.post(
        reverse("admin:teleprocedures_procedureversion_change", args=[draft.pk]),
        {"procedure": procedure.pk, "number": 2, "definition": "{}"},
    )
    assert response.status_code == 403
    assert ProcedureVersion.objects.get(pk=draft.pk).definition == definition


def test_import_refuses_a_malformed_file_and_accepts_a_good_one(admin_client, procedures):
    url = reverse("admin:teleprocedures_procedure_import")
    bad = admin_client.post(url, {"file": SimpleUploadedFile("p.json", b"{not json")})
    assert "pas du JSON valide" in bad.content.decode() or "not valid JSON" in bad.content.decode()

    document = json.loads(admin_client.post(
        reverse("admin:teleprocedures_procedure_changelist"),
        {"action": "export_files", "_selected_action": [procedures["contrat-territorial"].pk]},
    ).content)  # fmt: skip
    document["slug"] = "contrat-territorial-bis"
    good = admin_client.post(url, {"file": SimpleUploadedFile("p.json", json.dumps(document).encode())})
    assert good.status_code == 302

    document["definition"]["pages"][0]["fields"] = []
    refused = admin_client.post(url, {"file": SimpleUploadedFile("p.json", json.dumps(document).encode())})
    assert "definition.pages[0].fields: [] should be non-empty" in refused.content.decode()


def test_only_staff_see_the_preview(client, procedures, citizen):
    client.force_login(citizen)
    version = procedures["interrogation-notaire"].published_version()
    assert client.get(reverse("teleprocedures:preview", args=[version.pk])).status_code == 403
