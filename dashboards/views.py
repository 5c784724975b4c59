from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dashboards import services
from dashboards.charts import draw
from dashboards.enums import CommentStatus, Journey
from dashboards.forms import SurveyForm
from dashboards.indicators import dashboard as compute_dashboard
from dashboards.indicators import find_table
from dashboards.indicators.public import LICENCE, LICENCE_URL, public_statistics
from dashboards.models import SurveyResponse
from dashboards.scope import ScopeForm, managed
from dashboards.survey import SurveyLinkError, read_token, subject_of
from portal.decorators import agent_required
from portal.exports import FORMATS, export_response
from portal.sitemap import site_map_page


SECTION_TITLES = {
    "requests": gettext_lazy("Online requests"),
    "appointments": gettext_lazy("Appointments"),
    "mail": gettext_lazy("Mail"),
    "satisfaction": gettext_lazy("Satisfaction"),
}


def _scope(request):
    """Read the filters: 404 for a service or site the manager does not watch, the form with its errors otherwise."""
    watched = managed(request.user)
    if watched is None:
        raise PermissionDenied
    services, sites = watched
    form = ScopeForm(request.GET or None, services=services, sites=sites)
    if not form.is_bound:
        form = ScopeForm({"period": "month"}, services=services, sites=sites)
    if not form.is_valid():
        if form.out_of_scope():
            raise Http404
        return form, None
    return form, form.scope(services=services, sites=sites, today=timezone.localdate())


def _with_charts(sections):
    return [
        {"key": key, "title": SECTION_TITLES[key], **section,
         "tables": [(table, draw(table)) for table in section["tables"]]}
        for key, section in sections.items()
    ]  # fmt: skip


@agent_required
def dashboard(request):
    form, scope = _scope(request)
    context = {"form": form, "scope": scope}
    if scope is None:
        return render(request, "dashboards/dashboard.html", context, status=400)
    context["sections"] = _with_charts(compute_dashboard(scope))
    context["query"] = request.GET.urlencode()
    context["pending_comments"] = (
        SurveyResponse.objects.in_scope(scope).filter(comment_status=CommentStatus.PENDING).count()
    )
    return render(request, "dashboards/dashboard.html", context)


@agent_required
def export(request, key):
    form, scope = _scope(request)
    fmt = request.GET.get("format", "csv")
    if scope is None or fmt not in FORMATS:
        messages.error(request, _("Choose a valid period and format before exporting."))
        return redirect("dashboards:dashboard")
    table = find_table(compute_dashboard(scope), key)
    if table is None:
        raise Http404
    filename = f"{key}-{scope.current.start:%Y%m%d}-{scope.current.end:%Y%m%d}"
    return export_response(fmt, filename, table.header, table.export_rows())


@agent_required
def comments(request):
    """The comments left with the survey answers, to show on the dashboard or to hide."""
    form, scope = _scope(request)
    if scope is None:
        return redirect("dashboards:comments")
    responses = SurveyResponse.objects.in_scope(scope).exclude(comment_status=CommentStatus.NONE)
    status = request.GET.get("status", CommentStatus.PENDING)
    if status not in CommentStatus.values:
        status = CommentStatus.PENDING
    rows = responses.filter(comment_status=status).select_related("service").order_by("-created_at")[:100]
    tabs = [(value, label) for value, label in CommentStatus.choices if value != CommentStatus.NONE]
    return render(request, "dashboards/comments.html", {"rows": rows, "status": status, "tabs": tabs})


@require_POST
@agent_required
def moderate(request, pk):
    _form, scope = _scope(request)
    if scope is None:
        raise Http404
    response = get_object_or_404(
        SurveyResponse.objects.in_scope(scope).exclude(comment_status=CommentStatus.NONE), pk=pk
    )
    publish = request.POST.get("action") == "publish"
    services.moderate_comment(response=response, publish=publish, actor=request.user, request=request)
    messages.success(
        request, _("The comment is now shown on the dashboards.") if publish else _("The comment is hidden.")
    )
    back = request.POST.get("back")
    return redirect(reverse("dashboards:comments") + f"?status={back if back in CommentStatus.values else 'pending'}")


def survey(request, token):
    """The one-question survey, open without an account to whoever holds the signed link."""
    try:
        journey, obj = read_token(token)
    except SurveyLinkError as error:
        return render(request, "dashboards/survey.html", {"link_error": str(error)}, status=400)
    context = {"subject": subject_of(journey, obj), "journey_label": Journey(journey).label}
    if services.has_answered(journey, obj):
        return render(request, "dashboards/survey.html", {**context, "already": True})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_answer(journey=journey, obj=obj, score=form.cleaned_data["score"],
                                   comment=form.cleaned_data["comment"])  # fmt: skip
        except services.AlreadyAnswered:
            return render(request, "dashboards/survey.html", {**context, "already": True})
        return render(request, "dashboards/survey.html", {**context, "thanks": True})
    status = 400 if form.is_bound else 200
    return render(request, "dashboards/survey.html", {**context, "form": form}, status=status)


@site_map_page(gettext_lazy("Statistics of our services"), section="services", order=5)
def public(request):
    statistics = public_statistics()
    return render(request, "dashboards/public.html", {
        "statistics": statistics,
        "procedures_chart": draw(statistics["procedures"]),
        "appointments_chart": draw(statistics["appointments"]),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    })  # fmt: skip


def open_data(request):
    """The public statistics per procedure as CSV, under the Licence Ouverte."""
    statistics = public_statistics()
    table = statistics["procedures"]
    range_ = statistics["range"]
    header = [*table.header, _("From"), _("To")]
    rows = ([*row, range_.start.isoformat(), range_.end.isoformat()] for row in table.export_rows())
    return export_response("csv", f"statistiques-demarches-{range_.end:%Y%m%d}", header, rows)
