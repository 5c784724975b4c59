import re
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from portal.models import OutboxMessage
from tests.appointments.fixtures import schedule
from tests.factories import CommuneFactory, SiteFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cdas(motif, nurse, cdas):
    schedule(nurse, cdas, motif)
    return cdas


def slot_links(html):
    return re.findall(r'href="([^"]*/reserver/\?[^"]*)"', html)


def starts_at(link):
    return datetime.fromisoformat(unquote(re.search(r"debut=([^&]+)", link).group(1)))


def test_the_sector_centre_comes_first_and_shows_a_week_of_times(client, motif, open_cdas):
    other = SiteFactory(name="CDAS de Redon")
    CommuneFactory(insee_code="35360", name="Vitré", site=open_cdas)
    response = client.get(reverse("appointments:search", args=[motif.pk]), {"commune": "vitre"})
    html = response.content.decode()
    assert "votre secteur" in html
    assert len(slot_links(html)) >= 5
    assert other.name not in html  # it offers no schedule for this motif


def test_an_unknown_commune_gets_a_message_next_to_the_field(client, motif, open_cdas):
    html = client.get(reverse("appointments:search", args=[motif.pk]), {"commune": "Paris"}).content.decode()
    assert 'id="commune_error"' in html and "n’est pas une commune du département" in html
    assert 'value="Paris"' in html


def test_booking_without_an_account_then_moving_and_cancelling_through_the_link(client, motif, open_cdas):
    html = client.get(reverse("appointments:search", args=[motif.pk]), {"site": open_cdas.pk}).content.decode()
    # Times far enough ahead for the person to still move or cancel them online (whatever the hour of the run).
    links = [link for link in slot_links(html) if starts_at(link) > timezone.now() + timedelta(days=2)]
    first, *_rest, later = links
    url = first.replace("&amp;", "&")
    response = client.post(url, {"first_name": "Yasmine", "last_name": "Benali", "email": "parent@example.org",
                                 "phone": "06 12 34 56 78"})  # fmt: skip
    appointment = Appointment.objects.get()
    token = services.manage_token(appointment)
    assert response.status_code == 302 and "/rendez-vous/gerer/" in response["Location"]
    assert appointment.phone == "+33612345678" and appointment.user is None
    assert OutboxMessage.objects.filter(
        recipient="parent@example.org", template__endswith="appointment_booked"
    ).exists()

    page = client.get(response["Location"]).content.decode()
    assert "Consultation nourrisson" in page and "L’annuler" in page

    move_url = later.replace("&amp;", "&").replace(reverse("appointments:book", args=[motif.pk]),
                                                   reverse("appointments:move", args=[token]))  # fmt: skip
    assert client.get(move_url).status_code == 200
    response = client.post(move_url)
    moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert moved.pk != appointment.pk and moved.email == "parent@example.org"
    new_token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    client.post(reverse("appointments:cancel", args=[new_token]))
    moved.refresh_from_db()
    assert moved.status == AppointmentStatus.EXCUSED


def test_a_tampered_link_gets_404(client, motif, open_cdas, nurse):
    appointment = Appointment.objects.create(
        motif=motif, site=open_cdas, agent=nurse, starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, minutes=30), first_name="A", last_name="B",
    )  # fmt: skip
    token = services.manage_token(appointment)
    assert client.get(reverse("appointments:manage", args=[token[:-2] + "xy"])).status_code == 404
    assert client.post(reverse("appointments:cancel", args=["not-a-token"])).status_code == 404


def test_the_booking_form_needs_a_way_to_reach_the_person_and_keeps_what_was_typed(client, motif, open_cdas):
    html = client.get(reverse("appointments:search", args=[motif.pk]), {"site": open_cdas.pk}).content.decode()
    url = slot_links(html)[0].replace("&amp;", "&")
    html = client.post(url, {"first_name": "Yasmine", "last_name": "Benali", "phone": "12"}).content.decode()
    assert 'id="id_phone_error"' in html and 'value="Yasmine"' in html
    html = client.post(url, {"first_name": "Yasmine", "last_name": "Benali"}).content.decode()
    assert "Indiquez une adresse électronique ou un téléphone mobile" in html
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_shows_other_free_times(client, motif, open_cdas):
    html = client.get(reverse("appointments:search", args=[motif.pk]), {"site": open_cdas.pk}).content.decode()
    url = slot_links(html)[0].replace("&amp;", "&")
    person = {"first_name": "A", "last_name": "B", "email": "a@example.org"}
    client.post(url, person)
    html = client.post(url, {**person, "email": "c@example.org"}).content.decode()
    assert "Cet horaire n’est plus disponible." in html
    assert "Autres horaires libres" in html
    assert Appointment.objects.count() == 1


def test_agents_only_motifs_are_not_public(client, motif, open_cdas):
    motif.bookable_by = "agents"
    motif.save()
    assert client.get(reverse("appointments:search", args=[motif.pk])).status_code == 404
    assert str(motif) not in client.get(reverse("appointments:start")).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?site=1&semaine=2026-02-31",  # an impossible date
        "?site=abc&semaine=pas-une-date",
    ],
)
def test_malformed_search_parameters_never_give_a_500(client, motif, open_cdas, query):
    assert client.get(reverse("appointments:search", args=[motif.pk]) + query).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "?site=abc&debut=2026-03-02T09:00:00%2B01:00",
        "?site=1&debut=2026-13-45T09:00:00%2B01:00",
        "?site=1&debut=2026-03-02T09:00:00",  # no time zone
        "?site=99999999999999999999999&debut=2026-03-02T09:00:00%2B01:00",
    ],
)
def test_malformed_booking_parameters_get_404(client, motif, open_cdas, query):
    assert client.get(reverse("appointments:book", args=[motif.pk]) + query).status_code == 404
