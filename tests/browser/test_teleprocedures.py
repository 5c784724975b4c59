import re

import pytest
from django.urls import reverse

from teleprocedures.enums import AttachmentKind, DossierState
from teleprocedures.models import Dossier
from tests.browser.conftest import assert_accessible
from tests.browser.test_keyboard import choose_file_with_keyboard, press_tab_until
from tests.factories import UserFactory
from tests.teleprocedures.fixtures import PDF_BYTES, TRANSPORT_PAGES


LANGUAGES = ["fr", "en", "ar"]


def localised(url, language):
    return url if language == "fr" else f"/{language}{url}"


def check(page, url, language):
    response = page.goto(localised(url, language))
    assert response.status == 200, url
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_citizen_pages_of_the_procedures_have_no_axe_violations(page, sign_in, procedures, citizen, language):
    sign_in(citizen)
    check(page, reverse("teleprocedures:catalogue"), language)
    check(page, reverse("teleprocedures:procedure", args=["transport-scolaire-adapte"]), language)
    page.goto(localised(reverse("teleprocedures:procedure", args=["transport-scolaire-adapte"]), language))
    page.click("main form button[type=submit]")
    draft = Dossier.objects.get(applicant=citizen, state=DossierState.DRAFT)
    for page_id in ["pupil", "representative", "schooling", "transport", "disability"]:
        check(page, reverse("teleprocedures:draft_page", args=[draft.pk, page_id]), language)
    # A page in error, with the error summary.
    page.goto(localised(reverse("teleprocedures:draft_page", args=[draft.pk, "pupil"]), language))
    page.click("form.form .form-actions button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
    check(page, reverse("teleprocedures:draft_summary", args=[draft.pk]), language)
    check(page, reverse("teleprocedures:dossier_list"), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_repeatable_group_page_has_no_axe_violations(page, sign_in, procedures, language):
    farmer = sign_in(UserFactory(professional=True))
    from teleprocedures import services

    draft, _ = services.start_draft(procedure=procedures["subvention-agricole"], applicant=farmer)
    url = reverse("teleprocedures:draft_page", args=[draft.pk, "quotes"])
    check(page, url, language)
    page.click("button[value='add:quotes']")
    page.wait_for_selector("[name='quotes-1-supplier']")
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dossier_pages_have_no_axe_violations(page, sign_in, context, submitted, instructor, citizen, language):
    from datetime import timedelta

    from django.utils import timezone

    from teleprocedures import services

    services.request_information(
        dossier=submitted, items=["Notification lisible"], respond_by=timezone.localdate() + timedelta(days=10),
        actor=instructor,
    )  # fmt: skip
    sign_in(citizen)
    check(page, reverse("teleprocedures:dossier", args=[submitted.pk]), language)
    context.clear_cookies()
    sign_in(instructor)
    check(page, reverse("teleprocedures:queue") + "?tab=all", language)
    check(page, reverse("teleprocedures:agent_dossier", args=[submitted.pk]), language)
    check(page, reverse("teleprocedures:agent_request_info", args=[submitted.pk]), language)
    check(page, reverse("teleprocedures:agent_decide", args=[submitted.pk, "accept"]), language)
    check(page, reverse("teleprocedures:assisted_start"), language)


def test_a_citizen_files_adapted_transport_with_the_keyboard_only(page, sign_in, procedures, citizen, tmp_path):
    """Tab, type, Space and Enter only: from the procedure page to the acknowledgement, uploads included."""
    document = tmp_path / "document.pdf"
    document.write_bytes(PDF_BYTES)
    sign_in(citizen)
    page.goto(reverse("teleprocedures:procedure", args=["transport-scolaire-adapte"]))
    press_tab_until(
        page, "document.activeElement.type === 'submit' && document.activeElement.closest('main') !== null"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/etape/pupil/$"))

    for page_id, values in TRANSPORT_PAGES.items():
        page.wait_for_url(re.compile(rf".*/etape/{page_id}/$"))
        for name, value in values.items():
            fill_with_keyboard(page, name, value)
        if page_id in {"schooling", "disability"}:
            field = "timetable" if page_id == "schooling" else "notification_file"
            press_tab_until(page, f"document.activeElement.name === '{field}'")
            choose_file_with_keyboard(page, document)
        press_tab_until(page, "document.activeElement.textContent.trim() === 'Enregistrer et continuer'")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert not page.locator("#error-summary").count(), page.inner_text("#error-summary")

    page.wait_for_url(re.compile(r".*/recapitulatif/$"))
    press_tab_until(page, "document.activeElement.id === 'id_certify'")
    page.keyboard.press("Space")
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Envoyer ma demande'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/mes-demarches/\d+/$"))
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.attachments.filter(field_id="timetable").count() == 1
    assert dossier.number in page.inner_text("main")


def fill_with_keyboard(page, name, value):
    """Reach the field with Tab, then type, choose a radio with the arrows, or pick an option with the keyboard."""
    kind = page.evaluate(f"(document.querySelector('[name=\"{name}\"]') || {{}}).type")
    if kind == "radio":
        press_tab_until(page, f"document.activeElement.name === '{name}'")
        for _ in range(10):
            if page.evaluate(f"document.activeElement.value === '{value}'"):
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        return
    press_tab_until(page, f"document.activeElement.name === '{name}'")
    if kind == "select-one":
        page.keyboard.type(value)
        return
    if kind == "date":
        year, month, day = value.split("-")
        page.keyboard.type(f"{day}{month}{year}")
        return
    page.keyboard.press("Control+A")
    page.keyboard.type(value)


def test_agent_asks_citizen_answers_agent_accepts_citizen_downloads_the_decision(
    page, context, sign_in, submitted, instructor, citizen, tmp_path
):
    answer_file = tmp_path / "certificat.pdf"
    answer_file.write_bytes(PDF_BYTES)
    sign_in(instructor)
    page.goto(reverse("teleprocedures:agent_dossier", args=[submitted.pk]))
    page.click("text=Demander des pièces")
    page.fill("#id_items", "Certificat de scolarité")
    page.click("text=Envoyer la demande")
    page.wait_for_url(re.compile(r".*/agent/demarches/\d+/$"))

    context.clear_cookies()
    sign_in(citizen)
    page.goto(reverse("teleprocedures:dossier", args=[submitted.pk]))
    assert "Certificat de scolarité" in page.inner_text("main")
    page.fill("#id_answer-body", "Voici le certificat.")
    page.set_input_files("#id_answer-files", str(answer_file))
    page.click("text=Envoyer ma réponse")
    page.wait_for_selector("text=Votre réponse a été envoyée")

    context.clear_cookies()
    sign_in(instructor)
    page.goto(reverse("teleprocedures:agent_dossier", args=[submitted.pk]))
    page.click("main a:has-text('Accepter')")
    page.check("input[name=decision_mode_granted][value=adapted_circuit]")
    page.fill("#id_decision_start_date", "2026-09-01")
    page.fill("#id_reasons", "Prise en charge accordée.")
    page.click("text=Enregistrer la décision")
    page.wait_for_selector("text=La décision a été enregistrée")

    context.clear_cookies()
    sign_in(citizen)
    page.goto(reverse("teleprocedures:dossier", args=[submitted.pk]))
    decision = submitted.attachments.get(kind=AttachmentKind.DECISION)
    with page.expect_download() as download:
        page.click(f"a[href$='/fichiers/{decision.pk}/']")
    assert download.value.suggested_filename == decision.original_name
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
