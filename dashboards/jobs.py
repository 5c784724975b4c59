"""Periodic jobs of the dashboards, run by `manage.py run_periodic_jobs`."""

from dashboards import services


def record_slot_delays():
    return {"measured": services.record_slot_delays()}
