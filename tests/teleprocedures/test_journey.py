import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from portal.enums import OutboxStatus
from portal.models import AuditEvent, OutboxMessage
from teleprocedures.enums import AttachmentKind, DossierState
from teleprocedures.models import Dossier
from tests.teleprocedures.fixtures import TRANSPORT_FILES, TRANSPORT_PAGES, pdf_file


pytestmark = pytest.mark.django_db


def pdf_text(attachment):
    with attachment.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    return " ".join(text.split())


def file_transport_request(client, procedures):
    """Go through every page of the adapted transport procedure as a citizen; return the draft."""
    response = client.post(reverse("teleprocedures:start", args=["transport-scolaire-adapte"]))
    assert response.status_code == 302
    draft = Dossier.objects.get(state=DossierState.DRAFT)
    assert response["Location"] == reverse("teleprocedures:draft_page", args=[draft.pk, "pupil"])
    for page_id, values in TRANSPORT_PAGES.items():
        data = {**values, "action": "next"}
        if page_id in TRANSPORT_FILES:
            data[TRANSPORT_FILES[page_id]] = pdf_file(f"{page_id}.pdf")
        response = client.post(reverse("teleprocedures:draft_page", args=[draft.pk, page_id]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("teleprocedures:draft_summary", args=[draft.pk])
    return draft


def test_citizen_files_adapted_transport_and_gets_the_crpa_acknowledgement(client, procedures, citizen):
    client.force_login(citizen)
    draft = file_transport_request(client, procedures)

    summary = client.get(reverse("teleprocedures:draft_summary", args=[draft.pk])).content.decode()
    assert "Adam" in summary and "Mi-temps" not in summary
    assert "FR76 3000 6000 0112 3456 7890 189" in summary  # IBAN shown grouped
    assert "3 rue de Brest, 35000 Rennes" in summary
    assert "Pick-up address" not in summary and "Adresse de prise en charge" not in summary  # page skipped

    response = client.post(reverse("teleprocedures:draft_summary", args=[draft.pk]), {"certify": "on"})

    dossier = Dossier.objects.get(pk=draft.pk)
    assert response["Location"] == reverse("teleprocedures:dossier", args=[dossier.pk])
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.number.startswith(f"TSA-{dossier.submitted_at.year}-")
    assert dossier.due_on and dossier.commune.name == "Rennes"
    assert dossier.data["rep_phone"] == "+33612345678"
    assert dossier.data["iban"] == "FR7630006000011234567890189"
    acknowledgement = dossier.attachments.get(kind=AttachmentKind.ACKNOWLEDGEMENT)
    text = pdf_text(acknowledgement)
    for mention in (
        "Accusé de réception",
        dossier.number,
        "Date de réception",
        "Service transport-adapte",
        "02 99 02 35 35",
        "réputée rejetée",
        "tribunal administratif de Rennes",
        "Voies de recours",
    ):
        assert mention in text, mention
    message = OutboxMessage.objects.get(recipient="parent@example.org", template__endswith="dossier_submitted")
    assert message.attachments[0]["filename"] == f"accuse-de-reception-{dossier.number}.pdf"
    assert dossier.number in message.subject
    assert AuditEvent.objects.filter(action="dossier.submit", object_id=str(dossier.pk)).exists()

    detail = client.get(reverse("teleprocedures:dossier", args=[dossier.pk])).content.decode()
    assert (
        dossier.number in detail and "Soumis" in detail or "Déposé" in detail or dossier.get_state_display() in detail
    )


def test_agent_asks_for_information_citizen_answers_agent_accepts_with_a_decision_pdf(
    client, procedures, citizen, instructor
):
    client.force_login(citizen)
    draft = file_transport_request(client, procedures)
    client.post(reverse("teleprocedures:draft_summary", args=[draft.pk]), {"certify": "on"})
    dossier = Dossier.objects.get(pk=draft.pk)
    due = dossier.due_on

    agent_client = client.__class__()
    agent_client.force_login(instructor)
    queue = agent_client.get(reverse("teleprocedures:queue")).content.decode()
    assert dossier.number in queue
    response = agent_client.post(
        reverse("teleprocedures:agent_request_info", args=[dossier.pk]),
        {"items": "Notification CDAPH lisible\n- Certificat de scolarité", "respond_by": "2099-01-31",
         "revision": dossier.revision},
    )  # fmt: skip
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AWAITING_INFO and dossier.paused_at
    email = OutboxMessage.objects.filter(template__endswith="information_requested").get()
    assert "Certificat de scolarité" in email.body_text

    response = client.post(
        reverse("teleprocedures:dossier", args=[dossier.pk]),
        {"action": "answer", "answer-body": "Voici les pièces.", "answer-files": [pdf_file("certificat.pdf")]},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.paused_at is None
    assert dossier.due_on == due  # paused and resumed the same day
    assert dossier.attachments.filter(kind=AttachmentKind.MESSAGE, original_name="certificat.pdf").exists()

    response = agent_client.post(
        reverse("teleprocedures:agent_decide", args=[dossier.pk, "accept"]),
        {
            "decision_mode_granted": "mileage_allowance",
            "decision_start_date": "2026-09-01",
            "reasons": "Le handicap de l'élève justifie une prise en charge.",
            "revision": dossier.revision,
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ACCEPTED
    decision_pdf = dossier.attachments.get(kind=AttachmentKind.DECISION)
    text = pdf_text(decision_pdf)
    assert "Indemnité kilométrique à la famille" in text and "1 septembre 2026" in text
    assert "Voies de recours" in text and dossier.number in text

    download = client.get(reverse("teleprocedures:file", args=[dossier.pk, decision_pdf.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert OutboxMessage.objects.filter(template__endswith="decision", status=OutboxStatus.PENDING).count() == 1


def test_a_page_with_errors_keeps_typed_values_and_valid_uploads(client, procedures, citizen):
    client.force_login(citizen)
    client.post(reverse("teleprocedures:start", args=["transport-scolaire-adapte"]))
    draft = Dossier.objects.get(state=DossierState.DRAFT)
    url = reverse("teleprocedures:draft_page", args=[draft.pk, "schooling"])

    response = client.post(
        url,
        {"school_name": "Collège Les Gayeulles", "regime": "nope", "timetable": pdf_file("edt.pdf"), "action": "next"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Collège Les Gayeulles"' in html
    assert 'id="id_regime_error"' in html and 'id="id_school_year_error"' in html
    assert "edt.pdf" in html  # the valid file was kept
    draft.refresh_from_db()
    assert draft.attachments.filter(original_name="edt.pdf").exists()


def test_a_disguised_or_oversized_file_is_refused_with_a_message(client, procedures, citizen):
    client.force_login(citizen)
    client.post(reverse("teleprocedures:start", args=["transport-scolaire-adapte"]))
    draft = Dossier.objects.get(state=DossierState.DRAFT)
    url = reverse("teleprocedures:draft_page", args=[draft.pk, "schooling"])

    disguised = pdf_file("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    html = client.post(url, {"timetable": disguised, "action": "next"}).content.decode()
    assert "« virus.pdf » n’est pas un fichier accepté" in html

    huge = pdf_file("huge.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    html = client.post(url, {"timetable": huge, "action": "next"}).content.decode()
    assert "« huge.pdf » est trop volumineux" in html
    assert not draft.attachments.exists()


def test_starting_again_resumes_the_single_draft(client, procedures, citizen):
    client.force_login(citizen)
    client.post(reverse("teleprocedures:start", args=["transport-scolaire-adapte"]))
    first = Dossier.objects.get(state=DossierState.DRAFT)
    client.post(
        reverse("teleprocedures:draft_page", args=[first.pk, "pupil"]),
        {**TRANSPORT_PAGES["pupil"], "action": "next"},
    )
    response = client.post(reverse("teleprocedures:start", args=["transport-scolaire-adapte"]))

    assert Dossier.objects.filter(state=DossierState.DRAFT).count() == 1
    assert response["Location"] == reverse("teleprocedures:draft_page", args=[first.pk, "representative"])
    page = client.get(reverse("teleprocedures:procedure", args=["transport-scolaire-adapte"])).content.decode()
    assert "Reprendre ma demande" in page or "Resume my request" in page

    client.post(reverse("teleprocedures:discard", args=[first.pk]))
    assert not Dossier.objects.exists()


def test_repeatable_quote_lines_are_added_without_losing_what_was_typed(client, procedures):
    from tests.factories import UserFactory

    farmer = UserFactory(professional=True)
    client.force_login(farmer)
    client.post(reverse("teleprocedures:start", args=["subvention-agricole"]))
    draft = Dossier.objects.get(state=DossierState.DRAFT)
    url = reverse("teleprocedures:draft_page", args=[draft.pk, "quotes"])

    html = client.post(
        url,
        {"rows-quotes": "1", "quotes-0-supplier": "Kuhn", "quotes-0-item": "Faucheuse", "quotes-0-amount": "12 500,50",
         "action": "add:quotes"},
    ).content.decode()  # fmt: skip
    assert 'name="quotes-1-supplier"' in html and 'value="Kuhn"' in html
    assert "error-summary" not in html

    response = client.post(
        url,
        {"rows-quotes": "2", "quotes-0-supplier": "Kuhn", "quotes-0-item": "Faucheuse", "quotes-0-amount": "12 500,50",
         "quotes-1-supplier": "Amazone", "quotes-1-item": "Semoir", "quotes-1-amount": "8000",
         "quote_files": [pdf_file("devis1.pdf"), pdf_file("devis2.pdf")], "action": "next"},
    )  # fmt: skip
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["quotes"] == [
        {"supplier": "Kuhn", "item": "Faucheuse", "amount": "12500.50"},
        {"supplier": "Amazone", "item": "Semoir", "amount": "8000.00"},
    ]
    assert len(draft.data["quote_files"]) == 2
    page = client.get(url).content.decode()
    assert "20\xa0500,50 €" in page


def test_a_citizen_cannot_start_a_professional_procedure(client, procedures, citizen):
    client.force_login(citizen)
    response = client.post(reverse("teleprocedures:start", args=["subvention-agricole"]), follow=True)
    assert not Dossier.objects.exists()
    assert "professionnels" in response.content.decode()


@pytest.mark.parametrize("action", ["remove_file:abc", "remove:quotes:x", "remove:quotes", "add:"])
def test_forged_page_actions_never_give_a_500(client, procedures, action):
    from tests.factories import UserFactory

    client.force_login(UserFactory(professional=True))
    client.post(reverse("teleprocedures:start", args=["subvention-agricole"]))
    draft = Dossier.objects.get(state=DossierState.DRAFT)
    url = reverse("teleprocedures:draft_page", args=[draft.pk, "quotes"])
    response = client.post(url, {"rows-quotes": "abc", "action": action})
    assert response.status_code == 200
