"""The agents' mailroom: registration screen, queues, search, bulk assignment, export, item actions, contact page."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mailroom import services
from mailroom.enums import ActivityKind, Channel, MailStatus, Priority
from mailroom.models import Contact, MailCategory, MailItem, ReplyTemplate
from mailroom.queues import Queue
from portal.enums import Role, ServiceKind
from portal.models import AuditEvent, OutboxMessage, Service
from tests.factories import UserFactory, agent
from tests.teleprocedures.fixtures import PDF_BYTES


pytestmark = pytest.mark.django_db

PDF = PDF_BYTES


@pytest.fixture
def roads(db):
    return Service.objects.create(slug="routes", name="Service des routes", email="routes@example.org",
                                  address="1 avenue de la Préfecture\n35000 Rennes")  # fmt: skip


@pytest.fixture
def mail_office(db):
    return Service.objects.create(slug="courrier", name="Bureau du courrier", kind=ServiceKind.MAIL)


@pytest.fixture
def category(roads):
    return MailCategory.objects.create(name={"fr": "Voirie", "en": "Roads"}, service=roads, deadline_days=15,
                                       alert_days=3)  # fmt: skip


@pytest.fixture
def clerk(client, mail_office):
    user = agent(role=Role.RECEPTION, service=mail_office)
    client.force_login(user)
    return user


@pytest.fixture
def instructor(roads):
    return agent(role=Role.INSTRUCTOR, service=roads)


def registration(category, **extra):
    return {"channel": "paper", "received_on": "2026-11-20", "category": category.pk, "priority": "normal",
            "subject": "Nid de poule RD 137", "body": "Lettre manuscrite.", "last_name": "Lefort",
            "first_name": "Marc", "postal_code": "35000", "city": "Rennes", "address_line": "3 rue Haute",
            "kind": "person", **extra}  # fmt: skip


# --- Registration -------------------------------------------------------------------------------------------------


def test_a_clerk_registers_a_letter_routed_by_its_category_and_goes_on_to_the_next(client, clerk, category):
    url = reverse("mailroom:register")
    scan = ContentFile(PDF, name="lettre.pdf")
    response = client.post(url, {**registration(category), "attachments": scan, "next": "1"})
    assert response.status_code == 302 and response["Location"] == f"{url}?suite=1"
    item = MailItem.objects.get()
    assert item.number == "2026-000001" and item.service == category.service and item.status == MailStatus.ROUTED
    assert item.due_date == date(2026, 12, 11)  # 15 working days
    assert item.alert_on == date(2026, 12, 8)  # warned 3 working days before
    assert item.contact.postal_address == "3 rue Haute\n35000 Rennes" and item.created_by == clerk
    assert [a.original_name for a in item.attachments.all()] == ["lettre.pdf"]
    page = client.get(response["Location"]).content.decode()
    assert "2026-000001" in page and 'value="2026-11-20"' in page and "autofocus" in page
    assert AuditEvent.objects.filter(action="mail.register", actor=clerk).exists()


def test_a_missing_sender_is_said_at_the_field_and_nothing_typed_or_uploaded_is_lost(client, clerk, category):
    url = reverse("mailroom:register")
    data = registration(category, last_name="", first_name="")
    response = client.post(url, {**data, "attachments": ContentFile(PDF, name="scan.pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and "Choisissez l’expéditeur" in html
    assert 'value="Nid de poule RD 137"' in html and "scan.pdf" in html
    kept = response.context["kept"]
    assert [entry["name"] for entry in kept] == ["scan.pdf"]
    response = client.post(url, {**registration(category), "kept": [kept[0]["token"]]})
    assert response.status_code == 302
    item = MailItem.objects.get()
    assert [a.original_name for a in item.attachments.all()] == ["scan.pdf"]
    assert not default_storage.exists(kept[0]["path"])  # taken out of the waiting area


def test_kept_files_of_someone_else_or_forged_are_ignored(client, clerk, category, mail_office):
    other = agent(role=Role.RECEPTION, service=mail_office)
    token = services.keep_uploads([ContentFile(PDF, name="autre.pdf")], other)[0]["token"]
    response = client.post(reverse("mailroom:register"), {**registration(category), "kept": [token, "forged:1"]})
    assert response.status_code == 302
    assert MailItem.objects.get().attachments.count() == 0


def test_a_bad_attachment_an_unknown_category_and_a_future_date_are_refused_clearly(client, clerk, category):
    data = {**registration(category), "category": "999",
            "received_on": (timezone.localdate() + timedelta(days=2)).isoformat()}  # fmt: skip
    response = client.post(reverse("mailroom:register"), {**data, "attachments": ContentFile(b"MZ", name="x.pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and not MailItem.objects.exists()
    assert "Sélectionnez un choix valide" in html and "ne peut pas être dans le futur" in html
    assert "x.pdf" in html and "fichier accepté" in html


def test_a_probable_duplicate_is_warned_and_registered_once_confirmed(client, clerk, category):
    contact = Contact.objects.create(last_name="Lefort", first_name="Marc", email="marc@example.org")
    services.register(contact=contact, subject="Nid de poule RD 137", channel=Channel.EMAIL,
                      received_on=date(2026, 11, 18), category=category)  # fmt: skip
    url = reverse("mailroom:register")
    data = registration(category, contact=contact.pk)
    response = client.post(url, data)
    assert response.status_code == 200 and "2026-000001" in response.content.decode()
    assert "7 derniers jours" in response.content.decode() and MailItem.objects.count() == 1
    assert client.post(url, {**data, "confirm_duplicate": "on"}).status_code == 302
    assert MailItem.objects.count() == 2 and MailItem.objects.filter(contact=contact).count() == 2


def test_senders_are_found_as_one_types_and_without_javascript(client, clerk, category):
    Contact.objects.create(last_name="Lefort", first_name="Marc", email="marc@example.org", city="Vitré")
    Contact.objects.create(organisation_name="Mairie de Vitré", kind="organisation")
    Contact.objects.create(last_name="Durand")
    fragment = client.get(reverse("mailroom:sender_matches"), {"q": "vitré"}).content.decode()
    assert "Lefort" in fragment and "Mairie de Vitré" in fragment and "Durand" not in fragment
    assert "2 expéditeurs trouvés" in fragment
    page = client.post(reverse("mailroom:register"), {**registration(category), "sender": "lefort", "find": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and "Marc Lefort" in html and 'value="Nid de poule RD 137"' in html
    assert "error-summary" not in html and not MailItem.objects.exists()


def test_phone_and_counter_contacts_are_registered_by_reception(client, clerk, category):
    data = registration(category, channel="phone", phone="06 12 34 56 78", subject="Appel : arbre tombé")
    assert client.post(reverse("mailroom:register"), data).status_code == 302
    item = MailItem.objects.get()
    assert item.channel == Channel.PHONE and item.contact.phone == "+33612345678"


# --- Queue --------------------------------------------------------------------------------------------------------


def _mail(category, subject="Demande", **extra):
    contact = extra.pop("contact", None) or Contact.objects.create(last_name="Martin", first_name="Luc")
    return services.register(contact=contact, subject=subject, channel=Channel.PAPER, category=category, **extra)


def test_the_queue_tabs_count_the_backlog_and_list_it(client, category, instructor):
    today = timezone.localdate()
    late = _mail(category, "Vieille demande", received_on=today - timedelta(days=60))
    soon = _mail(category, "Bientôt", received_on=today - timedelta(days=20))
    soon.due_date, soon.alert_on = today + timedelta(days=1), today - timedelta(days=1)
    soon.save()
    mine = _mail(category, "À moi")
    services.assign(item=mine, assignee=instructor, actor=instructor)
    queue = Queue(instructor)
    assert queue.counts() == {"to_assign": 2, "late": 1, "due_soon": 1, "to_route": 0, "mine": 1}
    assert list(queue.items("late")) == [late] and list(queue.items("due_soon")) == [soon]
    client.force_login(instructor)
    html = client.get(reverse("mailroom:queue"), {"tab": "mine"}).content.decode()
    assert "À moi" in html and "Vieille demande" not in html and "À attribuer (2)" in html


def test_search_by_number_sender_and_words_of_notes(client, category, instructor):
    first = _mail(category, "Busage fossé", contact=Contact.objects.create(last_name="Quéré", first_name="Anne"))
    second = _mail(category, "Élagage des arbres")
    services.add_note(item=second, text="Voir avec l'entreprise Bretagne Élagage", actor=instructor)
    queue = Queue(instructor)
    assert list(queue.items("all", {"q": first.number})) == [first]
    assert list(queue.items("all", {"q": str(int(first.number.split("-")[1]))})) == [first]
    assert list(queue.items("all", {"q": "quéré"})) == [first]
    assert list(queue.items("all", {"q": "entreprise"})) == [second]
    if connection.vendor == "postgresql":  # French stemming: the plural finds the singular
        assert list(queue.items("all", {"q": "fossés"})) == [first]


def test_an_agent_sees_only_the_mail_of_their_services_and_the_mail_office_sees_all(client, category, mail_office):
    item = _mail(category)
    other = agent(role=Role.INSTRUCTOR, service=Service.objects.create(slug="pmi", name="PMI"))
    client.force_login(other)
    assert client.get(reverse("mailroom:item", args=[item.pk])).status_code == 404
    assert "Martin" not in client.get(reverse("mailroom:queue"), {"tab": "all"}).content.decode()
    assert client.get(reverse("mailroom:contact", args=[item.contact.pk])).status_code == 404
    office = agent(role=Role.RECEPTION, service=mail_office)
    assert list(MailItem.objects.for_agent(office)) == [item]
    item.copies.add(other.memberships.get().service)
    assert list(MailItem.objects.for_agent(other)) == [item]


def test_unrouted_mail_waits_in_the_mail_office_and_is_routed_from_the_item(client, clerk, category, roads):
    item = _mail(None, "Sans catégorie")
    assert item.status == MailStatus.REGISTERED and list(Queue(clerk).items("to_route")) == [item]
    url = reverse("mailroom:item", args=[item.pk])
    response = client.post(url, {"action": "forward", "forward-service": roads.pk, "forward-reason": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    client.post(url, {"action": "forward", "forward-service": roads.pk, "forward-reason": "Voirie"})
    item.refresh_from_db()
    assert item.service == roads and item.status == MailStatus.ROUTED


def test_bulk_assignment_and_export_of_the_filtered_list(client, category, instructor, roads):
    items = [_mail(category, f"Demande {n}") for n in range(3)]
    colleague = agent(role=Role.INSTRUCTOR, service=roads)
    client.force_login(instructor)
    response = client.post(reverse("mailroom:bulk"), {"ids": [items[0].pk, items[1].pk], "bulk_action": "assign",
                                                      "assignee": colleague.pk, "back": "tab=to_assign"})  # fmt: skip
    assert response.status_code == 302
    assert MailItem.objects.filter(assignee=colleague).count() == 2
    assert OutboxMessage.objects.filter(template="mailroom/email/assigned", recipient=colleague.email).count() == 2
    outsider = agent(role=Role.INSTRUCTOR, service=Service.objects.create(slug="pmi", name="PMI"))
    client.post(reverse("mailroom:bulk"), {"ids": [items[2].pk], "bulk_action": "assign", "assignee": outsider.pk})
    assert MailItem.objects.get(pk=items[2].pk).assignee is None
    export = client.get(reverse("mailroom:export"), {"tab": "all", "format": "csv", "q": "Demande 1"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Numéro" and [row[5] for row in rows[1:]] == ["Demande 1"]
    assert client.get(reverse("mailroom:export"), {"tab": "all", "format": "ods"}).status_code == 200


def test_a_bad_filter_is_explained_and_never_a_500(client, instructor):
    client.force_login(instructor)
    response = client.get(reverse("mailroom:queue"), {"received_from": "2026-12-01", "received_to": "2026-11-01",
                                                      "page": "abc", "tab": "nope", "sort": "evil"})  # fmt: skip
    assert response.status_code == 200 and "avant la date de début" in response.content.decode()


# --- Item actions, replies, contact page --------------------------------------------------------------------------


def test_an_agent_answers_by_letter_from_a_template_and_closes(client, category, instructor):
    contact = Contact.objects.create(last_name="Lefort", first_name="Marc", address_line="3 rue Haute",
                                     postal_code="35500", city="Vitré")  # fmt: skip
    item = _mail(category, "Nid de poule", contact=contact)
    template = ReplyTemplate.objects.create(name="Intervention programmée",
                                            body="{{ contact_name }},\nVotre courrier {{ number }} du "
                                                 "{{ received_on }} est traité.\n{{ signature }}")  # fmt: skip
    client.force_login(instructor)
    url = reverse("mailroom:item", args=[item.pk])
    client.post(url, {"action": "take"})
    client.post(url, {"action": "note", "note-text": "Appeler le centre d'exploitation"})
    reply_url = reverse("mailroom:reply", args=[item.pk])
    page = client.get(reply_url, {"modele": template.pk}).content.decode()
    assert "Votre courrier {{ number }}" in page and 'value="email"' not in page  # no email: letter only
    bad = client.post(reply_url, {"by": "paper", "text": "Bonjour {{ iban }}"})
    assert "iban" in bad.content.decode() and not item.replies.exists()
    assert client.post(reply_url, {"by": "paper", "text": template.body}).status_code == 302
    outgoing = item.replies.get()
    letter = outgoing.attachments.get()
    assert letter.is_reply and letter.content_type == "application/pdf"
    download = client.get(reverse("mailroom:attachment", args=[outgoing.pk, letter.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.post(url, {"action": "close", "close-reason": ""})
    item.refresh_from_db()
    assert item.status == MailStatus.CLOSED
    kinds = list(item.activity.values_list("kind", flat=True))
    assert kinds[:1] == [ActivityKind.REGISTERED] and ActivityKind.NOTE in kinds and ActivityKind.REPLIED in kinds


def test_closing_without_reply_needs_a_reason_given_next_to_the_field(client, category, instructor):
    item = _mail(category)
    client.force_login(instructor)
    response = client.post(reverse("mailroom:item", args=[item.pk]), {"action": "close", "close-reason": " "})
    assert response.status_code == 200 and "Indiquez la raison de la clôture" in response.content.decode()
    assert MailItem.objects.get(pk=item.pk).status == MailStatus.ROUTED


def test_pausing_and_resuming_from_the_item_page(client, category, instructor):
    item = _mail(category, priority=Priority.URGENT)
    client.force_login(instructor)
    url = reverse("mailroom:item", args=[item.pk])
    client.post(url, {"action": "take"})
    client.post(url, {"action": "wait", "wait-reason": "Plan de situation manquant"})
    assert MailItem.objects.get(pk=item.pk).status == MailStatus.WAITING
    client.post(url, {"action": "resume"})
    assert MailItem.objects.get(pk=item.pk).status == MailStatus.IN_PROGRESS
    response = client.post(url, {"action": "resume"})  # twice: refused with a message, not a 500
    assert response.status_code == 302


def test_the_contact_page_gathers_mail_requests_and_appointments_the_agent_may_see(client, category, instructor):
    from teleprocedures.models import Dossier

    user = UserFactory(email="luc@example.org")
    contact = Contact.objects.create(last_name="Martin", first_name="Luc", email="luc@example.org", user=user)
    item = _mail(category, "Busage", contact=contact)
    client.force_login(instructor)
    html = client.get(reverse("mailroom:contact", args=[contact.pk])).content.decode()
    assert item.number in html and "Busage" in html
    assert Dossier.objects.count() == 0  # (requests and appointments are covered by their own scopes)


def test_a_citizen_downloads_their_reply_letter_and_nobody_else_can(client, category, instructor):
    user = UserFactory()
    contact = Contact.objects.create(last_name="Martin", email=user.email, user=user)
    item = services.register(contact=contact, subject="Question", channel=Channel.WEB, category=category)
    outgoing = services.reply(item=item, text="Réponse", by=Channel.EMAIL, actor=instructor)
    letter = outgoing.attachments.get()
    url = reverse("mailroom:my_attachment", args=[outgoing.pk, letter.pk])
    client.force_login(user)
    assert url in client.get(reverse("mailroom:my_mail")).content.decode()
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_waiting_files_older_than_a_day_are_purged(clerk):
    path = services.keep_uploads([ContentFile(PDF, name="oublie.pdf")], clerk)[0]["path"]
    assert services.purge_kept_uploads() == 0 and default_storage.exists(path)
    assert services.purge_kept_uploads(now=timezone.now() + timedelta(days=2)) >= 1
    assert not default_storage.exists(path)


def test_action_messages_are_in_the_agents_language(client, category, instructor):
    item = _mail(category)
    client.force_login(instructor)
    url = reverse("mailroom:item", args=[item.pk])
    response = client.post(url, {"action": "note", "note-text": "Vu"}, follow=True)
    assert "Votre note est enregistrée." in response.content.decode()
    response = client.post(f"/en{url}", {"action": "take"}, follow=True)
    assert "You are now in charge of it." in response.content.decode()


def test_exporting_a_selection_exports_only_the_selected_items(client, category, instructor):
    items = [_mail(category, f"Demande {n}") for n in range(3)]
    client.force_login(instructor)
    response = client.post(reverse("mailroom:bulk"), {"ids": [items[0].pk, items[2].pk], "bulk_action": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("mailroom:export"))
    export = client.get(response["Location"])
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert sorted(row[5] for row in rows[1:]) == ["Demande 0", "Demande 2"]
