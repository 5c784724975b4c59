from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accessibility import display
from accessibility.audit.runner import BUDGET
from accessibility.criteria import by_number
from accessibility.forms import BarrierReportForm, DisplayForm
from accessibility.models import ActionPlan, AutomatedAudit, MultiYearPlan, Statement, lines
from accessibility.services import report_barrier, statement_figures
from portal.sitemap import site_map_page


@site_map_page(gettext_lazy("Accessibility"), section="about", order=10)
def statement(request):
    current = Statement.objects.current()
    status, rate, summary = statement_figures(current)
    failures = []
    if summary:
        failures = [(by_number()[number], pages) for number, pages in sorted(
            summary.failures.items(), key=lambda item: by_number()[item[0]].sort_key)]  # fmt: skip
    context = {
        "statement": current,
        "status": status,
        "rate": rate,
        "summary": summary,
        "failures": failures,
        "non_accessible": lines(current.non_accessible),
        "derogations": lines(current.derogations),
        "outside_obligation": lines(current.outside_obligation),
        "technologies": lines(current.technologies),
        "test_environment": lines(current.test_environment),
        "tools": lines(current.tools),
        "pages": list(current.audit.pages.all()) if current.audit else [],
        "plan": MultiYearPlan.objects.filter(is_published=True).first(),
        "plan_url": reverse("accessibility:plan"),
        "contact_email": current.contact_email or settings.PLATFORM["email"],
        "automated": AutomatedAudit.objects.first(),
    }
    return render(request, "accessibility/statement.html", context)


@site_map_page(gettext_lazy("Multi-year accessibility plan"), section="about", order=11)
def plan(request):
    plans = MultiYearPlan.objects.filter(is_published=True)
    action_plans = ActionPlan.objects.filter(is_published=True, plan__is_published=True).prefetch_related("actions")
    by_plan = {}
    for action_plan in action_plans:
        by_plan.setdefault(action_plan.plan_id, []).append(action_plan)
    return render(request, "accessibility/plan.html",
                  {"plans": [(item, by_plan.get(item.pk, [])) for item in plans]})  # fmt: skip


@site_map_page(gettext_lazy("Report an accessibility problem"), section="about", order=12)
def report(request):
    user = request.user if request.user.is_authenticated else None
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email} if user else {}
    initial["page"] = request.GET.get("page", "")[:300]
    form = BarrierReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = report_barrier(data=form.cleaned_data, user=user, request=request)
        thanks = _(
            "Thank you. Your report is registered under number %(number)s; we have sent you a receipt by email "
            "and will answer you."
        )
        messages.success(request, thanks % {"number": item.number})
        return redirect("accessibility:statement")
    return render(request, "accessibility/report.html", {"form": form})


@site_map_page(gettext_lazy("Display settings"), section="about", order=13)
def display_settings(request):
    values, readable = display.read(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = DisplayForm(request.POST or None, initial=values)
    if request.method == "POST" and form.is_valid():
        response = redirect(next_url or "accessibility:display")
        display.write(response, form.cleaned_data)
        messages.success(request, _("Your display settings are saved on this device."))
        return response
    response = render(request, "accessibility/display.html",
                      {"form": form, "readable": readable, "next": next_url})  # fmt: skip
    if not readable:
        display.forget(response)
    return response


@site_map_page(gettext_lazy("Eco-design statement"), section="about", order=14)
def ecodesign(request):
    """The eco-design statement (RGESN) with the figures measured by the latest recorded automated audit."""
    automated = AutomatedAudit.objects.first()
    rows = automated.citizen_rows() if automated else []
    averages = None
    if rows:
        averages = {
            key: round(sum(row[key] for row in rows) / len(rows), 1) for key in ("dom", "requests", "kb", "score")
        }
    return render(request, "accessibility/ecodesign.html", {"automated": automated, "rows": rows,
                                                            "averages": averages, "budget": BUDGET,
                                                            "contact_url": reverse("mailroom:write")})  # fmt: skip
