import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from mailroom import services as mailroom
from mailroom.models import Contact
from portal import webhooks
from portal.enums import Channel, OutboxStatus, WebhookEvent
from portal.models import OutboxMessage, Service, WebhookEndpoint
from portal.notifications import deliver_message


class Receiver:
    """A local HTTP server that answers the statuses it is given in turn and keeps what it received."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def roads(db):
    return Service.objects.create(slug="routes", name="Routes")


def endpoint(service, url, events=(WebhookEvent.MAIL_REGISTERED,)):
    return WebhookEndpoint.objects.create(service=service, url=url, events=list(events))


def register_letter(service):
    contact = Contact.objects.create(last_name="Lefort")
    return mailroom.register(contact=contact, subject="Fossé", channel="paper", service=service)


def test_an_event_is_written_with_the_change_then_delivered_signed(receiver, roads):
    hook = endpoint(roads, receiver.url)
    item = register_letter(roads)
    message = OutboxMessage.objects.get(channel=Channel.WEBHOOK)
    assert message.webhook == hook and message.template == "mail.registered"
    assert deliver_message(message_id=message.pk) == OutboxStatus.SENT
    headers, body = receiver.received[0]
    payload = json.loads(body)
    assert payload["event"] == "mail.registered" and payload["data"]["number"] == item.number
    assert headers["X-Portail-Event"] == "mail.registered" and headers["X-Portail-Delivery"] == str(message.pk)
    assert webhooks.verify_signature(secret=hook.secret, body=body, timestamp=headers["X-Portail-Timestamp"],
                                     signature=headers["X-Portail-Signature"])  # fmt: skip
    assert deliver_message(message_id=message.pk) is None  # sent once: a repeated task does nothing
    assert len(receiver.received) == 1


def test_a_forged_or_replayed_delivery_fails_the_receivers_check(roads):
    body = b'{"event": "mail.registered"}'
    now = int(time.time())
    signature = webhooks.sign("secret", str(now), body)
    assert webhooks.verify_signature(secret="secret", body=body, timestamp=str(now), signature=signature)
    assert not webhooks.verify_signature(secret="secret", body=body + b" ", timestamp=str(now), signature=signature)
    assert not webhooks.verify_signature(secret="other", body=body, timestamp=str(now), signature=signature)
    old = str(now - 600)
    replayed = webhooks.sign("secret", old, body)
    assert not webhooks.verify_signature(secret="secret", body=body, timestamp=old, signature=replayed)
    assert not webhooks.verify_signature(secret="secret", body=body, timestamp="hier", signature=signature)


def test_a_failing_receiver_is_retried_with_backoff_and_served_once(roads, settings):
    failing = Receiver(statuses=[500, 503, 200])
    try:
        endpoint(roads, failing.url)
        register_letter(roads)
        message = OutboxMessage.objects.get(channel=Channel.WEBHOOK)
        before = timezone.now()
        assert deliver_message(message_id=message.pk) == OutboxStatus.PENDING
        message.refresh_from_db()
        assert message.attempts == 1 and message.last_error.endswith("HTTP 500") and message.next_attempt_at > before
        assert deliver_message(message_id=message.pk) == OutboxStatus.PENDING
        message.refresh_from_db()
        first_delay = message.next_attempt_at - before
        assert message.attempts == 2 and first_delay.total_seconds() >= settings.OUTBOX_RETRY_BASE_SECONDS * 2
        assert deliver_message(message_id=message.pk) == OutboxStatus.SENT
        assert [json.loads(body)["id"] for _h, body in failing.received].count(
            json.loads(failing.received[0][1])["id"]
        ) == 3  # the same event id, for the receiver to skip repeats
    finally:
        failing.close()


def test_only_listening_active_webhooks_of_the_service_get_the_event(receiver, roads):
    endpoint(roads, receiver.url, events=[WebhookEvent.DOSSIER_DECIDED])
    endpoint(Service.objects.create(slug="pmi", name="PMI"), receiver.url)
    register_letter(roads)
    assert not OutboxMessage.objects.filter(channel=Channel.WEBHOOK).exists()
    hook = endpoint(roads, receiver.url)
    register_letter(roads)
    message = OutboxMessage.objects.get(channel=Channel.WEBHOOK)
    hook.is_active = False
    hook.save()
    assert deliver_message(message_id=message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert "deactivated" in message.last_error and receiver.received == []


def test_a_submitted_request_and_a_booking_emit_their_events(procedures, citizen):
    from teleprocedures import services as teleprocedures
    from tests.teleprocedures.fixtures import make_dossier

    transport = procedures["transport-scolaire-adapte"]
    endpoint(transport.service, "https://finances.example/hook", events=list(WebhookEvent.values))
    dossier = make_dossier(transport, citizen)
    teleprocedures.decide(dossier=dossier, transition="close", reasons="Doublon", actor=None)
    message = OutboxMessage.objects.get(channel=Channel.WEBHOOK)
    payload = json.loads(message.body_text)
    assert payload["event"] == "dossier.decided" and payload["data"]["state"] == "closed"
