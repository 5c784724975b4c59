"""The agents' journey: queues scoped to their services, the dossier page and its actions."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.decorators import agent_required
from portal.models import User
from portal.services import log_event
from teleprocedures import services
from teleprocedures.enums import AttachmentKind, DossierState
from teleprocedures.forms import DecisionForm, InformationRequestForm, MessageForm
from teleprocedures.models import Dossier, Procedure
from teleprocedures.workflow import DECIDED_STATES, DECISION_TRANSITIONS, TransitionNotAllowed, allowed_transitions


TABS = {
    "to_assign": gettext_lazy("To assign"),
    "mine": gettext_lazy("Assigned to me"),
    "followed": gettext_lazy("Followed"),
    "awaiting": gettext_lazy("Awaiting information"),
    "decided": gettext_lazy("Decided"),
    "all": gettext_lazy("All"),
}
SORTS = {
    "oldest": ("submitted_at", gettext_lazy("Oldest first")),
    "newest": ("-submitted_at", gettext_lazy("Newest first")),
    "due": ("due_on", gettext_lazy("Deadline")),
    "number": ("number", gettext_lazy("Number")),
}
PAGE_SIZE = 50


class QueueFilterForm(forms.Form):
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    q = forms.CharField(label=gettext_lazy("Number or name"), required=False, max_length=100)
    commune = forms.CharField(label=gettext_lazy("Commune"), required=False, max_length=100)
    submitted_from = forms.DateField(
        label=gettext_lazy("Submitted from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    submitted_to = forms.DateField(label=gettext_lazy("to"), required=False, widget=forms.DateInput({"type": "date"}))
    late = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    answer = forms.CharField(
        label=gettext_lazy("Any answer contains"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Searches every answer of the form, e.g. a school or a road number."),
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False, choices=[(k, v[1]) for k, v in SORTS.items()])

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("All my procedures"))] + [
            (p.slug, p.get_title()) for p in procedures
        ]
        states = [choice for choice in DossierState.choices if choice[0] != DossierState.DRAFT]
        self.fields["state"].choices = [("", _("All states"))] + states


def filtered_queue(user, tab, cleaned):
    """Return the agent's dossiers for the tab and filters, with what the list shows already joined."""
    dossiers = Dossier.objects.for_agent(user).select_related("procedure", "applicant", "assignee", "commune")
    today = timezone.localdate()
    if tab == "to_assign":
        dossiers = dossiers.filter(assignee__isnull=True, state__in=[DossierState.SUBMITTED, DossierState.IN_REVIEW])
    elif tab == "mine":
        dossiers = dossiers.filter(assignee=user).exclude(state__in=[*DECIDED_STATES, DossierState.WITHDRAWN])
    elif tab == "followed":
        dossiers = dossiers.filter(followers=user)
    elif tab == "awaiting":
        dossiers = dossiers.filter(state=DossierState.AWAITING_INFO)
    elif tab == "decided":
        dossiers = dossiers.filter(state__in=DECIDED_STATES)
    if cleaned.get("procedure"):
        dossiers = dossiers.filter(procedure__slug=cleaned["procedure"])
    if cleaned.get("state"):
        dossiers = dossiers.filter(state=cleaned["state"])
    if cleaned.get("q"):
        query = cleaned["q"]
        dossiers = dossiers.filter(
            Q(number__icontains=query)
            | Q(applicant__last_name__icontains=query)
            | Q(applicant__first_name__icontains=query)
            | Q(applicant__email__icontains=query)
        )
    if cleaned.get("commune"):
        dossiers = dossiers.filter(
            Q(commune__name__icontains=cleaned["commune"]) | Q(commune__insee_code=cleaned["commune"])
        )
    if cleaned.get("submitted_from"):
        dossiers = dossiers.filter(submitted_at__date__gte=cleaned["submitted_from"])
    if cleaned.get("submitted_to"):
        dossiers = dossiers.filter(submitted_at__date__lte=cleaned["submitted_to"])
    if cleaned.get("late"):
        dossiers = dossiers.filter(
            state__in=[DossierState.SUBMITTED, DossierState.IN_REVIEW], due_on__lt=today, paused_at__isnull=True
        )
    if cleaned.get("answer"):
        dossiers = dossiers.annotate(answers_text=Cast("data", TextField())).filter(
            answers_text__icontains=cleaned["answer"]
        )
    return dossiers.order_by(SORTS.get(cleaned.get("sort") or "oldest")[0], "pk")


@agent_required
def queue(request):
    procedures = list(Procedure.objects.for_agent(request.user))
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "to_assign"
    form = QueueFilterForm(request.GET or None, procedures=procedures)
    cleaned = form.cleaned_data if form.is_valid() else {}
    page = Paginator(filtered_queue(request.user, tab, cleaned), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    tab_query = request.GET.copy()
    tab_query.pop("tab", None)
    tab_query.pop("page", None)
    return render(
        request,
        "teleprocedures/agent/queue.html",
        {
            "form": form,
            "tab": tab,
            "tabs": TABS.items(),
            "page": page,
            "query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
            "today": timezone.localdate(),
            "soon": timezone.localdate() + timezone.timedelta(days=7),
        },
    )


def _agent_dossier(request, pk):
    return get_object_or_404(
        Dossier.objects.for_agent(request.user).select_related(
            "procedure__service", "applicant", "assignee", "version"
        ),
        pk=pk,
    )


def _colleagues(dossier):
    return User.objects.filter(memberships__service=dossier.procedure.service).distinct().order_by("last_name")


@agent_required
def dossier(request, pk):
    dossier = _agent_dossier(request, pk)
    log_event(actor=request.user, action="dossier.view", obj=dossier, request=request)
    attachments = list(dossier.attachments.all())
    return render(
        request,
        "teleprocedures/agent/dossier.html",
        {
            "dossier": dossier,
            "procedure_title": dossier.procedure.get_title(),
            "pages": services.summary(dossier, attachments=attachments),
            "answer_files": [a for a in attachments if a.kind == AttachmentKind.ANSWER],
            "documents": [a for a in attachments if a.kind != AttachmentKind.ANSWER],
            "history": dossier.history.select_related("actor"),
            "thread": dossier.messages.prefetch_related("attachments").select_related("author"),
            "annotations": dossier.annotations.select_related("author"),
            "info_requests": dossier.info_requests.all(),
            "transitions": allowed_transitions(dossier.state),
            "decisions": [t for t in DECISION_TRANSITIONS if t in allowed_transitions(dossier.state)],
            "colleagues": _colleagues(dossier),
            "is_following": dossier.followers.filter(pk=request.user.pk).exists(),
            "info_form": InformationRequestForm(),
            "message_form": MessageForm(prefix="message"),
        },
    )


def _stale_message(request, error):
    fresh = error.args[0]
    messages.error(
        request,
        _("Somebody changed this dossier meanwhile: it is now “%(state)s”. Nothing was overwritten; check it again.")
        % {"state": fresh.get_state_display()},
    )


@agent_required
@require_POST
def act(request, pk):
    """Run one of the dossier page's actions (assign, follow, start review, note, message)."""
    dossier = _agent_dossier(request, pk)
    action = request.POST.get("action")
    revision = request.POST.get("revision")
    try:
        if action == "assign":
            assignee = _colleagues(dossier).filter(pk=request.POST.get("assignee") or request.user.pk).first()
            services.assign_dossier(dossier=dossier, assignee=assignee, actor=request.user, request=request)
            messages.success(request, _("The dossier is assigned to %(name)s.") % {"name": assignee})
        elif action in {"follow", "unfollow"}:
            services.follow_dossier(dossier=dossier, actor=request.user, follow=action == "follow")
        elif action == "start_review":
            services.start_review(dossier=dossier, actor=request.user, expected_revision=revision, request=request)
            messages.success(request, _("The dossier is now in review."))
        elif action == "annotate" and request.POST.get("body", "").strip():
            services.add_annotation(dossier=dossier, author=request.user, body=request.POST["body"].strip()[:5000])
            messages.success(request, _("Your private note has been saved."))
        elif action == "message":
            form = MessageForm(request.POST, request.FILES, prefix="message")
            if form.is_valid():
                services.post_message(
                    dossier=dossier,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    uploads=form.cleaned_data["files"],
                    from_applicant=False,
                    request=request,
                )
                messages.success(request, _("Your message has been sent to the applicant."))
            else:
                messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    except services.StaleDossier as error:
        _stale_message(request, error)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    return redirect("teleprocedures:agent_dossier", pk=pk)


@agent_required
def request_info(request, pk):
    dossier = _agent_dossier(request, pk)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_information(
                dossier=dossier,
                items=form.cleaned_data["items"],
                respond_by=form.cleaned_data["respond_by"],
                actor=request.user,
                expected_revision=request.POST.get("revision"),
                request=request,
            )
        except services.StaleDossier as error:
            _stale_message(request, error)
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The request for information has been sent; the deadline is paused."))
        return redirect("teleprocedures:agent_dossier", pk=pk)
    return render(
        request,
        "teleprocedures/agent/request_info.html",
        {"dossier": dossier, "form": form, "procedure_title": dossier.procedure.get_title()},
    )


@agent_required
def decide(request, pk, transition):
    dossier = _agent_dossier(request, pk)
    if transition not in DECISION_TRANSITIONS:
        return redirect("teleprocedures:agent_dossier", pk=pk)
    form = DecisionForm(request.POST or None, dossier=dossier, transition=transition)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(
                dossier=dossier,
                transition=transition,
                reasons=form.cleaned_data["reasons"],
                data=form.data_values,
                actor=request.user,
                expected_revision=request.POST.get("revision"),
                request=request,
            )
        except services.StaleDossier as error:
            _stale_message(request, error)
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The decision has been recorded and sent to the applicant."))
        return redirect("teleprocedures:agent_dossier", pk=pk)
    titles = {"accept": _("Accept the request"), "reject": _("Reject the request"), "close": _("Close without action")}
    return render(
        request,
        "teleprocedures/agent/decide.html",
        {
            "dossier": dossier,
            "form": form,
            "title": titles[transition],
            "transition": transition,
            "procedure_title": dossier.procedure.get_title(),
        },
    )
