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
from appointments.models import Appointment, Motif
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
    appointments = (
        Appointment.objects.for_agent(request.user)
        .filter(site=site, starts_at__date=day)
        .exclude(status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.EXCUSED])
        .select_related("motif", "agent")
        if site
        else []
    )
    return render(
        request,
        "appointments/agent/day.html",
        {"sites": sites, "site": site, "day": day, "appointments": appointments,
         "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1)},
    )  # fmt: skip


@agent_required
@require_POST
def set_status(request, pk):
    appointment = get_object_or_404(Appointment.objects.for_agent(request.user), pk=pk)
    try:
        services.set_status(appointment=appointment, status=request.POST.get("status"), actor=request.user,
                            request=request)  # fmt: skip
    except services.SlotUnavailable as error:
        messages.error(request, str(error))
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


def _agent_motifs(user):
    return Motif.objects.filter(is_active=True, service__in=Service.objects.for_agent(user)).select_related("service")


@agent_required
def book(request):
    """Find free times for any motif of the agent's services, at any site, for any colleague."""
    motifs = list(_agent_motifs(request.user))
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
    motif = get_object_or_404(_agent_motifs(request.user), pk=int_param(request.GET.get("motif")) or 0)
    site = get_object_or_404(Site.objects.all(), pk=int_param(request.GET.get("site")) or 0)
    agent = get_object_or_404(User.objects.agents(), pk=int_param(request.GET.get("agent")) or 0)
    starts_at = aware_datetime_param(request.GET.get("debut"))
    if starts_at is None:
        return redirect("appointments:agent_book")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = dict(form.cleaned_data)
        person["user"] = User.objects.filter(email__iexact=person["email"]).first() if person["email"] else None
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
                  {"form": form, "motif": motif, "site": site, "agent": agent, "starts_at": starts_at})  # fmt: skip


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

    motifs = list(_agent_motifs(request.user).exclude(bookable_by=BookableBy.AGENTS))
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
    funnel = {}
    for item in all_invitations:
        funnel[item.step] = funnel.get(item.step, 0) + 1
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
