import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from appointments.enums import AppointmentStatus, BookedVia
from appointments.models import Appointment
from portal.models import Service
from tests.appointments.fixtures import schedule


@pytest.fixture
def opened(motif, nurse, cdas):
    """The nurse receives the motif at the CDAS every weekday morning."""
    schedule(nurse, cdas, motif)
    return motif


@pytest.fixture
def key(pmi):
    return services.create_token(name="SI social", services=[pmi], can_write=True)[1]


def api(client, key, method, url, body=None, **query):
    call = getattr(client, method)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "get":
        return call(url, query, **headers)
    return call(url, data=json.dumps(body), content_type="application/json", **headers)


def next_week():
    start = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())  # next Monday
    return start, start + timedelta(days=4)


def test_motifs_sites_and_free_times(client, key, opened, cdas):
    motifs = api(client, key, "get", reverse("api:motifs")).json()
    assert [m["id"] for m in motifs] == [opened.pk] and motifs[0]["name"]["fr"] == "Consultation nourrisson"
    assert cdas.pk in [s["id"] for s in api(client, key, "get", reverse("api:sites")).json()]
    start, end = next_week()
    slots = api(client, key, "get", reverse("api:availability", args=[opened.pk]), start=start, end=end).json()
    assert slots and len(slots) % 6 == 0 and len(slots) <= 5 * 6  # 9:00–12:00 in 30 minutes, weekdays not on holiday
    assert slots[0]["site"] == cdas.pk and slots[0]["starts_at"][11:16] == "09:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [({"start": "demain"}, "start"), ({"start": "2026-12-10", "end": "2026-12-01"}, "end"),
     ({"start": "2026-12-01", "end": "2027-03-01"}, "end"), ({"site": 999999}, "site"), ({"agent": 1}, "agent")],
)  # fmt: skip
def test_a_bad_search_gets_a_400_naming_the_parameter(client, key, opened, query, field):
    response = api(client, key, "get", reverse("api:availability", args=[opened.pk]), **query)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_booking_then_the_same_time_again_gives_a_409_with_alternatives(client, key, opened, cdas, nurse, outbox):
    start, _end = next_week()
    slot = api(client, key, "get", reverse("api:availability", args=[opened.pk]), start=start, end=start).json()[0]
    body = {"motif": opened.pk, "site": cdas.pk, "starts_at": slot["starts_at"], "first_name": "Adam",
            "last_name": "Benali", "email": "parent@example.org", "phone": "06 12 34 56 78"}  # fmt: skip
    response = api(client, key, "post", reverse("api:appointments"), body)
    assert response.status_code == 201, response.json()
    appointment = Appointment.objects.get()
    assert (appointment.booked_via, appointment.phone, appointment.agent) == (BookedVia.AGENT, "+33612345678", nurse)
    assert outbox("parent@example.org")  # the confirmation with its calendar file
    again = api(client, key, "post", reverse("api:appointments"), {**body, "first_name": "Lou"})
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "slot_unavailable" and error["alternatives"]
    assert Appointment.objects.count() == 1
    day = api(client, key, "get", reverse("api:appointments"), day=start).json()
    assert [a["last_name"] for a in day] == ["Benali"]


def test_bad_bookings_are_refused_without_booking(client, key, opened, cdas, procedures):
    start, _end = next_week()
    roads = Service.objects.get(slug="routes")
    for body, field in [
        ({"motif": opened.pk, "site": cdas.pk, "starts_at": "bientôt", "first_name": "A", "last_name": "B"},
         "starts_at"),
        ({"motif": opened.pk, "site": cdas.pk, "starts_at": f"{start}T09:00:00+01:00", "first_name": "A"},
         "last_name"),
        ({"motif": opened.pk, "site": cdas.pk, "starts_at": f"{start}T09:00:00+01:00", "first_name": "A",
          "last_name": "B", "phone": "12"}, "phone"),
        ({"motif": opened.pk, "site": cdas.pk, "starts_at": f"{start}T09:00:00+01:00", "first_name": "A",
          "last_name": "B", "room": "12"}, "room"),
    ]:  # fmt: skip
        response = api(client, key, "post", reverse("api:appointments"), body)
        assert response.status_code == 400 and field in response.json()["error"]["fields"], (field, response.json())
    other_key = services.create_token(name="Routes", services=[roads], can_write=True)[1]
    response = api(client, other_key, "post", reverse("api:appointments"),
                   {"motif": opened.pk, "site": cdas.pk, "starts_at": f"{start}T09:00:00+01:00", "first_name": "A",
                    "last_name": "B"})  # fmt: skip
    assert response.status_code == 400 and "motif" in response.json()["error"]["fields"]
    assert not Appointment.objects.exists()


def test_cancelling_on_the_service_side(client, key, opened, cdas, pmi, procedures):
    start, _end = next_week()
    slot = api(client, key, "get", reverse("api:availability", args=[opened.pk]), start=start, end=start).json()[0]
    booked = api(client, key, "post", reverse("api:appointments"), {
        "motif": opened.pk, "site": cdas.pk, "starts_at": slot["starts_at"], "first_name": "A", "last_name": "B"}
    ).json()  # fmt: skip
    roads_key = services.create_token(name="Routes", services=[Service.objects.get(slug="routes")],
                                      can_write=True)[1]  # fmt: skip
    url = reverse("api:appointment_cancel", args=[booked["id"]])
    assert api(client, roads_key, "post", url, {}).status_code == 404
    response = api(client, key, "post", url, {"reason": "Agent absent"})
    assert response.status_code == 200 and response.json()["status"] == AppointmentStatus.CANCELLED
    again = api(client, key, "post", url, {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_cancellable"
