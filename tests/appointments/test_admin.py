from datetime import date, time

import pytest

from appointments.admin import OpeningScheduleForm
from tests.appointments.fixtures import schedule


pytestmark = pytest.mark.django_db


def form(nurse, cdas, motif, **changes):
    data = {"agent": nurse.pk, "site": cdas.pk, "motifs": [motif.pk], "weekdays": "[1, 2]", "start_time": "11:00",
            "end_time": "13:00", "valid_from": "2026-03-01", "valid_to": "", "every_n_weeks": 1}  # fmt: skip
    data.update(changes)
    return OpeningScheduleForm(data=data)


def test_an_overlapping_schedule_for_the_same_agent_is_refused(nurse, cdas, motif):
    schedule(nurse, cdas, motif, weekdays=[0, 1], start=time(9), end=time(12), valid_from=date(2026, 1, 5))
    bad = form(nurse, cdas, motif)
    assert not bad.is_valid()
    assert "reçoit déjà à ce moment" in str(bad.non_field_errors())
    assert form(nurse, cdas, motif, weekdays="[2, 3]").is_valid()  # other days
    assert form(nurse, cdas, motif, start_time="12:00").is_valid()  # after


def test_bad_weekdays_and_reversed_hours_get_a_message(nurse, cdas, motif):
    bad = form(nurse, cdas, motif, weekdays="[9]")
    assert not bad.is_valid() and "0 (lundi)" in str(bad.errors["weekdays"])
    reversed_hours = form(nurse, cdas, motif, start_time="14:00", end_time="13:00")
    assert not reversed_hours.is_valid() and "après le début" in str(reversed_hours.errors["end_time"])


def test_the_admin_opens_a_session_only_when_the_agent_is_free(nurse, cdas, pmi):
    from datetime import timedelta

    from django.utils import timezone

    from appointments.admin import CollectiveSessionForm
    from appointments.models import Appointment, Motif

    workshop = Motif.objects.create(service=pmi, name={"fr": "Atelier"}, duration_minutes=60, is_collective=True)
    start = timezone.localtime(timezone.now() + timedelta(days=4)).replace(hour=10, minute=0, second=0, microsecond=0)
    Appointment.objects.create(motif=workshop, site=cdas, agent=nurse, starts_at=start + timedelta(minutes=30),
                               ends_at=start + timedelta(minutes=60), first_name="A", last_name="B")  # fmt: skip
    data = {"motif": workshop.pk, "site": cdas.pk, "agent": nurse.pk, "seats": 8,
            "starts_at": f"{start.date().isoformat()} 10:00"}  # fmt: skip
    busy = CollectiveSessionForm(data=data)
    assert not busy.is_valid() and "pas disponible" in str(busy.non_field_errors())
    assert CollectiveSessionForm(data={**data, "starts_at": f"{start.date().isoformat()} 11:00"}).is_valid()
