"""Periodic jobs of appointments, run by `manage.py run_periodic_jobs`."""

from appointments import services


def send_reminders():
    return {"reminded": services.send_reminders()}


def remind_invitations():
    from appointments import invitations

    return {"reminded": invitations.send_reminders()}


def purge_past_retention():
    return services.anonymise_past_retention()
