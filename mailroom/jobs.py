"""Periodic jobs of the mailroom, run by `manage.py run_periodic_jobs`."""

from mailroom import services


def send_due_acknowledgements():
    return {"sent": services.send_due_acknowledgements()}


def deadline_digest():
    return services.send_deadline_digest()


def purge_past_retention():
    return {"purged": services.purge_past_retention(), "kept_files_removed": services.purge_kept_uploads()}
