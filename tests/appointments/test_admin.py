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
