"""Periodic jobs of the portal, run by `manage.py run_periodic_jobs`."""

from portal import notifications, services


def requeue_pending_outbox():
    """Re-queue outbox messages that are due (queue was down, or a retry is scheduled)."""
    return {"requeued": notifications.requeue_due_messages()}


def erase_deleted_accounts():
    """Erase the accounts whose deletion was requested more than the grace period ago."""
    return {"erased": services.erase_accounts_past_grace_period()}


def requeue_stale_exports():
    return {"requeued": services.requeue_stale_exports()}


def purge_past_retention():
    return services.purge_past_retention()
