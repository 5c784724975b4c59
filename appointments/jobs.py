"""Periodic jobs of appointments, run by `manage.py run_periodic_jobs`."""

from appointments import services


def send_reminders():
    return {"reminded": services.send_reminders()}
