import base64
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


def _race_worker(index, url, site_pk, targets, barrier, results):
    """One process of the race: 50 bookings through the public page, each answer sorted into a bucket."""
    from django.test import Client

    outcomes = {"booked": 0, "refused": 0, "errors": []}
    client = Client(raise_request_exception=False)
    barrier.wait()
    for attempt in range(50):
        starts_at = targets[(index + attempt) % len(targets)]
        data = {"site": site_pk, "debut": starts_at, **PERSON, "first_name": f"P{index}-{attempt}"}
        response = client.post(f"{url}?site={site_pk}&debut={starts_at}", data)
        if response.status_code == 302 and "/rendez-vous/gerer/" in response["Location"]:
            outcomes["booked"] += 1
        elif response.status_code == 200 and "plus disponible" in response.content.decode():
            outcomes["refused"] += 1
        else:
            outcomes["errors"].append(response.status_code)
    results.put(outcomes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_the_same_slots_give_one_appointment_per_slot(motif, nurse, cdas):
    """4 processes × 50 attempts through the booking page on 5 slots: one appointment per slot, no error."""
    import multiprocessing
    from urllib.parse import quote

    from django.db import connections
    from django.urls import reverse

    if connection.vendor != "postgresql":
        pytest.skip("the race test needs PostgreSQL")
    schedule(nurse, cdas, motif)
    slots = free_slots(motif=motif, start_date=next_monday(), end_date=next_monday())[:5]
    targets = [quote(slot.starts_at.isoformat()) for slot in slots]
    # Each forked process opens its own database connection: none may inherit the parent's.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(4), context.Queue()
    url = reverse("appointments:book", args=[motif.pk])
    processes = [
        context.Process(target=_race_worker, args=(index, url, cdas.pk, targets, barrier, results))
        for index in range(4)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    assert [error for outcome in outcomes for error in outcome["errors"]] == []
    assert sum(o["booked"] for o in outcomes) == 5 and sum(o["refused"] for o in outcomes) == 195
    booked = Appointment.objects.active().filter(agent=nurse)
    assert sorted(booked.values_list("starts_at", flat=True)) == sorted(slot.starts_at for slot in slots)


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


@pytest.mark.django_db
def test_booking_confirms_by_text_message_too_with_the_link(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    appointment = services.book_appointment(motif=motif, site=cdas, starts_at=first_slot(motif).starts_at,
                                            person={**PERSON, "email": ""})  # fmt: skip
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.recipient == PERSON["phone"] and "réservé" in sms.body_text
    assert services.manage_token(appointment) in sms.body_text
    services.cancel_appointment(appointment=appointment, by_person=False, reason="Fermeture exceptionnelle")
    cancelled = OutboxMessage.objects.filter(channel="sms").latest("created_at")
    assert "annulé" in cancelled.body_text and "Fermeture exceptionnelle" in cancelled.body_text


@pytest.mark.django_db
def test_a_follow_up_motif_is_for_people_already_seen(motif, nurse, cdas):
    motif.follow_up_only = True
    motif.save()
    schedule(nurse, cdas, motif, weekdays=range(7))
    slot = first_slot(motif)
    with pytest.raises(services.SlotUnavailable, match="déjà"):
        services.book_appointment(motif=motif, site=cdas, starts_at=slot.starts_at, person=PERSON)
    # An agent may book it for anyone (a first appointment given on the phone)…
    first = services.book_appointment(motif=motif, site=cdas, starts_at=slot.starts_at, person=PERSON,
                                      booked_via="agent")  # fmt: skip
    Appointment.objects.filter(pk=first.pk).update(status=AppointmentStatus.SEEN)
    # …and once seen, the person books the next ones online; someone else with the same email still cannot.
    second = services.book_appointment(motif=motif, site=cdas, starts_at=first_slot(motif).starts_at, person=PERSON)
    # Moving a follow-up appointment is not a new first one: it keeps how it was booked.
    Appointment.objects.filter(pk=first.pk).update(status=AppointmentStatus.CANCELLED)
    moved = services.move_appointment(appointment=second, starts_at=first_slot(motif).starts_at, site=cdas)
    assert moved.booked_via == "online" and moved.status == AppointmentStatus.BOOKED
    with pytest.raises(services.SlotUnavailable):
        services.book_appointment(motif=motif, site=cdas, starts_at=first_slot(motif).starts_at,
                                  person={**PERSON, "first_name": "Inès"})  # fmt: skip


@pytest.mark.django_db
def test_an_account_holder_books_for_a_child_and_sees_it_in_my_space(client, motif, nurse, cdas):
    from django.urls import reverse

    from tests.factories import UserFactory

    schedule(nurse, cdas, motif, weekdays=range(7))
    parent = UserFactory(first_name="Yasmine", last_name="Benali")
    child = parent.relatives.create(first_name="Adam", last_name="Benali")
    stranger_child = UserFactory().relatives.create(first_name="Zoé", last_name="Autre")
    client.force_login(parent)
    slot = first_slot(motif)
    url = reverse("appointments:book", args=[motif.pk]) + f"?site={cdas.pk}&debut={slot.starts_at.isoformat()}"
    html = client.get(url.replace("+", "%2B")).content.decode()
    assert "Adam Benali" in html and "Zoé" not in html
    data = {"first_name": "Yasmine", "last_name": "Benali", "email": parent.email, "phone": ""}
    # Someone else's relative is not a choice: the form says so and nothing is booked.
    response = client.post(url.replace("+", "%2B"), {**data, "for_whom": stranger_child.pk})
    assert response.status_code == 200 and not Appointment.objects.exists()
    response = client.post(url.replace("+", "%2B"), {**data, "for_whom": child.pk})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.user, appointment.relative, appointment.first_name) == (parent, child, "Adam")
    assert "Adam Benali" in client.get(reverse("portal:my_space")).content.decode()
