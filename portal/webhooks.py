"""Webhooks: a service's events written to the outbox with the change, then POSTed signed (HMAC-SHA256).

A receiver checks `X-Portail-Signature: sha256=<hex>` = HMAC-SHA256(secret, "<X-Portail-Timestamp>.<body>") and
refuses a timestamp older than five minutes (a replayed delivery): see `verify_signature`.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.utils import timezone

from portal.enums import Channel


TOLERANCE_SECONDS = 300
TIMEOUT_SECONDS = 10


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx: the outbox tries again later."""


def sign(secret, timestamp, body):
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(*, secret, body, timestamp, signature, now=None, tolerance=TOLERANCE_SECONDS):
    """What a receiver does: the signature matches the body and the timestamp is recent (no replay)."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def emit(event, *, service, data):
    """Queue the event for every active webhook of the service that listens to it (in the caller's transaction)."""
    from portal.models import WebhookEndpoint
    from portal.notifications import queue_message

    if service is None:
        return []
    queued = []
    for endpoint in WebhookEndpoint.objects.filter(service=service, is_active=True):
        if event not in endpoint.events:
            continue
        payload = {"id": str(uuid.uuid4()), "event": event, "created_at": timezone.now().isoformat(), "data": data}
        queued.append(queue_message(channel=Channel.WEBHOOK, recipient=endpoint.url[:254], template=event,
                                    body_text=json.dumps(payload, ensure_ascii=False, default=str),
                                    webhook=endpoint))  # fmt: skip
    return queued


def deliver(message):
    """POST the event, signed now (each attempt has its own timestamp); raise DeliveryFailed unless 2xx."""
    endpoint = message.webhook
    if endpoint is None or not endpoint.is_active:
        raise DeliveryFailed("the webhook was removed or deactivated")
    body = message.body_text.encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": f"{settings.PLATFORM['name']} webhooks",
        "X-Portail-Event": message.template,
        "X-Portail-Delivery": str(message.pk),
        "X-Portail-Timestamp": timestamp,
        "X-Portail-Signature": sign(endpoint.secret, timestamp, body),
    })  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (admin-set URL)
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryFailed(str(getattr(error, "reason", error))) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}")
