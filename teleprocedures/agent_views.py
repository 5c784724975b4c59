"""The agents' journey: queues scoped to their services, the dossier page and its actions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.decorators import agent_required
from portal.models import User
from portal.services import log_event
from teleprocedures import services
from teleprocedures.enums import AttachmentKind
from teleprocedures.forms import DecisionForm, InformationRequestForm, MessageForm
from teleprocedures.models import Dossier, Procedure
from teleprocedures.queues import PAGE_SIZE, TABS, QueueFilterForm, filtered_queue
from teleprocedures.workflow import DECISION_TRANSITIONS, TransitionNotAllowed, allowed_transitions


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


def _seen_revision(request, dossier):
    """Return the revision of the dossier the agent saw when they opened the action (kept across form errors)."""
    value = request.POST.get("revision") or request.GET.get("revision") or ""
    return int(value) if value.isdigit() else dossier.revision


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


def _attempt(request, change, success=None):
    """Run a change of the dossier; if somebody changed it meanwhile or its state forbids it, say so clearly."""
    try:
        change()
    except services.StaleDossier as error:
        messages.error(
            request,
            _(
                "Somebody changed this dossier meanwhile: it is now “%(state)s”. "
                "Nothing was overwritten; check it again."
            )
            % {"state": error.args[0].get_state_display()},
        )
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    else:
        if success:
            messages.success(request, success)


@agent_required
@require_POST
def act(request, pk):
    """Run one of the dossier page's actions (assign, follow, start review, note, message)."""
    dossier = _agent_dossier(request, pk)
    action = request.POST.get("action")
    revision = request.POST.get("revision")

    def run():
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

    _attempt(request, run)
    return redirect("teleprocedures:agent_dossier", pk=pk)


@agent_required
def request_info(request, pk):
    dossier = _agent_dossier(request, pk)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _attempt(
            request,
            lambda: services.request_information(
                dossier=dossier,
                items=form.cleaned_data["items"],
                respond_by=form.cleaned_data["respond_by"],
                actor=request.user,
                expected_revision=request.POST.get("revision"),
                request=request,
            ),
            _("The request for information has been sent; the deadline is paused."),
        )
        return redirect("teleprocedures:agent_dossier", pk=pk)
    return render(
        request,
        "teleprocedures/agent/request_info.html",
        {"dossier": dossier, "form": form, "procedure_title": dossier.procedure.get_title(),
         "revision": _seen_revision(request, dossier)},
    )  # fmt: skip


@agent_required
def decide(request, pk, transition):
    dossier = _agent_dossier(request, pk)
    if transition not in DECISION_TRANSITIONS:
        return redirect("teleprocedures:agent_dossier", pk=pk)
    form = DecisionForm(request.POST or None, dossier=dossier, transition=transition)
    if request.method == "POST" and form.is_valid():
        _attempt(
            request,
            lambda: services.decide(
                dossier=dossier,
                transition=transition,
                reasons=form.cleaned_data["reasons"],
                data=form.data_values,
                actor=request.user,
                expected_revision=request.POST.get("revision"),
                request=request,
            ),
            _("The decision has been recorded and sent to the applicant."),
        )
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
            "revision": _seen_revision(request, dossier),
        },
    )


@agent_required
def export(request):
    """Export the filtered queue (or a selection) of requests."""
    from portal.views import queue_export

    return queue_export(request, "dossiers")


@agent_required
@require_POST
def bulk(request):
    """Apply one action to the selected dossiers: assign, message, close or reject (each through its service)."""
    action = request.POST.get("bulk_action")
    ids = [pk for pk in request.POST.getlist("ids") if pk.isdigit()]
    back = request.POST.get("back") or ""
    if not ids:
        messages.error(request, _("Select at least one request."))
        return redirect(f"{reverse('teleprocedures:queue')}?{back}")
    if action in {"csv", "xlsx", "ods"}:
        from portal.views import export_selection

        return export_selection("teleprocedures:export", ids, action)
    dossiers = list(Dossier.objects.for_agent(request.user).filter(pk__in=ids).select_related("procedure__service"))
    body = request.POST.get("bulk_text", "").strip()[:5000]
    done, refused = 0, []
    for dossier in dossiers:
        try:
            if action == "assign_me":
                services.assign_dossier(dossier=dossier, assignee=request.user, actor=request.user, request=request)
            elif action == "message" and body:
                services.post_message(dossier=dossier, author=request.user, body=body, from_applicant=False,
                                      request=request)  # fmt: skip
            elif action in {"close", "reject"} and body:
                services.decide(dossier=dossier, transition=action, reasons=body, actor=request.user, request=request)
            else:
                messages.error(request, _("Choose an action; a message or a decision needs a text."))
                return redirect(f"{reverse('teleprocedures:queue')}?{back}")
            done += 1
        except TransitionNotAllowed:
            refused.append(dossier.number)
    messages.success(request, _("%(count)s requests updated.") % {"count": done})
    if refused:
        messages.warning(request, _("Not possible for: %(numbers)s.") % {"numbers": ", ".join(refused)})
    return redirect(f"{reverse('teleprocedures:queue')}?{back}")


class AssistedFilingForm(forms.Form):
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"))
    email = forms.EmailField(
        label=gettext_lazy("Email of the person"),
        help_text=gettext_lazy("The acknowledgement and the decision are sent there."),
    )
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedures = {p.slug: p for p in procedures}
        self.fields["procedure"].choices = [(p.slug, p.get_title()) for p in procedures]


@agent_required
def assisted_start(request):
    """File a request on behalf of a person at a counter (médiation numérique), recorded as such."""
    from portal.services import find_or_create_person

    procedures = [p for p in Procedure.objects.for_agent(request.user).published() if p.is_open()]
    form = AssistedFilingForm(request.POST or None, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = find_or_create_person(
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"], actor=request.user,
            request=request,
        )  # fmt: skip
        procedure = form.procedures[data["procedure"]]
        try:
            draft, _created = services.start_draft(procedure=procedure, applicant=person, filed_by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            if draft.filed_by_id != request.user.pk:
                form.add_error(
                    None, _("This person already has a draft of this procedure: they can finish it themselves.")
                )
            else:
                from teleprocedures.views import next_page_url

                return redirect(next_page_url(draft))
    return render(request, "teleprocedures/agent/assisted_start.html", {"form": form})
