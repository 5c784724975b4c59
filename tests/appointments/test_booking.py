import base64
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from appointments import services
from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from appointments.slots import free_slots
from portal.models import OutboxMessage
from tests.appointments.fixtures import schedule


PERSON = {"first_name": "Yasmine", "last_name": "Benali", "email": "parent@example.org", "phone": "+33612345678"}


def next_monday():
    """Return the next Monday that is not a public holiday (Easter and Whit Mondays close the centres)."""
    from portal.calendar import is_working_day

    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    while not is_working_day(monday):
        monday += timedelta(days=7)
    return monday


def first_slot(motif, day=None):
    day = day or next_monday()
    return free_slots(motif=motif, start_date=day, end_date=day)[0]


@pytest.mark.django_db
def test_booking_confirms_by_email_with_a_valid_ics_and_a_signed_link(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    slot = first_slot(motif)
    appointment = services.book_appointment(motif=motif, site=cdas, starts_at=slot.starts_at, person=PERSON)

    assert (appointment.agent, appointment.status) == (nurse, AppointmentStatus.BOOKED)
    message = OutboxMessage.objects.get(recipient="parent@example.org")
    link = message.body_text.split("/rendez-vous/gerer/")[1].split("/")[0]
    assert services.appointment_from_token(link) == appointment
    assert "d'Ille-et-Vilaine" in message.body_text  # plain text, not HTML-escaped
    [attachment] = message.attachments
    event = Calendar.from_ical(base64.b64decode(attachment["content"])).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.starts_at and event.decoded("dtend") == slot.ends_at
    assert "CDAS de Vitré" in str(event["location"])
    assert services.appointment_from_token(services.manage_token(appointment)) == appointment
    assert services.appointment_from_token(services.manage_token(appointment) + "x") is None


@pytest.mark.django_db
def test_a_taken_slot_is_refused_with_the_next_free_ones(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    slot = first_slot(motif)
    services.book_appointment(motif=motif, site=cdas, starts_at=slot.starts_at, person=PERSON)
    with pytest.raises(services.SlotUnavailable) as refused:
        services.book_appointment(motif=motif, site=cdas, starts_at=slot.starts_at, person=PERSON)
    assert refused.value.alternatives and refused.value.alternatives[0].starts_at == slot.starts_at + timedelta(
        minutes=30
    )
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_a_booking_outside_the_motifs_delays_is_refused(motif, nurse, cdas):
    motif.max_delay_days = 3
    motif.save()
    schedule(nurse, cdas, motif)
    far = timezone.localdate() + timedelta(days=30)
    far += timedelta(days=(7 - far.weekday()) % 7)
    from tests.appointments.fixtures import at

    with pytest.raises(services.SlotUnavailable):
        services.book_appointment(motif=motif, site=cdas, starts_at=at(far, 9), person=PERSON)


@pytest.mark.django_db
def test_cancelling_too_late_is_refused_and_in_time_frees_the_slot(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    slot = first_slot(motif)
    appointment = services.book_appointment(motif=motif, site=cdas, starts_at=slot.starts_at, person=PERSON)
    soon = timezone.now() + timedelta(hours=2)
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=soon, ends_at=soon + timedelta(minutes=30))
    appointment.refresh_from_db()
    with pytest.raises(services.SlotUnavailable, match="ne peut plus être annulé"):
        services.cancel_appointment(appointment=appointment, by_person=True)

    other = services.book_appointment(motif=motif, site=cdas, starts_at=first_slot(motif).starts_at, person=PERSON)
    services.cancel_appointment(appointment=other, by_person=True)
    other.refresh_from_db()
    assert other.status == AppointmentStatus.EXCUSED
    assert OutboxMessage.objects.filter(recipient=nurse.email, template__endswith="agent_cancelled").exists()
    assert first_slot(motif).starts_at == other.starts_at  # free again


@pytest.mark.django_db
def test_moving_books_the_new_time_then_frees_the_old_one(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    slots = free_slots(motif=motif, start_date=next_monday(), end_date=next_monday())
    first = services.book_appointment(motif=motif, site=cdas, starts_at=slots[0].starts_at, person=PERSON)
    moved = services.move_appointment(appointment=first, starts_at=slots[3].starts_at, site=cdas)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.EXCUSED and moved.status == AppointmentStatus.BOOKED
    assert moved.starts_at == slots[3].starts_at and moved.email == PERSON["email"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_the_same_slots_give_one_appointment_per_slot(motif, nurse, cdas):
    """4 workers × 50 attempts on 5 slots, each worker with its own database connection."""
    if connection.vendor != "postgresql":
        pytest.skip("the race test needs PostgreSQL")
    schedule(nurse, cdas, motif)
    targets = [
        slot.starts_at for slot in free_slots(motif=motif, start_date=next_monday(), end_date=next_monday())[:5]
    ]
    outcomes = {"booked": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def worker(index):
        from django.db import connections

        barrier.wait()
        try:
            for attempt in range(50):
                starts_at = targets[(index + attempt) % len(targets)]
                try:
                    services.book_appointment(motif=motif, site=cdas, starts_at=starts_at,
                                              person={**PERSON, "first_name": f"P{index}-{attempt}"})  # fmt: skip
                    key = "booked"
                except services.SlotUnavailable:
                    key = "refused"
                with lock:
                    outcomes[key] += 1
        except Exception as error:  # noqa: BLE001
            with lock:
                outcomes["errors"].append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes["errors"] == []
    assert outcomes["booked"] == 5 and outcomes["refused"] == 195
    booked = Appointment.objects.active().filter(agent=nurse)
    assert sorted(booked.values_list("starts_at", flat=True)) == sorted(targets)


@pytest.mark.django_db
def test_the_database_itself_refuses_a_double_booking(motif, nurse, cdas):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL")
    from django.db import IntegrityError, transaction

    start = timezone.now() + timedelta(days=3)
    half_hour = timedelta(minutes=30)
    Appointment.objects.create(motif=motif, site=cdas, agent=nurse, starts_at=start, ends_at=start + half_hour,
                               first_name="A", last_name="B")  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(motif=motif, site=cdas, agent=nurse, starts_at=start + timedelta(minutes=10),
                                   ends_at=start + timedelta(minutes=40), first_name="C", last_name="D")  # fmt: skip
    Appointment.objects.create(motif=motif, site=cdas, agent=nurse, starts_at=start + timedelta(minutes=30),
                               ends_at=start + timedelta(minutes=60), first_name="E", last_name="F")  # fmt: skip
