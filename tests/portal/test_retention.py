"""Retention purges on time-travelled data: what passed its period goes (or loses who it was about), nothing else.
(Requests and drafts: tests/teleprocedures/test_workflow.py; accounts: tests/portal/test_spaces.py.)"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from appointments.models import Appointment, Invitation
from appointments.services import anonymise_past_retention
from mailroom import services as mailroom
from mailroom.enums import Channel, MailStatus
from mailroom.models import Contact, MailAttachment, MailItem
from portal import services
from portal.models import AuditEvent, ExportJob, OutboxMessage
from tests.appointments.fixtures import at
from tests.factories import UserFactory
from tests.teleprocedures.fixtures import PDF_BYTES


pytestmark = pytest.mark.django_db
YEAR = timedelta(days=365)


def test_mail_closed_longer_than_its_retention_goes_with_its_files_and_lonely_contacts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old_contact = Contact.objects.create(last_name="Ancien")
    kept_contact = Contact.objects.create(last_name="Récent")
    old = mailroom.register(contact=old_contact, subject="Vieux", channel=Channel.PAPER, acknowledge=False)
    recent = mailroom.register(contact=kept_contact, subject="Récent", channel=Channel.PAPER, acknowledge=False)
    still_open = mailroom.register(contact=kept_contact, subject="Ouvert", channel=Channel.PAPER, acknowledge=False)
    attachment = MailAttachment(item=old, original_name="scan.pdf", content_type="application/pdf", size=1)
    attachment.file.save("scan.pdf", ContentFile(PDF_BYTES))
    path = attachment.file.path
    long_ago = timezone.now() - (settings.MAIL_RETENTION_YEARS * YEAR + timedelta(days=2))
    MailItem.objects.filter(pk=old.pk).update(status=MailStatus.CLOSED, closed_at=long_ago)
    MailItem.objects.filter(pk=recent.pk).update(status=MailStatus.CLOSED, closed_at=timezone.now() - YEAR)
    MailItem.objects.filter(pk=still_open.pk).update(created_at=long_ago)

    assert mailroom.purge_past_retention() == 1
    assert set(MailItem.objects.values_list("subject", flat=True)) == {"Récent", "Ouvert"}
    assert not Contact.objects.filter(pk=old_contact.pk).exists() and Contact.objects.filter(pk=kept_contact.pk)
    assert not (tmp_path / path).exists()
    assert mailroom.purge_past_retention() == 0


def test_people_in_appointments_past_retention_are_forgotten_and_the_appointments_stay(settings, motif, nurse, cdas):
    person = UserFactory()
    long_ago = timezone.localdate() - timedelta(days=30 * settings.APPOINTMENT_RETENTION_MONTHS + 10)
    recent_day = timezone.localdate() - timedelta(days=30)

    def book(day):
        return Appointment.objects.create(motif=motif, site=cdas, agent=nurse, user=person, starts_at=at(day, 9),
                                          ends_at=at(day, 9, 30), first_name="Yasmine", last_name="Benali",
                                          email=person.email, phone="+33612345678", status="seen")  # fmt: skip

    old, recent = book(long_ago), book(recent_day)
    Invitation.objects.create(motif=motif, token="a" * 32, first_name="Paul", last_name="Durand", reference="RSA-1",
                              expires_at=at(long_ago, 12))  # fmt: skip

    assert anonymise_past_retention() == {"appointments": 1, "invitations": 1}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.first_name, old.last_name, old.email, old.phone, old.user) == ("", "", "", "", None)
    assert old.status == "seen" and old.motif == motif  # still counted by the indicators
    assert recent.last_name == "Benali" and recent.user == person
    assert Invitation.objects.get().reference == ""
    assert anonymise_past_retention() == {"appointments": 0, "invitations": 0}


def test_old_notifications_audit_entries_and_exports_are_purged(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = UserFactory()
    old_time = timezone.now() - YEAR - timedelta(days=1)
    old = OutboxMessage.objects.create(channel="email", recipient=person.email, subject="Votre demande",
                                       body_text="Bonjour Yasmine", user=person, status="sent")  # fmt: skip
    new = OutboxMessage.objects.create(channel="email", recipient=person.email, subject="Hier", body_text="Texte")
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=old_time)
    services.log_event(actor=person, action="old", obj=person)
    services.log_event(actor=person, action="new", obj=person)
    AuditEvent.objects.filter(action="old").update(created_at=old_time)
    job = ExportJob(user=person, kind="dossiers", format="csv", status=ExportJob.Status.DONE)
    job.file.save("export.csv", ContentFile(b"x"))
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = ExportJob.objects.create(user=person, kind="dossiers", format="csv")

    counts = services.purge_past_retention()

    assert counts == {"notifications": 1, "audit_entries": 1, "exports": 1}
    old.refresh_from_db()
    assert (old.recipient, old.body_text, old.status) == ("", "", "sent")
    assert OutboxMessage.objects.get(pk=new.pk).body_text == "Texte"
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["new"]
    assert list(ExportJob.objects.all()) == [fresh] and not (tmp_path / job.file.name).exists()
    assert services.purge_past_retention() == {"notifications": 0, "audit_entries": 0, "exports": 0}
