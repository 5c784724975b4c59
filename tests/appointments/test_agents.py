from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.enums import AppointmentStatus, BookedVia
from appointments.models import Appointment
from portal.enums import Role
from portal.models import OutboxMessage
from tests.appointments.fixtures import schedule
from tests.factories import SiteFactory, UserFactory, agent


pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(pmi, cdas):
    return agent(role=Role.SECRETARY, service=pmi, site=cdas)


def make(motif, nurse, site, *, hours=24, **fields):
    start = timezone.now() + timedelta(hours=hours)
    fields = {"first_name": "Lina", "last_name": "Moreau", **fields}
    return Appointment.objects.create(motif=motif, site=site, agent=nurse, starts_at=start,
                                      ends_at=start + timedelta(minutes=30), **fields)  # fmt: skip


def test_reminders_go_48_hours_before_and_only_once(motif, nurse, cdas):
    soon = make(motif, nurse, cdas, hours=30, email="lina@example.org", phone="+33612345678")
    make(motif, nurse, cdas, hours=72, email="later@example.org")
    make(motif, nurse, cdas, hours=20, email="gone@example.org", status=AppointmentStatus.EXCUSED)

    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    reminders = OutboxMessage.objects.filter(template__contains="appointment_reminder")
    assert {(m.channel, m.recipient) for m in reminders} == {("email", "lina@example.org"), ("sms", "+33612345678")}
    assert "Rappel" in reminders.get(channel="sms").body_text


def test_a_secretary_sees_only_her_sites_and_checks_people_in(client, motif, nurse, cdas, secretary):
    here = make(motif, nurse, cdas, hours=1)
    elsewhere_site = SiteFactory(name="CDAS de Redon")
    elsewhere = make(motif, agent(service=motif.service, site=elsewhere_site), elsewhere_site, hours=2)
    client.force_login(secretary)
    day = timezone.localdate(here.starts_at).isoformat()

    html = client.get(reverse("appointments:agent_day"), {"site": cdas.pk, "jour": day}).content.decode()
    assert "Lina Moreau" in html
    assert elsewhere not in Appointment.objects.for_agent(secretary)
    assert (
        client.post(reverse("appointments:agent_status", args=[elsewhere.pk]), {"status": "arrived"}).status_code
        == 404
    )

    client.post(reverse("appointments:agent_status", args=[here.pk]), {"status": "arrived"})
    client.post(reverse("appointments:agent_status", args=[here.pk]), {"status": "seen"})
    here.refresh_from_db()
    assert here.status == AppointmentStatus.SEEN
    response = client.post(reverse("appointments:agent_status", args=[here.pk]), {"status": "no_show"}, follow=True)
    assert "n’est pas possible" in response.content.decode()


def test_a_citizen_cannot_open_the_agents_screens(client, motif):
    client.force_login(UserFactory())
    assert client.get(reverse("appointments:agent_day")).status_code == 403
    assert client.get(reverse("appointments:agent_book")).status_code == 403


def test_a_secretary_books_an_agents_only_motif_for_a_caller(client, motif, nurse, cdas, secretary):
    motif.bookable_by = "agents"
    motif.save()
    schedule(nurse, cdas, motif, weekdays=range(7))
    client.force_login(secretary)
    start = timezone.localdate() + timedelta(days=1)
    html = client.get(reverse("appointments:agent_book"), {"motif": motif.pk, "site": cdas.pk,
                                                           "jour": start.isoformat()}).content.decode()  # fmt: skip
    link = next(part for part in html.split('href="')[1:] if part.startswith("/agent/rendez-vous/reserver/confirmer/"))
    url = link.split('"')[0].replace("&amp;", "&")
    response = client.post(url, {"first_name": "Jean", "last_name": "Dupont", "phone": "06 12 34 56 78"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.booked_via, appointment.booked_by, appointment.agent) == (BookedVia.AGENT, secretary, nurse)


def test_the_convocation_letter_is_a_pdf_naming_the_time_and_place(client, motif, nurse, cdas, secretary):
    import io

    from pypdf import PdfReader

    appointment = make(motif, nurse, cdas, hours=72)
    client.force_login(secretary)
    response = client.get(reverse("appointments:agent_convocation", args=[appointment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Convocation" in text and "Lina Moreau" in text and "CDAS de Vitré" in text
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") in text
    client.force_login(UserFactory())
    assert client.get(reverse("appointments:agent_convocation", args=[appointment.pk])).status_code == 403


def test_malformed_agent_parameters_never_give_a_500(client, motif, secretary):
    client.force_login(secretary)
    assert client.get(reverse("appointments:agent_day"), {"jour": "2026-02-31", "site": "x"}).status_code == 200
    url = reverse("appointments:agent_book_confirm")
    assert client.get(url, {"motif": "abc", "site": "1", "agent": "1", "debut": "x"}).status_code == 404


def test_the_week_view_lists_each_days_appointments_of_the_site(client, motif, nurse, cdas, secretary):
    here = make(motif, nurse, cdas, hours=26, first_name="Inès")
    elsewhere_site = SiteFactory(name="CDAS de Redon")
    make(motif, agent(service=motif.service, site=elsewhere_site), elsewhere_site, hours=26, first_name="Caché")
    client.force_login(secretary)
    day = timezone.localdate(here.starts_at)
    response = client.get(reverse("appointments:agent_week"), {"site": cdas.pk, "jour": day.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200 and "Inès Moreau" in html and "Caché" not in html
    assert timezone.localtime(here.starts_at).strftime("%H:%M") in html
    html = client.get(reverse("appointments:agent_week"), {"site": cdas.pk, "agent": "x", "jour": "nope"}).content
    assert b"Semaine du" in html


def test_a_secretary_finds_a_caller_by_name_phone_or_email(client, motif, nurse, cdas, secretary):
    make(motif, nurse, cdas, hours=-400, first_name="Inès", last_name="Garnier", email="ines@example.org",
         phone="+33611111111")  # fmt: skip
    account = UserFactory(first_name="Paul", last_name="Lemoine", email="paul@example.org", phone="+33622222222")
    elsewhere_site = SiteFactory(name="CDAS de Redon")
    make(motif, agent(service=motif.service, site=elsewhere_site), elsewhere_site, first_name="Caché",
         last_name="Garnier")  # fmt: skip
    client.force_login(secretary)
    schedule(nurse, cdas, motif, weekdays=range(7))
    slot = free_slots_for(motif)
    base = {"motif": motif.pk, "site": cdas.pk, "agent": nurse.pk, "debut": slot.starts_at.isoformat()}
    url = reverse("appointments:agent_book_confirm")

    html = client.get(url, {**base, "q": "garnier"}).content.decode()
    assert "Inès Garnier" in html and "Caché" not in html  # only people of her own sites
    assert "Paul Lemoine" not in client.get(url, {**base, "q": "Lemoine"}).content.decode()  # accounts: not by name
    html = client.get(url, {**base, "q": "06 22 22 22 22"}).content.decode()
    assert "Paul Lemoine" in html
    html = client.get(url, {**base, "q": "06 22 22 22 22", "personne": f"u{account.pk}"}).content.decode()
    assert 'value="paul@example.org"' in html
    # A key alone, without the search that found it, fills nothing in.
    html = client.get(url, {**base, "q": "garnier", "personne": f"u{account.pk}"}).content.decode()
    assert 'value="paul@example.org"' not in html


def free_slots_for(motif):
    from appointments.slots import free_slots

    day = timezone.localdate() + timedelta(days=2)
    return free_slots(motif=motif, start_date=day, end_date=day + timedelta(days=7))[0]
