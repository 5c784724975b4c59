from datetime import date, time, timedelta

import pytest

from appointments.enums import AppointmentStatus
from appointments.models import Absence, Appointment
from appointments.slots import free_slots, next_available
from tests.appointments.fixtures import at, schedule
from tests.factories import agent


pytestmark = pytest.mark.django_db
NOW = at(date(2026, 3, 2), 7)  # Monday 2 March 2026, 7:00


def starts(slots):
    return [slot.starts_at.astimezone(at(date(2026, 1, 1), 0).tzinfo).strftime("%m-%d %H:%M") for slot in slots]


def test_a_morning_is_cut_into_slots_of_the_motifs_duration(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    slots = free_slots(motif=motif, start_date=date(2026, 3, 2), end_date=date(2026, 3, 2), now=NOW)
    assert starts(slots) == ["03-02 09:00", "03-02 09:30", "03-02 10:00", "03-02 10:30", "03-02 11:00", "03-02 11:30"]
    assert {slot.agent_id for slot in slots} == {nurse.pk} and {slot.site_id for slot in slots} == {cdas.pk}


def test_existing_appointments_and_their_buffer_are_removed(motif, nurse, cdas):
    motif.buffer_minutes = 15
    motif.save()
    schedule(nurse, cdas, motif)
    Appointment.objects.create(motif=motif, site=cdas, agent=nurse, starts_at=at(date(2026, 3, 2), 9, 30),
                               ends_at=at(date(2026, 3, 2), 10), first_name="A", last_name="B")  # fmt: skip
    Appointment.objects.create(motif=motif, site=cdas, agent=nurse, starts_at=at(date(2026, 3, 2), 11),
                               ends_at=at(date(2026, 3, 2), 11, 30), first_name="C", last_name="D",
                               status=AppointmentStatus.EXCUSED)  # fmt: skip
    slots = free_slots(motif=motif, start_date=date(2026, 3, 2), end_date=date(2026, 3, 2), now=NOW)
    # 9:00 + 30 min + 15 min buffer would run into the 9:30 appointment; after it, its buffer ends at 10:15;
    # slots then follow every 45 minutes so that all of them can be booked; the excused 11:00 one frees its time.
    assert starts(slots) == ["03-02 10:15", "03-02 11:00"]


def test_french_public_holidays_close_everything(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    # Monday 6 April 2026 is Easter Monday.
    assert free_slots(motif=motif, start_date=date(2026, 4, 6), end_date=date(2026, 4, 6), now=NOW) == []
    assert free_slots(motif=motif, start_date=date(2026, 4, 7), end_date=date(2026, 4, 7), now=NOW)


def test_an_absence_spanning_several_days_removes_them(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    Absence.objects.create(agent=nurse, starts_at=at(date(2026, 3, 3), 10), ends_at=at(date(2026, 3, 5), 10, 30))
    slots = starts(free_slots(motif=motif, start_date=date(2026, 3, 3), end_date=date(2026, 3, 5), now=NOW))
    assert slots == ["03-03 09:00", "03-03 09:30", "03-05 10:30", "03-05 11:00", "03-05 11:30"]


def test_a_weekly_absence_for_part_time_repeats(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    Absence.objects.create(agent=nurse, starts_at=at(date(2026, 3, 4), 0), ends_at=at(date(2026, 3, 5), 0),
                           weekly_until=date(2026, 3, 31))  # fmt: skip  # Wednesdays off
    days = {slot.starts_at.date() for slot in free_slots(motif=motif, start_date=date(2026, 3, 2),
                                                          end_date=date(2026, 3, 13), now=NOW)}  # fmt: skip
    assert date(2026, 3, 4) not in days and date(2026, 3, 11) not in days and date(2026, 3, 10) in days


def test_min_and_max_booking_delays(motif, nurse, cdas):
    motif.min_delay_minutes = 120
    motif.max_delay_days = 2
    motif.save()
    schedule(nurse, cdas, motif)
    now = at(date(2026, 3, 2), 9, 10)
    slots = starts(free_slots(motif=motif, start_date=date(2026, 3, 2), end_date=date(2026, 3, 10), now=now))
    assert slots[0] == "03-02 11:30"  # not within 2 hours
    assert slots[-1] == "03-04 09:00"  # not beyond 2 days (9:10 on 4 March)


def test_every_two_weeks(motif, nurse, cdas):
    schedule(nurse, cdas, motif, weekdays=[0], every_n_weeks=2, valid_from=date(2026, 3, 2))
    days = sorted({slot.starts_at.date() for slot in free_slots(motif=motif, start_date=date(2026, 3, 2),
                                                                 end_date=date(2026, 3, 31), now=NOW)})  # fmt: skip
    assert days == [date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30)]


def test_a_motif_longer_than_what_is_left_of_the_opening_is_not_offered(motif, nurse, cdas):
    motif.duration_minutes = 60
    motif.save()
    schedule(nurse, cdas, motif, start=time(9), end=time(11, 30))
    slots = starts(free_slots(motif=motif, start_date=date(2026, 3, 2), end_date=date(2026, 3, 2), now=NOW))
    assert slots == ["03-02 09:00", "03-02 10:00"]  # 11:00-12:00 would pass the 11:30 closing


def test_slots_keep_local_hours_across_the_daylight_saving_change(motif, nurse, cdas):
    schedule(nurse, cdas, motif, weekdays=[4, 0])  # Fridays and Mondays
    # Clocks go forward on Sunday 29 March 2026.
    slots = free_slots(motif=motif, start_date=date(2026, 3, 27), end_date=date(2026, 3, 30), now=NOW)
    firsts = sorted({slot.starts_at for slot in slots})
    assert firsts[0].utcoffset() == timedelta(hours=1) and firsts[0].hour == 9
    monday = [s for s in firsts if s.date() == date(2026, 3, 30)]
    assert monday[0].utcoffset() == timedelta(hours=2) and monday[0].hour == 9 and len(monday) == 6


def test_the_query_count_does_not_grow_with_agents_or_days(motif, cdas, pmi, django_assert_max_num_queries):
    for _ in range(10):
        schedule(agent(service=pmi, site=cdas), cdas, motif)
    with django_assert_max_num_queries(3):
        slots = free_slots(motif=motif, start_date=date(2026, 3, 2), end_date=date(2026, 3, 31), now=NOW)
    assert len(slots) == 10 * 22 * 6  # 10 agents, 22 weekdays in March 2026 (no holiday), 6 slots a morning


def test_next_available_skips_ahead_without_scanning_day_by_day(motif, nurse, cdas, django_assert_max_num_queries):
    schedule(nurse, cdas, motif, valid_from=date(2026, 5, 4))
    with django_assert_max_num_queries(12):
        slot = next_available(motif=motif, now=NOW)
    assert slot.starts_at == at(date(2026, 5, 4), 9)
