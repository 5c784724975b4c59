"""Agents' screens: the day at a site with check-in, and booking for a caller (agents-only motifs included)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appointments import services
from appointments.enums import AppointmentStatus, BookedVia
from appointments.forms import PersonForm
from appointments.models import ACTIVE_STATUSES, Appointment, CollectiveSession, Motif
from appointments.slots import free_slots
from portal.decorators import agent_required
from portal.models import Service, Site, User
from portal.params import aware_datetime_param, date_param, int_param


def _day(request):
    return date_param(request.GET.get("jour")) or timezone.localdate()


@agent_required
def day(request):
    sites = list(Site.objects.for_agent(request.user))
    site = next((s for s in sites if str(s.pk) == request.GET.get("site")), sites[0] if sites else None)
    day = _day(request)
    appointments = _site_appointments(request.user, site, day, day).filter(session__isnull=True) if site else []
    return render(
        request,
        "appointments/agent/day.html",
        {"sites": sites, "site": site, "day": day, "appointments": appointments,
         "sessions": _site_sessions(request.user, site, day, day) if site else [],
         "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1)},
    )  # fmt: skip


def _site_appointments(user, site, first_day, last_day):
    return (
        Appointment.objects.for_agent(user)
        .filter(site=site, starts_at__date__gte=first_day, starts_at__date__lte=last_day)
        .exclude(status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.EXCUSED])
        .select_related("motif", "agent")
    )


def _site_sessions(user, site, first_day, last_day):
    return (
        CollectiveSession.objects.for_agent(user)
        .open()
        .filter(site=site, starts_at__date__gte=first_day, starts_at__date__lte=last_day)
        .with_taken()
        .select_related("motif", "agent")
    )


@agent_required
def week(request):
    """The week at a site, day by day, for every agent or one of them."""
    sites = list(Site.objects.for_agent(request.user))
    site = next((s for s in sites if str(s.pk) == request.GET.get("site")), sites[0] if sites else None)
    monday = _day(request)
    monday -= timedelta(days=monday.weekday())
    sunday = monday + timedelta(days=6)
    agents = list(User.objects.filter(opening_schedules__site=site).distinct().order_by("last_name")) if site else []
    chosen = next((a for a in agents if str(a.pk) == request.GET.get("agent")), None)
    days = {monday + timedelta(days=offset): [] for offset in range(7)}
    if site:
        appointments = _site_appointments(request.user, site, monday, sunday).filter(session__isnull=True)
        sessions = _site_sessions(request.user, site, monday, sunday)
        if chosen:
            appointments, sessions = appointments.filter(agent=chosen), sessions.filter(agent=chosen)
        for item in sorted([*appointments, *sessions], key=lambda item: item.starts_at):
            days[timezone.localdate(item.starts_at)].append(item)
    return render(request, "appointments/agent/week.html", {
        "sites": sites, "site": site, "agents": agents, "chosen": chosen, "monday": monday, "sunday": sunday,
        "days": [(day, items) for day, items in days.items() if items or day.weekday() < 5],
        "previous_week": monday - timedelta(days=7), "next_week": monday + timedelta(days=7),
    })  # fmt: skip


@agent_required
@require_POST
def set_status(request, pk):
    appointment = get_object_or_404(Appointment.objects.for_agent(request.user), pk=pk)
    try:
        services.set_status(appointment=appointment, status=request.POST.get("status"), actor=request.user,
                            request=request)  # fmt: skip
    except services.SlotUnavailable as error:
        messages.error(request, str(error))
    if appointment.session_id:
        return redirect("appointments:agent_session", pk=appointment.session_id)
    day = timezone.localdate(appointment.starts_at)
    return redirect(f"{reverse('appointments:agent_day')}?site={appointment.site_id}&jour={day.isoformat()}")


class AgentSearchForm(forms.Form):
    motif = forms.ChoiceField(label=gettext_lazy("Kind of appointment"))
    site = forms.ChoiceField(label=gettext_lazy("Place"))
    jour = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, motifs, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].choices = [(m.pk, f"{m} ({m.service.name})") for m in motifs]
        self.fields["site"].choices = [(s.pk, s.name) for s in sites]
        self.fields["jour"].initial = timezone.localdate()


@agent_required
def book(request):
    """Find free times for any motif of the agent's services, at any site, for any colleague."""
    # Group sessions have no free times of their own: seats are booked from the session's page.
    motifs = list(Motif.objects.for_agent(request.user).filter(is_collective=False))
    sites = list(Site.objects.filter(opening_schedules__motifs__in=motifs).distinct())
    form = AgentSearchForm(request.GET or None, motifs=motifs, sites=sites)
    slots = []
    if form.is_bound and form.is_valid():
        motif = next(m for m in motifs if str(m.pk) == form.cleaned_data["motif"])
        site = next(s for s in sites if str(s.pk) == form.cleaned_data["site"])
        start = form.cleaned_data["jour"]
        slots = free_slots(motif=motif, start_date=start, end_date=start + timedelta(days=6), sites=[site])
        agents = {u.pk: u for u in User.objects.filter(pk__in={s.agent_id for s in slots})}
        slots = [(slot, agents[slot.agent_id]) for slot in slots]
    return render(request, "appointments/agent/book.html", {"form": form, "slots": slots})


@agent_required
def book_confirm(request):
    motif = get_object_or_404(Motif.objects.for_agent(request.user), pk=int_param(request.GET.get("motif")) or 0)
    site = get_object_or_404(Site.objects.all(), pk=int_param(request.GET.get("site")) or 0)
    agent = get_object_or_404(User.objects.agents(), pk=int_param(request.GET.get("agent")) or 0)
    starts_at = aware_datetime_param(request.GET.get("debut"))
    if starts_at is None:
        return redirect("appointments:agent_book")
    query, matches, initial = _person_search(request)
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = _agent_person(form)
        try:
            appointment = services.book_appointment(
                motif=motif, site=site, starts_at=starts_at, person=person, agent=agent, booked_by=request.user,
                booked_via=BookedVia.AGENT, request=request,
            )  # fmt: skip
        except services.SlotUnavailable as error:
            messages.error(request, str(error))
            return redirect(
                f"{reverse('appointments:agent_book')}?motif={motif.pk}&site={site.pk}&jour={starts_at.date()}"
            )
        messages.success(request, _("The appointment is booked; the person receives the confirmation."))
        day = timezone.localdate(appointment.starts_at)
        return redirect(f"{reverse('appointments:agent_day')}?site={site.pk}&jour={day.isoformat()}")
    return render(request, "appointments/agent/book_confirm.html",
                  {"form": form, "motif": motif, "site": site, "agent": agent, "starts_at": starts_at,
                   "query": query, "matches": matches,
                   "keep": _kept(request, "motif", "site", "agent", "debut")})  # fmt: skip


def _kept(request, *names):
    return [(name, request.GET.get(name, "")) for name in names]


def _agent_person(form):
    """The person an agent books for; linked to the account with that email, if there is one."""
    person = dict(form.cleaned_data)
    person["user"] = User.objects.filter(email__iexact=person["email"]).first() if person["email"] else None
    return person


def _person_search(request):
    """Return (query, matches, initial values): people found by name, phone or email, and the one chosen."""
    query = request.GET.get("q", "").strip()[:100]
    matches = services.find_people(agent=request.user, query=query) if query else []
    # The chosen person must be among the matches of the same search: a key alone opens nobody's details.
    chosen = request.GET.get("personne", "")
    initial = next((match for match in matches if match["key"] == chosen), {})
    return query, matches, initial


class InviteForm(forms.Form):
    motif = forms.ChoiceField(label=gettext_lazy("Kind of appointment"))
    reference = forms.CharField(label=gettext_lazy("Beneficiary number"), max_length=50, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=25, required=False)
    address_line = forms.CharField(label=gettext_lazy("Street address"), max_length=255, required=False)
    commune = forms.CharField(
        label=gettext_lazy("Commune"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("The link opens on the free times of the centre of this commune's sector."),
    )

    def __init__(self, *args, motifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].choices = [(m.pk, f"{m} ({m.service.name})") for m in motifs]

    def clean(self):
        from appointments.invitations import clean_person

        cleaned = super().clean()
        if not self.errors:
            try:
                cleaned["person"] = clean_person({key: str(value) for key, value in cleaned.items()})
            except ValidationError as error:
                for message in error.messages:
                    self.add_error(None, message)
        return cleaned


class ImportForm(forms.Form):
    motif = forms.ChoiceField(label=gettext_lazy("Kind of appointment"))
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "One line per person, columns: reference, last_name, first_name, email, phone, address_line, commune."
        ),
    )

    def __init__(self, *args, motifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].choices = [(m.pk, f"{m} ({m.service.name})") for m in motifs]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is too large (5 MB at most)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("Save the file as CSV in UTF-8 and try again.")) from error


@agent_required
def invitation_list(request):
    from django.core.paginator import Paginator

    from appointments import invitations
    from appointments.enums import BookableBy
    from appointments.models import Invitation

    motifs = list(Motif.objects.for_agent(request.user).exclude(bookable_by=BookableBy.AGENTS))
    invite_form = InviteForm(motifs=motifs, prefix="one")
    import_form = ImportForm(motifs=motifs, prefix="csv")
    report = None
    if request.method == "POST":
        if "one-motif" in request.POST:
            invite_form = InviteForm(request.POST, motifs=motifs, prefix="one")
            if invite_form.is_valid():
                motif = next(m for m in motifs if str(m.pk) == invite_form.cleaned_data["motif"])
                invitations.invite(motif=motif, person=invite_form.cleaned_data["person"], actor=request.user,
                                   request=request)  # fmt: skip
                messages.success(request, _("The invitation has been sent."))
                return redirect("appointments:agent_invitations")
        else:
            import_form = ImportForm(request.POST, request.FILES, motifs=motifs, prefix="csv")
            if import_form.is_valid():
                motif = next(m for m in motifs if str(m.pk) == import_form.cleaned_data["motif"])
                try:
                    invited, rejected = invitations.import_csv(
                        motif=motif, content=import_form.cleaned_data["file"], actor=request.user, request=request
                    )
                except ValidationError as error:
                    import_form.add_error("file", error.messages[0])
                else:
                    report = {"invited": len(invited), "rejected": rejected}
    all_invitations = Invitation.objects.for_agent(request.user).select_related("motif", "appointment", "commune")
    funnel = all_invitations.funnel()
    page = Paginator(all_invitations, 50).get_page(request.GET.get("page"))
    return render(request, "appointments/agent/invitations.html",
                  {"invite_form": invite_form, "import_form": import_form, "report": report, "page": page,
                   "funnel": funnel, "steps": INVITATION_STEPS})  # fmt: skip


INVITATION_STEPS = [
    ("invited", gettext_lazy("Invited")),
    ("reminded", gettext_lazy("Reminded")),
    ("expired", gettext_lazy("Link expired")),
    ("booked", gettext_lazy("Booked")),
    ("seen", gettext_lazy("Seen")),
    ("no_show", gettext_lazy("Did not come")),
    ("excused", gettext_lazy("Cancelled")),
]


@agent_required
def convocation(request, pk):
    """Return the convocation letter (PDF) of an appointment, as proof of the invitation to come."""
    from django.http import HttpResponse

    from portal.pdf import render_pdf
    from portal.services import log_event

    appointment = get_object_or_404(
        Appointment.objects.for_agent(request.user).select_related("motif__service", "site", "agent", "user"), pk=pk
    )
    language = appointment.user.language if appointment.user else "fr"
    pdf = render_pdf("appointments/pdf/convocation.html", {"appointment": appointment, "today": timezone.localdate()},
                     language=language)  # fmt: skip
    log_event(actor=request.user, action="appointment.convocation", obj=appointment, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convocation-{appointment.pk}.pdf"'
    return response


class SessionForm(forms.Form):
    motif = forms.ChoiceField(label=gettext_lazy("Kind of session"))
    site = forms.ChoiceField(label=gettext_lazy("Place"))
    agent = forms.ChoiceField(label=gettext_lazy("Led by"))
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=gettext_lazy("Start time"), widget=forms.TimeInput({"type": "time"}, format="%H:%M"))
    seats = forms.IntegerField(
        label=gettext_lazy("Seats"), min_value=1, max_value=500, required=False,
        help_text=gettext_lazy("Leave empty for the number set on the kind of session."),
    )  # fmt: skip

    def __init__(self, *args, motifs, sites, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].choices = [(m.pk, f"{m} ({m.service.name})") for m in motifs]
        self.fields["site"].choices = [(s.pk, s.name) for s in sites]
        self.fields["agent"].choices = [(a.pk, a.get_full_name() or a.email) for a in agents]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("start"):
            from datetime import datetime

            starts_at = timezone.make_aware(datetime.combine(cleaned["day"], cleaned["start"]))
            if starts_at <= timezone.now():
                self.add_error("day", _("Choose a day and time to come."))
            cleaned["starts_at"] = starts_at
        return cleaned


@agent_required
def sessions(request):
    """Upcoming collective sessions of the agent's services and sites, and a form to open one."""
    motifs = list(Motif.objects.for_agent(request.user).filter(is_collective=True))
    sites = list(Site.objects.for_agent(request.user))
    agents = list(User.objects.agents().filter(memberships__service__in=Service.objects.for_agent(request.user))
                  .distinct().order_by("last_name"))  # fmt: skip
    form = SessionForm(request.POST or None, motifs=motifs, sites=sites, agents=agents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.create_session(
                motif=next(m for m in motifs if str(m.pk) == data["motif"]),
                site=next(s for s in sites if str(s.pk) == data["site"]),
                agent=next(a for a in agents if str(a.pk) == data["agent"]),
                starts_at=data["starts_at"], seats=data["seats"], actor=request.user, request=request,
            )  # fmt: skip
        except services.SlotUnavailable as error:
            form.add_error("start", str(error))
        else:
            messages.success(request, _("The session is open to booking."))
            return redirect("appointments:agent_session", pk=session.pk)
    upcoming = (
        CollectiveSession.objects.for_agent(request.user).open().filter(starts_at__gte=timezone.now()).with_taken()
        .select_related("motif", "site", "agent")[:100]
    )  # fmt: skip
    return render(request, "appointments/agent/sessions.html", {"form": form, "sessions": upcoming,
                                                                 "has_motifs": bool(motifs)})  # fmt: skip


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, told to the participants"), max_length=500, widget=forms.Textarea({"rows": 2})
    )


@agent_required
def session_detail(request, pk):
    """A session's participant list: check-in, booking a seat for a caller, cancelling the session."""
    sessions = CollectiveSession.objects.for_agent(request.user).select_related("motif__service", "site", "agent")
    session = get_object_or_404(sessions, pk=pk)
    query, matches, initial = _person_search(request)
    form = PersonForm(initial=initial, prefix="seat")
    cancel_form = CancelSessionForm(prefix="cancel")
    if request.method == "POST" and "cancel-reason" in request.POST:
        cancel_form = CancelSessionForm(request.POST, prefix="cancel")
        if cancel_form.is_valid():
            try:
                services.cancel_session(session=session, reason=cancel_form.cleaned_data["reason"],
                                        actor=request.user, request=request)  # fmt: skip
            except services.SlotUnavailable as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The session is cancelled; the participants are told."))
            return redirect("appointments:agent_session", pk=session.pk)
    elif request.method == "POST":
        form = PersonForm(request.POST, prefix="seat")
        if form.is_valid():
            try:
                services.book_seat(session=session, person=_agent_person(form), booked_by=request.user,
                                   booked_via=BookedVia.AGENT, request=request)  # fmt: skip
            except services.SlotUnavailable as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The seat is booked; the person receives the confirmation."))
                return redirect("appointments:agent_session", pk=session.pk)
    participants = session.participants.order_by("last_name", "first_name")
    taken = sum(1 for p in participants if p.status in ACTIVE_STATUSES)
    return render(request, "appointments/agent/session.html", {
        "session": session, "participants": participants, "taken": taken, "form": form, "cancel_form": cancel_form,
        "query": query, "matches": matches, "is_past": session.starts_at < timezone.now(),
    })  # fmt: skip
