"""The outbox: notifications are written with the change that causes them and delivered by a task."""

import base64
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.enums import Channel, OutboxStatus
from portal.models import OutboxMessage
from portal.sms import get_sms_backend


logger = logging.getLogger("portal.notifications")


def build_message(
    *,
    channel,
    recipient,
    template,
    body_text,
    subject="",
    body_html="",
    user=None,
    language=None,
    attachments=None,
    webhook=None,
):
    """Return an unsaved outbox message (see queue_messages)."""
    return OutboxMessage(
        webhook=webhook,
        channel=channel,
        recipient=recipient,
        user=user,
        template=template,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        subject=subject.strip().replace("\n", " ")[:255],
        body_text=body_text,
        body_html=body_html,
        attachments=[
            {
                "filename": filename,
                "content_type": content_type,
                "content": base64.b64encode(content).decode("ascii"),
            }
            for filename, content, content_type in (attachments or [])
        ],
    )


def queue_messages(messages):
    """Write messages to the outbox in one statement and have them delivered once the transaction commits."""
    messages = OutboxMessage.objects.bulk_create(messages)
    transaction.on_commit(partial(enqueue_deliveries, [message.pk for message in messages]))
    return messages


def queue_message(**fields):
    """Write an already rendered message (the fields of build_message) to the outbox; see queue_messages."""
    return queue_messages([build_message(**fields)])[0]


def render_email(*, to, template, context, user=None, language=None, attachments=None):
    """Render `<template>_subject.txt`, `_body.txt` (and `_body.html` if present) into an unsaved message."""
    language = language or (user.language if user else None) or translation.get_language() or settings.LANGUAGE_CODE
    context = {"platform": settings.PLATFORM, "base_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body_text = render_to_string(f"{template}_body.txt", context)
        try:
            body_html = render_to_string(f"{template}_body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return build_message(
        channel=Channel.EMAIL,
        recipient=to,
        template=template,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        user=user,
        language=language,
        attachments=attachments,
    )


def render_sms(*, to, template, context, user=None, language=None):
    """Render `<template>_sms.txt` into an unsaved message."""
    language = language or (user.language if user else None) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"platform": settings.PLATFORM, "base_url": settings.SITE_URL, **context}
        body = render_to_string(f"{template}_sms.txt", context).strip()
    return build_message(
        channel=Channel.SMS, recipient=to, template=template, body_text=body, user=user, language=language
    )


def queue_email(**kwargs):
    """Render an email (see render_email) and queue it."""
    return queue_messages([render_email(**kwargs)])[0]


def queue_sms(**kwargs):
    """Render an SMS (see render_sms) and queue it."""
    return queue_messages([render_sms(**kwargs)])[0]


def enqueue_safely(task, *args):
    """Hand work to the task queue; if the queue is down, log it and return False (a periodic job retries)."""
    try:
        task.enqueue(*args)
    except Exception:  # noqa: BLE001 (any queue failure leaves the work pending, never lost)
        logger.warning("Task queue unavailable; %s%s stays pending", task.name, args, exc_info=True)
        return False
    return True


def enqueue_delivery(message_id):
    """Hand the message to the task queue; if the queue is down, the periodic job will try again."""
    from portal.tasks import deliver_outbox_message

    return enqueue_safely(deliver_outbox_message, message_id)


DELIVERY_BATCH = 50


def enqueue_deliveries(message_ids):
    """Enqueue the deliveries (one task, or one per batch of many); stop at the first failure (the queue is down:
    the periodic job requeues the rest). Return how many messages were handed over."""
    from portal.tasks import deliver_outbox_messages

    message_ids = list(message_ids)
    if len(message_ids) == 1:
        return int(enqueue_delivery(message_ids[0]))
    queued = 0
    for start in range(0, len(message_ids), DELIVERY_BATCH):
        batch = message_ids[start : start + DELIVERY_BATCH]
        if not enqueue_safely(deliver_outbox_messages, batch):
            break
        queued += len(batch)
    return queued


def retry_delay(attempts):
    """Return how long to wait before attempt number `attempts + 1` (exponential, capped at 6 hours)."""
    return timedelta(seconds=min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600))


def _send(message):
    if message.channel == Channel.WEBHOOK:
        from portal import webhooks

        webhooks.deliver(message)
        return
    if message.channel == Channel.SMS:
        get_sms_backend().send(to=message.recipient, body=message.body_text)
        return
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"X-Outbox-Id": str(message.pk)},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["content_type"])
    email.send(fail_silently=False)


def deliver_message(*, message_id):
    """Send one pending message exactly once; on failure, schedule the next attempt with backoff."""
    with transaction.atomic():
        # The row lock makes concurrent deliveries of the same message wait or skip; the status check makes a
        # repeated task (re-queued by the periodic job, retried by a worker) a no-op once the message is sent.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return None
        now = timezone.now()
        try:
            _send(message)
        except Exception as error:  # noqa: BLE001 (a delivery failure must be recorded, not raised)
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
            logger.warning("Outbox message %s failed (attempt %s): %s", message.pk, message.attempts, error)
        else:
            message.attempts += 1
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
        return message.status


def requeue_due_messages(*, limit=1000):
    """Enqueue the delivery of every pending message whose attempt time has come; return how many."""
    return enqueue_deliveries(
        OutboxMessage.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
