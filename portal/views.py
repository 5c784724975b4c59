import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import services
from portal.decorators import agent_required
from portal.enums import MANAGING_ROLES
from portal.forms import AccountDeletionForm, ProfileForm, RelativeForm
from portal.models import ExportJob, Membership, Service, Site
from portal.params import int_param
from portal.sitemap import site_map_page, site_map_sections


@site_map_page(gettext_lazy("Home"), section="services", order=1)
def home(request):
    return render(request, "portal/home.html")


@login_required
def home_redirect(request):
    if Membership.objects.filter(user=request.user).exists():
        return redirect("portal:agent_home")
    return redirect("portal:my_space")


@site_map_page(gettext_lazy("My space"), section="account", order=10)
@login_required
def my_space(request):
    return render(request, "portal/my_space.html", {"sections": my_space_sections(request.user)})


def my_space_sections(user):
    """Return the sections of Mon espace; each app fills its own once it exists."""
    from appointments.models import Appointment
    from appointments.services import manage_token
    from mailroom.services import items_of_citizen
    from teleprocedures.models import Dossier

    dossiers = Dossier.objects.for_applicant(user).select_related("procedure").order_by("-updated_at")[:5]
    return [
        {
            "id": "requests",
            "title": _("My requests"),
            "items": [
                {
                    "url": reverse("teleprocedures:procedure", args=[d.procedure.slug])
                    if d.state == "draft"
                    else reverse("teleprocedures:dossier", args=[d.pk]),
                    "label": f"{d.procedure.get_title()} — {d.number or _('draft')} — {d.get_state_display()}",
                }
                for d in dossiers
            ],
            "empty": _("You have not filed any request yet."),
            "more": (reverse("teleprocedures:dossier_list"), _("All my requests")),
            "start": (reverse("teleprocedures:catalogue"), _("File a request")),
        },
        {
            "id": "appointments",
            "title": _("My appointments"),
            "items": [
                {
                    "url": reverse("appointments:manage", args=[manage_token(a)]),
                    "label": f"{date_format(timezone.localtime(a.starts_at), 'DATETIME_FORMAT')} — {a.motif} — "
                    f"{a.site.name if a.site else a.motif.service.name}"
                    + (f" — {a.first_name} {a.last_name}" if a.relative_id else ""),
                }
                for a in Appointment.objects.filter(user=user, starts_at__gte=timezone.now())
                .active()
                .select_related("motif__service", "site")[:5]
            ],
            "empty": _("You have no upcoming appointment."),
            "start": (reverse("appointments:start"), _("Book an appointment")),
        },
        {
            "id": "mail",
            "title": _("My mail"),
            "items": [
                {
                    "url": reverse("mailroom:my_mail"),
                    "label": f"{item.number} — {item.subject} — {item.get_status_display()}",
                }
                for item in items_of_citizen(user).order_by("-created_at")[:5]
            ],
            "empty": _("You have not written to the Département yet."),
            "more": (reverse("mailroom:my_mail"), _("All my mail")),
            "start": (reverse("mailroom:write"), _("Write to the Département")),
        },
    ]


@site_map_page(gettext_lazy("My profile"), section="account", order=12)
@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        changed = services.update_profile(user=request.user, changes=changes, request=request)
        if changed:
            messages.success(request, _("Your profile has been saved."))
        else:
            messages.info(request, _("Nothing has changed."))
        return redirect("portal:profile")
    if request.method == "POST":
        # Reload the user so a failed form does not leave half-applied values on request.user.
        request.user.refresh_from_db()
    return render(request, "portal/profile.html", {"form": form})


@login_required
def relatives(request):
    """The people the account holder books for: children, or an adult they help."""
    form = RelativeForm(request.POST or None)
    if request.method == "POST" and "remove" in request.POST:
        relative = get_object_or_404(request.user.relatives, pk=int_param(request.POST.get("remove")) or 0)
        services.remove_relative(relative=relative, request=request)
        messages.success(request, _("%(name)s has been removed.") % {"name": relative})
        return redirect("portal:relatives")
    if request.method == "POST" and form.is_valid():
        relative = services.add_relative(user=request.user, data=form.cleaned_data, request=request)
        messages.success(request, _("%(name)s has been added.") % {"name": relative})
        return redirect("portal:relatives")
    return render(request, "portal/relatives.html", {"form": form, "relatives": request.user.relatives.all()})


@site_map_page(gettext_lazy("My personal data"), section="account", order=13)
@login_required
def personal_data(request):
    return render(request, "portal/personal_data.html")


@login_required
@never_cache
def personal_data_download(request):
    data = services.export_personal_data(user=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def account_deletion(request):
    form = AccountDeletionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.request_account_deletion(user=request.user, request=request)
        messages.success(request, _("Your account is closed. We have sent you a confirmation email."))
        return redirect("portal:home")
    return render(
        request,
        "portal/account_deletion.html",
        {"form": form, "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS},
    )


@agent_required
def agent_home(request):
    memberships = list(Membership.objects.filter(user=request.user).select_related("service", "site"))
    return render(
        request,
        "portal/agent_home.html",
        {
            "memberships": memberships,
            "watches_activity": request.user.is_superuser or any(m.role in MANAGING_ROLES for m in memberships),
            "services": Service.objects.for_agent(request.user),
            "sites": Site.objects.for_agent(request.user).prefetch_related("services"),
        },
    )


def legal_page(template, title, order):
    @site_map_page(title, section="about", order=order)
    def view(request):
        return render(request, f"portal/legal/{template}.html")

    view.__name__ = f"legal_{template}"
    return view


@site_map_page(gettext_lazy("Contact"), section="about", order=30)
def contact(request):
    return render(request, "portal/legal/contact.html", {"sites": Site.objects.order_by("name")})


@site_map_page(gettext_lazy("Site map"), section="about", order=40)
def site_map(request):
    return render(request, "portal/site_map.html", {"sections": site_map_sections()})


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = "healthz-probe"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value it was given")


def check_queue():
    from django_tasks import task_backends

    backend_name = type(task_backends["default"]).__name__
    if backend_name == "RQBackend":
        import django_rq

        django_rq.get_connection("default").ping()
    return backend_name


@require_GET
@never_cache
def healthz(request):
    """Report whether the database, the cache and the task queue answer (200), or which one does not (503)."""
    report = {}
    healthy = True
    for name, check in (("database", check_database), ("cache", check_cache), ("queue", check_queue)):
        try:
            detail = check()
        except Exception as error:  # noqa: BLE001 (any failure is what this view reports)
            healthy = False
            report[name] = {"status": "error", "error": type(error).__name__}
        else:
            report[name] = {"status": "ok", **({"backend": detail} if detail else {})}
    return JsonResponse({"status": "ok" if healthy else "error", "checks": report}, status=200 if healthy else 503)


@agent_required
def export_status(request, pk):
    job = get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)
    return render(request, "portal/export_status.html", {"job": job})


@agent_required
def export_download(request, pk):
    job = get_object_or_404(
        ExportJob.objects.filter(user=request.user, status=ExportJob.Status.DONE).exclude(file=""), pk=pk
    )
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:  # removed from the disk since (purged, or lost with a volume)
        raise Http404 from None
    services.log_event(actor=request.user, action="export.download", obj=job, request=request)
    return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


def queue_export(request, kind):
    """Export a filtered queue (or a selection) of `kind`: streamed at once, or built in the background when large."""
    from portal.exports import FORMATS, export_response

    fmt = request.GET.get("format") if request.GET.get("format") in FORMATS else "csv"
    params = {key: request.GET.getlist(key) for key in request.GET if key not in {"format", "page"}}
    name, header, rows, total = services.export_table(kind, request.user, params)
    if total > services.EXPORT_SYNC_LIMIT:
        job = services.start_export(user=request.user, kind=kind, params=params, fmt=fmt, request=request)
        return redirect("portal:export", pk=job.pk)
    services.log_event(actor=request.user, action="export.download", request=request, kind=kind, format=fmt,
                       rows=total)  # fmt: skip
    return export_response(fmt, name, header, rows)


def export_selection(export_url_name, ids, fmt):
    """Send the queue's selected rows to its export view (the selection spans all tabs)."""
    query = "&".join([f"ids={pk}" for pk in ids] + [f"format={fmt}", "tab=all"])
    return redirect(f"{reverse(export_url_name)}?{query}")
