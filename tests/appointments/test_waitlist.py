from datetime import timedelta

import pytest
from django.urls import reverse

from appointments import services
from appointments.enums import AppointmentStatus
from appointments.models import Appointment, WaitlistEntry
from appointments.slots import free_slots
from portal.models import OutboxMessage
from tests.appointments.fixtures import schedule
from tests.appointments.test_booking import next_monday


pytestmark = pytest.mark.django_db


def person(name):
    return {"first_name": name, "last_name": "Test", "email": f"{name.lower()}@example.org"}


def test_a_freed_earlier_time_is_offered_to_the_first_waiting_person_who_can_take_it(
    client, motif, nurse, cdas, django_capture_on_commit_callbacks
):
    schedule(nurse, cdas, motif)
    monday = next_monday()
    early = free_slots(motif=motif, start_date=monday, end_date=monday)[0]
    later_day = monday + timedelta(days=7)
    later = free_slots(motif=motif, start_date=later_day, end_date=later_day)
    taken = services.book_appointment(motif=motif, site=cdas, starts_at=early.starts_at, person=person("Anna"))
    first = services.book_appointment(motif=motif, site=cdas, starts_at=later[0].starts_at, person=person("Lina"))
    second = services.book_appointment(motif=motif, site=cdas, starts_at=later[1].starts_at, person=person("Marc"))
    client.post(reverse("appointments:waitlist", args=[services.manage_token(first)]))
    client.post(reverse("appointments:waitlist", args=[services.manage_token(second)]))
    assert WaitlistEntry.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=taken, by_person=True)

    offer = OutboxMessage.objects.get(template="appointments/email/earlier_time")
    assert offer.recipient == "lina@example.org"  # the first on the list
    link = offer.body_text.split("/rendez-vous/gerer/")[1].split()[0]
    response = client.post("/rendez-vous/gerer/" + link)
    assert response.status_code == 302
    moved = Appointment.objects.get(email="lina@example.org", status=AppointmentStatus.BOOKED)
    assert moved.starts_at == early.starts_at
    assert not WaitlistEntry.objects.filter(appointment=first).exists()
    # The same link a second time: the time is gone, the person is told and keeps nothing worse.
    response = client.post("/rendez-vous/gerer/" + link, follow=True)
    assert "n’est plus disponible" in response.content.decode() or "ne peut plus" in response.content.decode()


def test_leaving_the_waiting_list(client, motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    slot = free_slots(motif=motif, start_date=next_monday(), end_date=next_monday())[0]
    appointment = services.book_appointment(motif=motif, site=cdas, starts_at=slot.starts_at, person=person("Lina"))
    token = services.manage_token(appointment)
    client.post(reverse("appointments:waitlist", args=[token]))
    page = client.get(reverse("appointments:manage", args=[token])).content.decode()
    assert "Quitter la liste d’attente" in page
    client.post(reverse("appointments:waitlist", args=[token]), {"leave": "1"})
    assert not WaitlistEntry.objects.exists()
