"""iCalendar files attached to confirmations."""

from django.conf import settings
from icalendar import Calendar, Event

from teleprocedures.definitions import translate


def calendar(appointment):
    """Return the appointment as an iCalendar document (text)."""
    cal = Calendar()
    cal.add("prodid", "-//Portail du Departement//Rendez-vous//FR")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{settings.SITE_URL.split('//')[-1]}")
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("dtstamp", appointment.created_at)
    event.add("summary", f"{translate(appointment.motif.name)} — {appointment.motif.service.name}")
    if appointment.site:
        site = appointment.site
        event.add("location", f"{site.name}, {site.address}, {site.postal_code} {site.city}")
    event.add("description", translate(appointment.motif.instructions) or "")
    cal.add_component(event)
    return cal.to_ical().decode()
