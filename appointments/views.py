"""Booking journeys for the public (the full public search comes with the rest of the appointments issue)."""

from django.http import Http404
from django.shortcuts import render

from appointments import services
from appointments.models import Motif


def start(request):
    motifs = Motif.objects.public().select_related("service")
    return render(request, "appointments/start.html", {"motifs": motifs})


def manage(request, token):
    appointment = services.appointment_from_token(token)
    if appointment is None:
        raise Http404
    return render(
        request,
        "appointments/manage.html",
        {"appointment": appointment, "can_cancel": services.can_cancel(appointment)},
    )
