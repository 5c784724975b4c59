"""The public booking journey: motif, place, week of free times, booking, and the signed link to manage it."""

from collections import OrderedDict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appointments import invitations, services
from appointments.enums import BookableBy, BookedVia
from appointments.forms import PersonForm
from appointments.models import CollectiveSession, Motif
from appointments.slots import free_slots, next_available
from portal.models import Site
from portal.organisation import find_commune
from portal.params import aware_datetime_param, date_param, int_param
from portal.sitemap import site_map_page


@site_map_page(gettext_lazy("Book an appointment"), section="services", order=3)
def start(request):
    motifs = Motif.objects.public().select_related("service").order_by("service__name", "pk")
    services_motifs = OrderedDict()
    for motif in motifs:
        services_motifs.setdefault(motif.service, []).append(motif)
    return render(request, "appointments/start.html", {"services_motifs": services_motifs.items()})


def _bookable_motif(request, pk):
    """Return the motif if anyone may book it, or if the request carries a valid invitation for it."""
    motif = get_object_or_404(Motif.objects.filter(is_active=True).select_related("service"), pk=pk)
    token = request.GET.get("invitation") or request.POST.get("invitation") or ""
    invitation = invitations.valid_invitation(token) if token else None
    if invitation and invitation.motif_id == motif.pk:
        return motif, invitation
    if motif.bookable_by != BookableBy.EVERYONE:
        raise Http404
    return motif, None


def invitation(request, token):
    """Open an invitation link: straight to the free times of the person's sector, or say why it cannot."""
    found = invitations.valid_invitation(token)
    if found is None:
        return render(request, "appointments/invitation_invalid.html", status=410)
    query = f"?invitation={token}"
    if found.commune:
        query += f"&commune={found.commune.insee_code}"
    return redirect(reverse("appointments:search", args=[found.motif_id]) + query)


def _monday(day):
    return day - timedelta(days=day.weekday())


def _week_of_slots(motif, site, week):
    """Return {day: [slots]} for a week, one slot per time (any free agent), or sessions with seats left."""
    days = OrderedDict()
    end = week + timedelta(days=6)
    if motif.is_collective:
        choices = services.open_sessions(motif=motif, sites=[site], start=week, end=end, with_seats_left=True)
    else:
        choices = free_slots(motif=motif, start_date=week, end_date=end, sites=[site])
    for choice in choices:
        local = timezone.localtime(choice.starts_at)
        days.setdefault(local.date(), OrderedDict()).setdefault(local.strftime("%H:%M"), choice)
    return OrderedDict((day, list(times.values())) for day, times in days.items())


def _next_choice(motif, site):
    if motif.is_collective:
        return next(iter(services.open_sessions(motif=motif, sites=[site], with_seats_left=True)), None)
    return next_available(motif=motif, sites=[site])


def _motif_sites(motif):
    """Return the sites where the motif is offered: by an opening schedule, or by an upcoming session."""
    sessions = CollectiveSession.objects.open().filter(motif=motif, starts_at__gte=timezone.now())
    return list(
        Site.objects.filter(Q(opening_schedules__motifs=motif) | Q(pk__in=sessions.values("site"))).distinct()
        .order_by("name")
    )  # fmt: skip


def search(request, motif_pk):
    """Show the sites offering the motif (the person's sector first) and the free times of one week."""
    motif, invitation = _bookable_motif(request, motif_pk)
    sites = _motif_sites(motif)
    commune_text = request.GET.get("commune", "").strip()[:100]
    commune = commune_error = None
    if commune_text:
        try:
            commune = find_commune(commune_text)
        except ValidationError as error:
            commune_error = error.messages[0]
    if commune and commune.site_id:
        sites.sort(key=lambda site: site.pk != commune.site_id)
    site = next((s for s in sites if str(s.pk) == request.GET.get("site")), None)
    if site is None and commune and not commune_error:
        site = sites[0] if sites else None
    today = timezone.localdate()
    week = _monday(date_param(request.GET.get("semaine")) or today)
    week = max(week, _monday(today))
    days = OrderedDict()
    next_slot = None
    if site:
        days = _week_of_slots(motif, site, week)
        if not days:
            next_slot = _next_choice(motif, site)
            if next_slot and not request.GET.get("semaine"):
                # No week was asked for: show the first week that has a free time rather than an empty one.
                week = _monday(timezone.localdate(next_slot.starts_at))
                days, next_slot = _week_of_slots(motif, site, week), None
    move_token = request.GET.get("deplacer", "")
    return render(
        request,
        "appointments/search.html",
        {
            "motif": motif,
            "sites": sites,
            "site": site,
            "commune_text": commune_text,
            "commune": commune,
            "commune_error": commune_error,
            "week": week,
            "week_end": week + timedelta(days=6),
            "previous_week": week - timedelta(days=7) if week > _monday(today) else None,
            "next_week": week + timedelta(days=7),
            "days": list(days.items()),
            "next_slot": next_slot,
            "move_token": move_token,
            "invitation": invitation,
            "extra_query": (f"&deplacer={move_token}" if move_token else "")
            + (f"&invitation={invitation.token}" if invitation else ""),
        },
    )


def _requested_choice(request, motif):
    """Return (start, site, session) of the time or session chosen in the query string; 404 when malformed."""
    if motif.is_collective:
        session_pk = int_param(request.GET.get("seance") or request.POST.get("seance"))
        session = (
            CollectiveSession.objects.filter(motif=motif, pk=session_pk).select_related("site").first()
            if session_pk
            else None
        )
        if session is None:
            raise Http404
        return session.starts_at, session.site, session
    starts_at = aware_datetime_param(request.GET.get("debut") or request.POST.get("debut"))
    site_pk = int_param(request.GET.get("site") or request.POST.get("site"))
    site = Site.objects.filter(pk=site_pk).first() if site_pk else None
    if starts_at is None or site is None:
        raise Http404
    return starts_at, site, None


def book(request, motif_pk):
    motif, invitation = _bookable_motif(request, motif_pk)
    starts_at, site, session = _requested_choice(request, motif)
    initial = {}
    if invitation:
        initial = {"first_name": invitation.first_name, "last_name": invitation.last_name, "email": invitation.email,
                   "phone": invitation.phone}  # fmt: skip
    elif request.user.is_authenticated:
        user = request.user
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
        }
    account = request.user if request.user.is_authenticated else None
    form = PersonForm(request.POST or None, initial=initial, account=account, relatives=invitation is None)
    alternatives = []
    if request.method == "POST" and form.is_valid():
        person = form.person()
        via = BookedVia.INVITATION if invitation else BookedVia.ONLINE
        try:
            if session:
                appointment = services.book_seat(session=session, person=person, request=request,
                                                 invitation=invitation, booked_via=via)  # fmt: skip
            else:
                appointment = services.book_appointment(
                    motif=motif, site=site, starts_at=starts_at, person=person, request=request,
                    invitation=invitation, booked_via=via,
                )  # fmt: skip
        except services.SlotUnavailable as error:
            messages.error(request, str(error))
            alternatives = error.alternatives
        else:
            messages.success(
                request, _("Your appointment is booked. Keep the link of this page to move or cancel it.")
            )
            return redirect("appointments:manage", token=services.manage_token(appointment))
    return render(
        request,
        "appointments/book.html",
        {
            "motif": motif,
            "site": site,
            "starts_at": starts_at,
            "form": form,
            "alternatives": alternatives,
            "invitation": invitation,
            "session": session,
        },  # fmt: skip
    )


def manage(request, token):
    appointment = services.appointment_from_token(token)
    if appointment is None:
        raise Http404
    return render(
        request,
        "appointments/manage.html",
        {
            "appointment": appointment,
            "token": token,
            "can_cancel": services.can_cancel(appointment),
            "waiting": hasattr(appointment, "waitlist_entry"),
        },  # fmt: skip
    )


@require_POST
def cancel(request, token):
    appointment = services.appointment_from_token(token)
    if appointment is None:
        raise Http404
    try:
        services.cancel_appointment(appointment=appointment, by_person=True, request=request)
    except services.SlotUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your appointment is cancelled. The time is offered to someone else."))
    return redirect("appointments:manage", token=token)


def move(request, token):
    """Confirm the new time chosen for an appointment reached by its signed link."""
    appointment = services.appointment_from_token(token)
    if appointment is None:
        raise Http404
    starts_at, site, session = _requested_choice(request, appointment.motif)
    if request.method == "POST":
        try:
            new = services.move_appointment(appointment=appointment, starts_at=starts_at, site=site, session=session,
                                            request=request)  # fmt: skip
        except services.SlotUnavailable as error:
            messages.error(request, str(error))
            return redirect(
                reverse("appointments:search", args=[appointment.motif_id]) + f"?site={site.pk}&deplacer={token}"
            )
        messages.success(request, _("Your appointment has been moved."))
        return redirect("appointments:manage", token=services.manage_token(new))
    return render(request, "appointments/move.html", {"appointment": appointment, "starts_at": starts_at, "site": site,
                                                      "session": session, "token": token})  # fmt: skip


@require_POST
def waitlist(request, token):
    appointment = services.appointment_from_token(token)
    if appointment is None:
        raise Http404
    if request.POST.get("leave"):
        services.leave_waitlist(appointment=appointment)
        messages.success(request, _("You will no longer be told about earlier times."))
    else:
        try:
            services.join_waitlist(appointment=appointment)
        except services.SlotUnavailable as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("We will email you if an earlier time frees up at this place."))
    return redirect("appointments:manage", token=token)
