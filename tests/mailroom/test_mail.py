"""Mail registration, deadlines, acknowledgements, replies, digests, ingestion and the public contact form."""

import base64
import io
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mailroom import services
from mailroom.enums import ActivityKind, Channel, MailStatus
from mailroom.ingestion import ingest_directory
from mailroom.models import Contact, MailCategory, MailItem, ReplyTemplate, validate_placeholders
from portal.enums import Role
from portal.models import OutboxMessage, Service
from tests.factories import UserFactory, agent
from tests.teleprocedures.fixtures import PDF_BYTES


pytestmark = pytest.mark.django_db


@pytest.fixture
def roads(db):
    address = "1 avenue de la Préfecture\n35000 Rennes"
    return Service.objects.create(slug="routes", name="Service des routes", email="routes@example.org",
                                  phone="02 99 00 00 00", address=address)  # fmt: skip


@pytest.fixture
def category(roads):
    return MailCategory.objects.create(name={"fr": "Voirie", "en": "Roads"}, service=roads, deadline_days=15,
                                       is_request=True, silence_rule="svr")  # fmt: skip


@pytest.fixture
def contact(db):
    return Contact.objects.create(first_name="Jeanne", last_name="Durand", email="jeanne@example.org",
                                  address_line="3 rue des Lilas", postal_code="35500", city="Vitré")  # fmt: skip


def test_numbers_are_per_year_and_gapless(contact):
    first = services.register(contact=contact, subject="A", channel=Channel.PAPER, received_on=date(2026, 12, 30))
    second = services.register(contact=contact, subject="B", channel=Channel.PAPER, received_on=date(2026, 12, 31))
    third = services.register(contact=contact, subject="C", channel=Channel.PAPER, received_on=date(2027, 1, 4))
    assert [first.number, second.number, third.number] == ["2026-000001", "2026-000002", "2027-000001"]


def test_deadlines_count_working_days_and_urgency_shortens_them(contact, category):
    # Received on Friday 10 July 2026; Tuesday 14 July is a public holiday.
    item = services.register(contact=contact, subject="Nid de poule", channel=Channel.PAPER, category=category,
                             received_on=date(2026, 7, 10))  # fmt: skip
    assert item.due_date == date(2026, 8, 3)  # 15 working days, 14 July skipped
    urgent = services.register(contact=contact, subject="Arbre tombé", channel=Channel.PHONE, category=category,
                               priority="very_urgent", received_on=date(2026, 7, 10))  # fmt: skip
    assert urgent.due_date == date(2026, 7, 17)  # 4 working days: 13, 15, 16, 17 July
    assert item.service == category.service and item.status == MailStatus.ROUTED


def test_a_web_request_gets_the_crpa_acknowledgement_by_email(contact, category):
    item = services.register(contact=contact, subject="Permission de voirie", channel=Channel.WEB,
                             category=category)  # fmt: skip
    message = OutboxMessage.objects.get(recipient="jeanne@example.org")
    assert item.number in message.subject and "Service des routes" in message.body_text
    assert "réputée rejetée" in message.body_text
    from pypdf import PdfReader

    pdf = base64.b64decode(message.attachments[0]["content"])
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "L. 112-3" in text and item.number in text and "02 99 00 00 00" in text
    assert item.activity.filter(kind=ActivityKind.ACKNOWLEDGED).count() == 1


def test_a_receipt_interrupted_after_the_registration_is_sent_once_by_the_periodic_job(contact, category,
                                                                                         monkeypatch):  # fmt: skip
    monkeypatch.setattr(services, "send_due_acknowledgement", lambda item: item)  # the process stops here
    item = services.register(contact=contact, subject="Permis", channel=Channel.WEB, category=category)
    monkeypatch.undo()
    assert not OutboxMessage.objects.exists() and item.acknowledgement_pending
    assert services.send_due_acknowledgements() == 0  # too recent: its own request may still be sending it
    MailItem.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    for _run in range(2):
        call_command("run_periodic_jobs", "--only", "mailroom.jobs.send_due_acknowledgements")
    item.refresh_from_db()
    assert item.acknowledged_at and not item.acknowledgement_pending
    assert OutboxMessage.objects.filter(recipient="jeanne@example.org").count() == 1
    assert item.activity.filter(kind=ActivityKind.ACKNOWLEDGED).count() == 1


def test_a_paper_request_gets_a_printable_acknowledgement_letter(contact, category):
    item = services.register(contact=contact, subject="Demande", channel=Channel.PAPER, category=category)
    assert item.attachments.get().original_name == f"accuse-de-reception-{item.number}.pdf"
    assert not OutboxMessage.objects.exists()


def test_duplicates_are_the_same_sender_and_subject_within_a_week(contact):
    first = services.register(contact=contact, subject="Fossé bouché", channel=Channel.PAPER)
    assert services.possible_duplicates(contact=contact, subject="fossé bouché ", received_on=timezone.localdate())
    assert not services.possible_duplicates(contact=contact, subject="Autre", received_on=timezone.localdate())
    assert not services.possible_duplicates(contact=contact, subject="Fossé bouché",
                                            received_on=first.received_on + timedelta(days=9))  # fmt: skip


def test_waiting_for_the_sender_pushes_the_deadline_back(contact, category):
    from freezegun import freeze_time

    user = agent(role=Role.INSTRUCTOR, service=category.service)
    with freeze_time("2026-03-02 10:00"):
        item = services.register(contact=contact, subject="Demande", channel=Channel.PAPER, category=category)
        due = item.due_date
        services.pause(item=item, actor=user, text="Plan manquant")
    with freeze_time("2026-03-09 10:00"):  # five working days later
        item = services.resume(item=item, actor=user)
    from portal.calendar import add_working_days

    assert item.due_date == add_working_days(due, 5) and item.status == MailStatus.IN_PROGRESS


def test_a_reply_letter_is_a_pdf_kept_as_outgoing_mail_and_sent_by_email(contact, category):
    from pypdf import PdfReader

    item = services.register(contact=contact, subject="Élagage", channel=Channel.EMAIL, category=category)
    instructor = agent(role=Role.INSTRUCTOR, service=category.service, first_name="Paul", last_name="Morel")
    text = (
        "Madame {{ contact_name }},\nVotre courrier n° {{ number }} du {{ received_on }} est traité.\n{{ signature }}"
    )
    outgoing = services.reply(item=item, text=text, by=Channel.EMAIL, actor=instructor)
    item.refresh_from_db()
    assert item.status == MailStatus.ANSWERED and outgoing.in_reply_to == item
    pdf = outgoing.attachments.get().file.read()
    content = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Jeanne Durand" in content and item.number in content and "Paul Morel" in content
    sent = OutboxMessage.objects.filter(template="mailroom/email/reply").get()
    assert "Jeanne Durand" in sent.body_text and "{{" not in sent.body_text
    services.close(item=item, actor=instructor)
    item.refresh_from_db()
    assert item.status == MailStatus.CLOSED


def test_closing_without_a_reply_needs_a_reason(contact, category):
    item = services.register(contact=contact, subject="Info", channel=Channel.PAPER, category=category)
    user = agent(role=Role.INSTRUCTOR, service=category.service)
    with pytest.raises(ValueError, match="raison de la clôture"):
        services.close(item=item, actor=user)
    services.close(item=item, actor=user, reason="Simple information, pas de réponse attendue")


def test_unknown_placeholders_are_refused_with_their_name():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="adresse_mail"):
        validate_placeholders("Bonjour {{ contact_name }}, {{ adresse_mail }}")
    validate_placeholders("Bonjour {{ contact_name }}")
    template = ReplyTemplate(name="T", body="{{ nope }}")
    with pytest.raises(ValidationError):
        template.full_clean()


def test_digest_to_assignees_and_escalation_to_managers_once(contact, category):
    manager = agent(role=Role.MANAGER, service=category.service)
    instructor = agent(role=Role.INSTRUCTOR, service=category.service)
    late = services.register(contact=contact, subject="Ancien", channel=Channel.PAPER, category=category,
                             received_on=timezone.localdate() - timedelta(days=60))  # fmt: skip
    services.assign(item=late, assignee=instructor, actor=manager)
    assert services.send_deadline_digest() == {"digests": 1, "escalated": 1}
    assert OutboxMessage.objects.filter(template="mailroom/email/escalation", recipient=manager.email).count() == 1
    assert services.send_deadline_digest()["escalated"] == 0


def test_an_agent_of_another_service_gets_a_404(client, contact, category):
    item = services.register(contact=contact, subject="Demande", channel=Channel.PAPER, category=category)
    client.force_login(agent(role=Role.INSTRUCTOR, service=category.service))
    assert client.get(reverse("mailroom:item", args=[item.pk])).status_code == 200
    other = Service.objects.create(slug="pmi", name="PMI")
    client.force_login(agent(role=Role.INSTRUCTOR, service=other))
    assert client.get(reverse("mailroom:item", args=[item.pk])).status_code == 404


EML = b"""From: Marc Lefort <marc@example.org>
To: courrier@ille-et-vilaine.example
Subject: Demande de busage
Date: Mon, 02 Mar 2026 09:15:00 +0100
Message-ID: <abc123@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/plain; charset=utf-8

Bonjour, je souhaite busser le fosse devant ma parcelle.
--XX
Content-Type: application/pdf; name="plan.pdf"
Content-Disposition: attachment; filename="plan.pdf"
Content-Transfer-Encoding: base64

@PDF@
--XX
Content-Type: application/x-msdownload; name="virus.exe"
Content-Disposition: attachment; filename="virus.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA
--XX--
""".replace(b"@PDF@", base64.encodebytes(PDF_BYTES).strip())


def test_eml_files_become_mail_once_and_broken_ones_are_set_aside(tmp_path, category):
    (tmp_path / "1.eml").write_bytes(EML)
    (tmp_path / "2.eml").write_bytes(EML)  # the same message twice
    (tmp_path / "3.eml").write_bytes(b"\x00\x01 not an email")
    report = ingest_directory(tmp_path, category=category)
    assert report == {"registered": 1, "already": 1, "errors": 1}
    item = MailItem.objects.get()
    assert (item.channel, item.subject, item.contact.email) == (Channel.EMAIL, "Demande de busage", "marc@example.org")
    assert item.received_on == date(2026, 3, 2) and "busser" in item.body
    assert [a.original_name for a in item.attachments.all()] == ["plan.pdf"]
    assert "virus.exe" in item.activity.get(kind=ActivityKind.NOTE).text
    assert (tmp_path / "errors" / "3.eml").exists() and (tmp_path / "errors" / "3.eml.reason.txt").exists()
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["1.eml", "2.eml"]
    receipt = OutboxMessage.objects.get(recipient="marc@example.org")
    assert item.number in receipt.subject
    call_command("ingest_mail", str(tmp_path), stdout=io.StringIO())  # nothing left: nothing happens
    assert MailItem.objects.count() == 1


def test_a_citizen_writes_and_sees_the_reply_in_my_space(client, category):
    user = UserFactory(first_name="Jeanne", last_name="Durand")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    client.force_login(user)
    url = reverse("mailroom:write")
    data = {"first_name": "Jeanne", "last_name": "Durand", "email": user.email, "category": category.pk}
    bad = client.post(url, {**data, "subject": "Route", "body": "Texte",
                            "attachment": ContentFile(b"MZ..", name="x.pdf")})  # fmt: skip
    assert bad.status_code == 200 and "n’est pas un fichier accepté" in bad.content.decode()
    response = client.post(url, {**data, "subject": "Route abîmée", "body": "La route est abîmée."})
    assert response.status_code == 302
    item = MailItem.objects.get()
    assert item.contact.user == user and item.channel == Channel.WEB
    services.reply(item=item, text="Nous intervenons la semaine prochaine.", by=Channel.EMAIL,
                   actor=agent(role=Role.INSTRUCTOR, service=category.service))  # fmt: skip
    html = client.get(reverse("mailroom:my_mail")).content.decode()
    assert "Route abîmée" in html and "Nous intervenons la semaine prochaine." in html
    client.force_login(UserFactory())
    assert "Route abîmée" not in client.get(reverse("mailroom:my_mail")).content.decode()


class FakeMailbox:
    """Stands for imaplib.IMAP4_SSL: a mailbox of three unread messages, one of them unreadable."""

    messages = {}
    flags = {}

    def __init__(self, host, port):
        self.host, self.port = host, port

    def login(self, user, password):
        assert (user, password) == ("courrier", "secret")

    def select(self, folder):
        return "OK", [b"3"]

    def uid(self, command, *args):
        if command == "SEARCH":
            unread = [uid for uid in self.messages if not self.flags.get(uid)]
            return "OK", [b" ".join(unread)]
        if command == "FETCH":
            return "OK", [(b"1 (UID 1 BODY[] {100}", self.messages[args[0]]), b")"]
        if command == "STORE":
            self.flags.setdefault(args[0], set()).add(args[2])
        return "OK", [b""]

    def expunge(self):
        return "OK", [b""]

    def logout(self):
        return "BYE", [b""]


def test_an_imap_mailbox_is_read_each_message_once_and_broken_ones_are_kept(monkeypatch, tmp_path, category):
    import imaplib

    from mailroom.ingestion import ingest_imap

    FakeMailbox.messages = {b"1": EML, b"2": b"\x00 garbage", b"3": EML.replace(b"abc123", b"def456")}
    FakeMailbox.flags = {}
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeMailbox)
    config = {"host": "imap.example.org", "user": "courrier", "password": "secret", "folder": "INBOX", "ssl": True}
    report = ingest_imap(config, category=category, error_dir=tmp_path)
    assert report == {"registered": 2, "already": 0, "errors": 1}
    assert MailItem.objects.filter(channel=Channel.EMAIL).count() == 2
    assert FakeMailbox.flags == {b"1": {"(\\Seen)"}, b"2": {"(\\Flagged)"}, b"3": {"(\\Seen)"}}
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert len(kept) == 2 and kept[0].endswith(".eml") and kept[1].endswith(".reason.txt")
    assert ingest_imap(config, category=category, error_dir=tmp_path) == {"registered": 0, "already": 0, "errors": 0}
