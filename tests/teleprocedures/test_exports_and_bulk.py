import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditEvent, ExportJob, OutboxMessage, User
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from tests.factories import UserFactory
from tests.teleprocedures.fixtures import TRANSPORT_PAGES, make_dossier


pytestmark = pytest.mark.django_db


@pytest.fixture
def three(procedures, citizen):
    procedure = procedures["transport-scolaire-adapte"]
    return [
        make_dossier(procedure, citizen),
        make_dossier(procedure, UserFactory()),
        make_dossier(procedure, UserFactory()),
    ]


def export(client, fmt, query="tab=all&procedure=transport-scolaire-adapte"):
    response = client.get(f"{reverse('teleprocedures:export')}?{query}&format={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_export_has_one_column_per_answer(client, instructor, three):
    client.force_login(instructor)
    content = export(client, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:3] == ["Numéro", "Démarche", "État"]
    assert "Nom de l'élève" in rows[0] and "Régime" in rows[0]
    assert len(rows) == 4
    assert {row[0] for row in rows[1:]} == {d.number for d in three}
    assert "Demi-pensionnaire" in rows[1]
    assert AuditEvent.objects.filter(action="export.download", actor=instructor).exists()


def test_xlsx_and_ods_exports_open_and_hold_the_rows(client, instructor, three):
    client.force_login(instructor)
    workbook = load_workbook(io.BytesIO(export(client, "xlsx")), read_only=True)
    assert sum(1 for _ in workbook.active.iter_rows()) == 4
    archive = zipfile.ZipFile(io.BytesIO(export(client, "ods")))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    content = archive.read("content.xml").decode()
    assert content.count("<table:table-row>") == 4 and three[0].number in content


def test_large_exports_run_in_the_background(client, instructor, three, settings, monkeypatch):
    monkeypatch.setattr("portal.services.EXPORT_SYNC_LIMIT", 2)
    client.force_login(instructor)
    from django.test.utils import CaptureQueriesContext  # noqa: F401

    response = client.get(f"{reverse('teleprocedures:export')}?tab=all&format=csv")
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("portal:export", args=[job.pk])
    from portal.services import build_export

    build_export(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.total, job.progress) == (ExportJob.Status.DONE, 3, 3)
    page = client.get(reverse("portal:export", args=[job.pk])).content.decode()
    assert reverse("portal:export_download", args=[job.pk]) in page
    download = client.get(reverse("portal:export_download", args=[job.pk]))
    assert three[0].number.encode() in b"".join(download.streaming_content)
    other = UserFactory()
    client.force_login(other)
    assert client.get(reverse("portal:export", args=[job.pk])).status_code == 403  # not an agent


def test_bulk_assign_message_and_close(client, instructor, three):
    client.force_login(instructor)
    ids = [three[0].pk, three[1].pk]
    client.post(reverse("teleprocedures:bulk"), {"ids": ids, "bulk_action": "assign_me"})
    assert set(Dossier.objects.filter(assignee=instructor).values_list("pk", flat=True)) == set(ids)

    client.post(reverse("teleprocedures:bulk"), {"ids": ids, "bulk_action": "message", "bulk_text": "Bonjour"})
    assert OutboxMessage.objects.filter(template__endswith="message_received").count() == 2

    response = client.post(
        reverse("teleprocedures:bulk"), {"ids": ids, "bulk_action": "close", "bulk_text": ""}, follow=True
    )
    assert "a message or a decision needs a text" in response.content.decode() or "texte" in response.content.decode()
    client.post(reverse("teleprocedures:bulk"), {"ids": ids, "bulk_action": "close", "bulk_text": "Doublons"})
    assert Dossier.objects.filter(state=DossierState.CLOSED).count() == 2
    assert three[2].__class__.objects.get(pk=three[2].pk).state == DossierState.SUBMITTED


def test_bulk_actions_ignore_dossiers_of_other_services(client, procedures, three):
    from portal.models import Service
    from tests.factories import agent

    roads_agent = agent(service=Service.objects.get(slug="routes"))
    client.force_login(roads_agent)
    client.post(reverse("teleprocedures:bulk"), {"ids": [three[0].pk], "bulk_action": "assign_me"})
    assert Dossier.objects.get(pk=three[0].pk).assignee is None


def test_an_agent_files_for_a_person_at_a_counter(client, procedures, instructor):
    client.force_login(instructor)
    response = client.post(
        reverse("teleprocedures:assisted_start"),
        {"procedure": "transport-scolaire-adapte", "email": "Guichet@Example.org", "first_name": "Jeanne",
         "last_name": "Morel"},
    )  # fmt: skip
    person = User.objects.get(email="guichet@example.org")
    draft = Dossier.objects.get(applicant=person)
    assert draft.filed_by == instructor and not person.has_usable_password()
    assert response["Location"] == reverse("teleprocedures:draft_page", args=[draft.pk, "pupil"])
    from tests.teleprocedures.fixtures import TRANSPORT_FILES, pdf_file

    for page_id, values in TRANSPORT_PAGES.items():
        data = {**values, "action": "next"}
        if page_id in TRANSPORT_FILES:
            data[TRANSPORT_FILES[page_id]] = pdf_file()
        assert client.post(reverse("teleprocedures:draft_page", args=[draft.pk, page_id]), data).status_code == 302
    response = client.post(reverse("teleprocedures:draft_summary", args=[draft.pk]), {"certify": "on"})
    draft.refresh_from_db()
    assert draft.state == DossierState.SUBMITTED
    assert response["Location"] == reverse("teleprocedures:agent_dossier", args=[draft.pk])
    assert OutboxMessage.objects.filter(
        recipient="guichet@example.org", template__endswith="dossier_submitted"
    ).exists()
    assert AuditEvent.objects.get(action="dossier.submit", object_id=str(draft.pk)).data["assisted"] is True
