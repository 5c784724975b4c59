from django_tasks import task

from portal import notifications


@task()
def deliver_outbox_message(message_id):
    """Deliver one outbox message (a no-op if it was already sent)."""
    return notifications.deliver_message(message_id=message_id)


@task()
def deliver_outbox_messages(message_ids):
    """Deliver a batch of outbox messages (each a no-op if it was already sent); return how many were sent."""
    return sum(notifications.deliver_message(message_id=message_id) == "sent" for message_id in message_ids)


@task()
def build_export(job_id):
    """Build a large export in the background, recording its progress."""
    from portal import services

    return services.build_export(job_id=job_id)
