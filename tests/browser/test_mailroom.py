"""Mailroom in a real browser: every page checked by axe in three languages, and the clerk's and agent's journeys."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from mailroom import services
from mailroom.enums import Channel, MailStatus
from mailroom.models import Contact, MailCategory, MailItem, ReplyTemplate
from portal.enums import Role, ServiceKind
from portal.models import Service
from tests.browser.conftest import assert_accessible
from tests.browser.test_keyboard import press_tab_until
from tests.factories import UserFactory, agent
from tests.teleprocedures.fixtures import PDF_BYTES


PDF = PDF_BYTES


def localised(url, language):
    return url if language == "fr" else f"/{language}{url}"


@pytest.fixture
def mailroom_setup(transactional_db):
    roads = Service.objects.create(slug="routes", name="Service des routes", email="routes@example.org")
    office = Service.objects.create(slug="courrier", name="Bureau du courrier", kind=ServiceKind.MAIL)
    category = MailCategory.objects.create(name={"fr": "Routes", "en": "Roads", "ar": "الطرق"}, service=roads,
                                           deadline_days=15, is_request=True, silence_rule="svr")  # fmt: skip
    MailCategory.objects.create(name={"fr": "Autre demande", "en": "Other"}, service=None)
    ReplyTemplate.objects.create(name="Réponse favorable",
                                 body="{{ contact_name }}\nRéf. {{ number }}\nUne suite favorable est donnée.\n"
                                      "{{ signature }}")  # fmt: skip
    return {"roads": roads, "office": office, "category": category}


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_mail_pages_have_no_axe_violations(page, sign_in, mailroom_setup, language):
    roads, category = mailroom_setup["roads"], mailroom_setup["category"]
    page.goto(localised(reverse("mailroom:write"), language))
    assert_accessible(page)
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
    user = UserFactory()
    contact = Contact.objects.create(first_name="Jeanne", last_name="Durand", email=user.email, user=user,
                                     city="Vitré")  # fmt: skip
    item = services.register(contact=contact, subject="Route abîmée", channel=Channel.WEB, body="Texte",
                             category=category)  # fmt: skip
    instructor = agent(role=Role.INSTRUCTOR, service=roads)
    services.reply(item=item, text="Réponse", by=Channel.EMAIL, actor=instructor)
    sign_in(user)
    page.goto(localised(reverse("mailroom:my_mail"), language))
    assert_accessible(page)

    sign_in(agent(role=Role.RECEPTION, service=mailroom_setup["office"]))
    page.goto(localised(reverse("mailroom:register"), language))
    assert_accessible(page)
    page.fill("#id_sender", "Vitré")
    page.wait_for_selector(f"#contact-{contact.pk}")
    assert_accessible(page)
    page.click("button[name=next]")  # nothing filled in: the errors
    page.wait_for_selector("#error-summary")
    assert_accessible(page)

    sign_in(instructor)
    for url in (reverse("mailroom:queue"), f"{reverse('mailroom:queue')}?tab=all&q=route",
                reverse("mailroom:item", args=[item.pk]), reverse("mailroom:contact", args=[contact.pk]),
                reverse("mailroom:reply", args=[_open_item(category).pk])):  # fmt: skip
        page.goto(localised(url, language))
        assert_accessible(page)
    page.click("form.form button[type=submit]")  # an empty reply: the error
    page.wait_for_selector("#error-summary")
    assert_accessible(page)


def _open_item(category):
    contact = Contact.objects.create(last_name="Lefort", first_name="Marc", address_line="3 rue Haute",
                                     postal_code="35500", city="Vitré")  # fmt: skip
    return services.register(contact=contact, subject="Fossé bouché", channel=Channel.PAPER, category=category)


def test_a_clerk_registers_three_letters_with_the_keyboard_only(page, sign_in, mailroom_setup, tmp_path):
    known = Contact.objects.create(last_name="Lefort", first_name="Marc", city="Vitré")
    sign_in(agent(role=Role.RECEPTION, service=mailroom_setup["office"]))
    page.goto(reverse("mailroom:register"))

    # 1. A known sender, found as one types, chosen with the arrow key; the scan comes from the scanner's folder.
    press_tab_until(page, "document.activeElement.id === 'id_sender'")
    page.keyboard.type("lefo")
    page.wait_for_selector(f"#contact-{known.pk}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "contact-new"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == f"contact-{known.pk}"
    assert page.is_hidden("#new-sender")  # its fields leave the keyboard path
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_category"
    page.keyboard.type("Routes")
    page.keyboard.press("Tab")
    page.keyboard.type("Fossé bouché à La Haute Touche")
    press_tab_until(page, "document.activeElement.id === 'id_attachments'")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("#id_attachments", str(scan))  # (the file chooser stands in for the scanner folder)
    press_tab_until(page, "document.activeElement.name === 'next'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "?suite=1" in page.url
    assert "2026-" in page.inner_text(".messages")
    assert page.evaluate("document.activeElement.id") == "id_sender"  # ready for the next letter

    # 2. A new sender, created on the fly.
    page.keyboard.type("Gwenaëlle Tanguy")
    page.wait_for_selector("#contact-new")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_kind"
    page.keyboard.press("Tab")
    page.keyboard.type("Tanguy")
    page.keyboard.press("Tab")
    page.keyboard.type("Gwenaëlle")
    press_tab_until(page, "document.activeElement.id === 'id_address_line'")
    page.keyboard.type("2 allée des Lilas")
    page.keyboard.press("Tab")
    page.keyboard.type("35000")
    page.keyboard.press("Tab")
    page.keyboard.type("Rennes")
    page.keyboard.press("Tab")
    page.keyboard.type("Autre")
    page.keyboard.press("Tab")
    page.keyboard.type("Demande de rendez-vous avec un élu")
    press_tab_until(page, "document.activeElement.name === 'next'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "?suite=1" in page.url

    # 3. The first letter again: the duplicate is warned, focus goes to the summary, then it is confirmed.
    page.keyboard.type("lefo")
    page.wait_for_selector(f"#contact-{known.pk}")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Routes")
    page.keyboard.press("Tab")
    page.keyboard.type("Fossé bouché à La Haute Touche")
    press_tab_until(page, "document.activeElement.name === 'next'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    press_tab_until(page, "document.activeElement.getAttribute('href') === '#id_confirm_duplicate'")
    page.keyboard.press("Enter")
    press_tab_until(page, "document.activeElement.id === 'id_confirm_duplicate'")
    page.keyboard.press("Space")
    press_tab_until(page, "document.activeElement.name === 'next'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "?suite=1" in page.url

    items = list(MailItem.objects.order_by("number"))
    assert [item.number[5:] for item in items] == ["000001", "000002", "000003"]
    assert [item.contact.last_name for item in items] == ["Lefort", "Tanguy", "Lefort"]
    assert items[0].service == mailroom_setup["roads"] and items[1].service is None
    assert items[0].attachments.get(is_reply=False).original_name == "scan.pdf"  # (beside the CRPA letter)
    assert items[1].contact.postal_address == "2 allée des Lilas\n35000 Rennes"


def test_an_agent_answers_with_a_letter_and_the_citizen_reads_it_in_my_space(page, sign_in, mailroom_setup):
    citizen = UserFactory(first_name="Jeanne", last_name="Durand")
    EmailAddress.objects.update_or_create(user=citizen, email=citizen.email, defaults={"verified": True})
    sign_in(citizen)
    page.goto(reverse("mailroom:write"))
    page.select_option("#id_category", label="Routes")
    page.fill("#id_subject", "Nid de poule devant l'école")
    page.fill("#id_body", "Un nid de poule dangereux devant l'école de Vitré.")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/mon-espace/mon-courrier/")
    item = MailItem.objects.get()

    sign_in(agent(role=Role.INSTRUCTOR, service=mailroom_setup["roads"]))
    page.goto(reverse("mailroom:item", args=[item.pk]))
    page.click("text=Je le prends")
    page.click("text=Répondre avec « Réponse favorable »")
    assert "Une suite favorable est donnée." in page.input_value("#id_text")
    page.check("#id_by_0")  # by email, with the letter as PDF
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".message--success")
    item.refresh_from_db()
    assert item.status == MailStatus.ANSWERED
    letter = item.replies.get().attachments.get()
    with page.expect_download() as download:
        page.click(f"a[href$='/pieces/{letter.pk}/']")
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")

    sign_in(citizen)
    page.goto(reverse("mailroom:my_mail"))
    assert "Une suite favorable est donnée." in page.inner_text("main")
    with page.expect_download() as download:
        page.click(f"a[href$='/pieces/{letter.pk}/']")
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")
