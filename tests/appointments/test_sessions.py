"""Collective sessions: seats, participant list, cancelling a session, and the agent's time they hold."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.enums import AppointmentStatus, BookedVia
from appointments.models import Appointment, CollectiveSession, Motif
from appointments.slots import free_slots
from portal.enums import Role
from portal.models import OutboxMessage
from tests.appointments.fixtures import at, schedule
from tests.factories import SiteFactory, agent


pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(pmi):
    return Motif.objects.create(service=pmi, name={"fr": "Atelier massage bébé", "en": "Baby massage workshop"},
                                duration_minutes=90, is_collective=True, seats=2, min_delay_minutes=0)  # fmt: skip


@pytest.fixture
def session(workshop, nurse, cdas):
    starts_at = timezone.localtime(timezone.now() + timedelta(days=3)).replace(hour=14, minute=0, second=0,
                                                                               microsecond=0)  # fmt: skip
    return services.create_session(motif=workshop, site=cdas, agent=nurse, starts_at=starts_at)


def person(name, email=None):
    return {"first_name": name, "last_name": "Martin", "email": email or f"{name.lower()}@example.org", "phone": ""}


def test_seats_are_limited_and_a_person_cannot_take_two(session):
    assert session.seats == 2 and session.ends_at - session.starts_at == timedelta(minutes=90)
    services.book_seat(session=session, person=person("Anna"))
    with pytest.raises(services.SlotUnavailable, match="déjà une place"):
        services.book_seat(session=session, person=person("anna", "ANNA@example.org"))
    services.book_seat(session=session, person=person("Brice"))
    with pytest.raises(services.SlotUnavailable, match="complète"):
        services.book_seat(session=session, person=person("Chloé"))
    assert session.participants.count() == 2
    [opened] = services.open_sessions(motif=session.motif)
    assert opened.free_seats == 0
    assert services.open_sessions(motif=session.motif, with_seats_left=True) == []  # a full one is not offered


def test_a_cancelled_seat_frees_it_for_someone_else(session):
    anna = services.book_seat(session=session, person=person("Anna"))
    services.book_seat(session=session, person=person("Brice"))
    services.cancel_appointment(appointment=anna, by_person=True)
    services.book_seat(session=session, person=person("Chloé"))
    assert set(session.participants.filter(status="booked").values_list("first_name", flat=True)) == {"Brice", "Chloé"}


def test_a_session_holds_the_agents_time_for_individual_slots(session, motif, nurse, cdas):
    schedule(nurse, cdas, motif, weekdays=range(7), start=at(timezone.localdate(), 13).time(),
             end=at(timezone.localdate(), 17).time())  # fmt: skip
    day = timezone.localdate(session.starts_at)
    starts = {timezone.localtime(slot.starts_at).strftime("%H:%M") for slot in
              free_slots(motif=motif, start_date=day, end_date=day)}  # fmt: skip
    assert starts == {"13:00", "13:30", "15:30", "16:00", "16:30"}
    # Its participants share the session's time: the database accepts them side by side.
    services.book_seat(session=session, person=person("Anna"))
    services.book_seat(session=session, person=person("Brice"))
    with pytest.raises(services.SlotUnavailable, match="pas disponible"):
        services.create_session(motif=session.motif, site=cdas, agent=nurse,
                                starts_at=session.starts_at + timedelta(minutes=30))  # fmt: skip


def test_cancelling_a_session_cancels_and_tells_every_participant(session, nurse):
    services.book_seat(session=session, person=person("Anna"))
    services.book_seat(session=session, person={**person("Brice"), "email": "", "phone": "+33612345678"})
    services.cancel_session(session=session, reason="Animatrice malade", actor=nurse)
    assert set(session.participants.values_list("status", flat=True)) == {AppointmentStatus.CANCELLED}
    assert OutboxMessage.objects.filter(template__endswith="appointment_cancelled", recipient="anna@example.org")
    sms = OutboxMessage.objects.get(channel="sms", template__endswith="appointment_cancelled")
    assert "Animatrice malade" in sms.body_text and sms.recipient == "+33612345678"
    assert services.open_sessions(motif=session.motif) == []
    with pytest.raises(services.SlotUnavailable):
        services.book_seat(session=session, person=person("Chloé"))


def test_a_parent_books_a_seat_from_the_public_pages(client, session, cdas):
    search = reverse("appointments:search", args=[session.motif_id])
    html = client.get(search, {"site": cdas.pk}).content.decode()
    assert "2 places restantes" in html and f"seance={session.pk}" in html
    book = reverse("appointments:book", args=[session.motif_id]) + f"?seance={session.pk}"
    response = client.post(book, {"first_name": "Anna", "last_name": "Martin", "email": "anna@example.org"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.session == session and appointment.starts_at == session.starts_at
    assert "1 place restante" in client.get(search, {"site": cdas.pk}).content.decode()
    assert client.get(reverse("appointments:book", args=[session.motif_id]) + "?seance=x").status_code == 404


def test_a_participant_moves_to_another_session_through_the_signed_link(client, session, workshop, nurse, cdas):
    later = services.create_session(motif=workshop, site=cdas, agent=nurse, starts_at=session.starts_at + timedelta(
        days=7))  # fmt: skip
    anna = services.book_seat(session=session, person=person("Anna"))
    token = services.manage_token(anna)
    response = client.post(reverse("appointments:move", args=[token]) + f"?seance={later.pk}")
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.status == AppointmentStatus.EXCUSED
    assert later.participants.get().first_name == "Anna"


def test_agents_open_sessions_see_participants_and_book_seats(client, workshop, nurse, cdas, pmi):
    secretary = agent(role=Role.SECRETARY, service=pmi, site=cdas)
    client.force_login(secretary)
    day = timezone.localdate() + timedelta(days=5)
    response = client.post(reverse("appointments:agent_sessions"), {
        "motif": workshop.pk, "site": cdas.pk, "agent": nurse.pk, "day": day.isoformat(), "start": "10:00",
        "seats": "",
    })  # fmt: skip
    session = CollectiveSession.objects.get()
    assert response.status_code == 302 and session.seats == 2
    # The same agent at the same time again: a clear message next to the time, nothing typed is lost.
    response = client.post(reverse("appointments:agent_sessions"), {
        "motif": workshop.pk, "site": cdas.pk, "agent": nurse.pk, "day": day.isoformat(), "start": "10:30",
        "seats": "5",
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "pas disponible" in html and 'value="5"' in html

    url = reverse("appointments:agent_session", args=[session.pk])
    response = client.post(url, {"seat-first_name": "Jean", "seat-last_name": "Dupont",
                                 "seat-phone": "06 12 34 56 78"})  # fmt: skip
    assert response.status_code == 302
    seat = session.participants.get()
    assert (seat.booked_via, seat.booked_by, seat.phone) == (BookedVia.AGENT, secretary, "+33612345678")
    html = client.get(url).content.decode()
    assert "Dupont Jean" in html and "1 / 2" in html
    client.post(reverse("appointments:agent_status", args=[seat.pk]), {"status": "arrived"})
    seat.refresh_from_db()
    assert seat.status == AppointmentStatus.ARRIVED

    # A secretary of another site sees neither the session nor its participants.
    other = agent(role=Role.SECRETARY, service=pmi, site=SiteFactory(name="CDAS de Redon"))
    client.force_login(other)
    assert client.get(url).status_code == 404
    listing = client.get(reverse("appointments:agent_sessions")).content.decode()
    assert url not in listing and "Dupont Jean" not in listing  # (an agent may be called Dupont: Faker names)


def test_agents_cancel_a_session_with_a_reason(client, session, pmi, cdas):
    services.book_seat(session=session, person=person("Anna"))
    client.force_login(agent(role=Role.SECRETARY, service=pmi, site=cdas))
    url = reverse("appointments:agent_session", args=[session.pk])
    response = client.post(url, {"cancel-reason": ""})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    client.post(url, {"cancel-reason": "Salle indisponible"})
    session.refresh_from_db()
    assert session.cancelled_at and session.participants.get().status == AppointmentStatus.CANCELLED
