import json

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from mailroom.enums import Channel, MailStatus
from mailroom.models import Contact, MailCategory, MailItem
from portal.models import AuditEvent, Service


@pytest.fixture
def roads(db):
    return Service.objects.create(slug="routes", name="Service des routes", email="routes@example.org")


@pytest.fixture
def category(roads):
    return MailCategory.objects.create(name={"fr": "Voirie"}, service=roads, deadline_days=15)


@pytest.fixture
def key(roads):
    return services.create_token(name="GED", services=[roads], can_write=True)[1]


def call(client, key, method, url, body=None, **query):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "get":
        return client.get(url, query, **headers)
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def letter(known, **extra):
    return {"channel": "email", "received_on": timezone.localdate().isoformat(), "category": known.pk,
            "subject": "Nid de poule RD 137", "first_name": "Marc", "last_name": "Lefort",
            "email": "marc@example.org", "body": "Bonjour…", **extra}  # fmt: skip


def test_registering_mail_numbers_routes_and_acknowledges_it(client, key, category, roads, outbox):
    response = call(client, key, "post", reverse("api:mail_items"), letter(category))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith(f"{timezone.localdate().year}-") and body["service"] == "routes"
    assert body["status"] == MailStatus.ROUTED and body["contact"]["email"] == "marc@example.org"
    assert outbox("marc@example.org")  # the acknowledgement
    item = MailItem.objects.get()
    assert AuditEvent.objects.get(action="mail.register").actor == item.created_by


def test_the_same_letter_twice_asks_for_confirmation(client, key, category):
    assert call(client, key, "post", reverse("api:mail_items"), letter(category)).status_code == 201
    again = call(client, key, "post", reverse("api:mail_items"), letter(category))
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "possible_duplicate" and error["duplicates"] == [MailItem.objects.get().number]
    confirmed = call(client, key, "post", reverse("api:mail_items"), letter(category, confirm_duplicate=True))
    assert confirmed.status_code == 201 and MailItem.objects.count() == 2
    assert Contact.objects.count() == 1  # the sender found again, not created twice


@pytest.mark.parametrize(
    ("change", "field"),
    [({"channel": "pigeon"}, "channel"), ({"received_on": "2999-01-01"}, "received_on"), ({"category": 0}, "category"),
     ({"last_name": ""}, "contact"), ({"colour": "red"}, "colour"), ({"postal_code": "35"}, "postal_code")],
)  # fmt: skip
def test_bad_registrations_register_nothing(client, key, category, change, field):
    response = call(client, key, "post", reverse("api:mail_items"), letter(category, **change))
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.json()
    assert not MailItem.objects.exists()


def test_list_detail_status_and_scope(client, key, category, roads):
    number = call(client, key, "post", reverse("api:mail_items"), letter(category)).json()["number"]
    other_service = Service.objects.create(slug="pmi-x", name="PMI")
    other_key = services.create_token(name="PMI", services=[other_service], can_write=True)[1]
    assert call(client, other_key, "get", reverse("api:mail_item", args=[number])).status_code == 404
    assert call(client, other_key, "get", reverse("api:mail_items")).json()["results"] == []
    listed = call(client, key, "get", reverse("api:mail_items"), channel=Channel.EMAIL).json()["results"]
    assert [item["number"] for item in listed] == [number]
    assert call(client, key, "get", reverse("api:mail_items"), status="nonsense").status_code == 400

    url = reverse("api:mail_item_status", args=[number])
    assert call(client, key, "post", url, {"transition": "start"}).json()["status"] == MailStatus.IN_PROGRESS
    waiting = call(client, key, "post", url, {"transition": "wait", "reason": "Plan demandé"}).json()
    assert waiting["status"] == MailStatus.WAITING
    assert call(client, key, "post", url, {"transition": "resume"}).json()["status"] == MailStatus.IN_PROGRESS
    no_reason = call(client, key, "post", url, {"transition": "close"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    closed = call(client, key, "post", url, {"transition": "close", "reason": "Transmis à la commune"})
    assert closed.json()["status"] == MailStatus.CLOSED
    again = call(client, key, "post", url, {"transition": "start"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "transition_not_allowed"
    contacts = call(client, key, "get", reverse("api:contacts"), q="lefort").json()["results"]
    assert [c["last_name"] for c in contacts] == ["Lefort"]
    assert call(client, other_key, "get", reverse("api:contacts")).json()["results"] == []


def test_a_read_only_token_cannot_register(client, roads, category):
    reader = services.create_token(name="Lecture", services=[roads])[1]
    response = call(client, reader, "post", reverse("api:mail_items"), letter(category))
    assert response.status_code == 403 and not MailItem.objects.exists()
