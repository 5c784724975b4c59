"""The agents' mailroom: registration, a service's queue, the item page and its actions, replies, the contact page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mailroom import services
from mailroom.forms import (
    AssignForm,
    ForwardForm,
    NoteForm,
    OptionalReasonForm,
    QueueFilterForm,
    ReasonForm,
    RegisterForm,
    ReplyForm,
)
from mailroom.models import Contact, MailAttachment, MailItem, ReplyTemplate
from mailroom.queues import COUNTED_TABS, SORTS, Queue, read_page
from mailroom.workflow import TransitionNotAllowed, allowed_transitions
from portal.decorators import agent_required
from portal.files import serve_stored_file
from portal.models import User
from portal.services import log_event
from portal.views import export_selection


# --- Registration -------------------------------------------------------------------------------------------------

STICKY = "mailroom.register.defaults"


@agent_required
def register(request):
    """Register one mail item; "register and next" comes back here with the channel and date kept."""
    sticky = request.session.get(STICKY, {})
    initial = {"channel": sticky.get("channel", "paper"), "received_on": sticky.get("received_on")}
    if request.method != "POST":
        form = RegisterForm(user=request.user, initial={k: v for k, v in initial.items() if v})
        return _register_page(request, form, kept=[], chosen=None, matches=[])
    kept = [entry for entry in services.kept_uploads(request.POST.getlist("kept"), request.user)
            if entry["token"] not in request.POST.getlist("drop")]  # fmt: skip
    if "find" in request.POST:
        return _find_sender(request, kept)
    form = RegisterForm(request.POST, request.FILES, user=request.user)
    valid = form.is_valid()
    duplicates = []
    if valid:
        try:
            item = services.register_checked(
                form=form, actor=request.user, request=request,
                attachments=lambda: services.take_kept(kept) + form.cleaned_data["attachments"],
            )  # fmt: skip
        except services.PossibleDuplicate as found:
            duplicates = found.duplicates
            message = _(
                "Mail from this sender with this subject was registered in the last 7 days: check it is "
                "not the same, then tick this box."
            )
            form.add_error("confirm_duplicate", message)
            valid = False
    if not valid:
        contact = form.chosen_contact
        if "attachments" not in form.errors:  # the files just sent are checked: kept for the corrected form
            kept += services.keep_uploads(form.cleaned_data["attachments"], request.user)
        chosen = contact.pk if contact and form.chosen_contact else None
        matches = [contact] if chosen else []
        return _register_page(request, form, kept=kept, chosen=chosen, matches=matches, duplicates=duplicates)
    data = form.cleaned_data
    request.session[STICKY] = {"channel": data["channel"], "received_on": data["received_on"].isoformat()}
    messages.success(request, _("Registered under number %(number)s.") % {"number": item.number})
    if "next" in request.POST:
        return redirect(f"{reverse('mailroom:register')}?suite=1")
    return redirect("mailroom:item", pk=item.pk)


def _find_sender(request, kept):
    """Without JavaScript, "Search" shows the matching senders; everything typed is shown again, unchanged."""
    values = request.POST.dict()
    values["copies"] = request.POST.getlist("copies")
    form = RegisterForm(user=request.user, initial=values)
    upload_errors = None
    try:
        kept += services.keep_uploads(form.fields["attachments"].clean(request.FILES.getlist("attachments")),
                                      request.user)  # fmt: skip
    except ValidationError as error:
        upload_errors = error.messages
    query = request.POST.get("sender", "").strip()
    matches = list(Contact.objects.search(query)[:20]) if query else []
    return _register_page(request, form, kept=kept, chosen=None, matches=matches, searched=query,
                          upload_errors=upload_errors)  # fmt: skip


def _register_page(request, form, *, kept, chosen, matches, duplicates=(), searched=None, upload_errors=None):
    return render(request, "mailroom/agent/register.html", {
        "form": form, "kept": kept, "chosen": chosen, "matches": matches, "duplicates": duplicates,
        "searched": searched, "upload_errors": upload_errors, "autofocus": request.GET.get("suite") == "1",
    })  # fmt: skip


@agent_required
def sender_matches(request):
    """The senders matching what the clerk typed, as the radio buttons the registration form shows."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    matches = list(Contact.objects.search(query)[:20]) if len(query) >= 2 else []
    return render(request, "mailroom/agent/_sender_matches.html", {"matches": matches, "searched": query})


# --- The queue ----------------------------------------------------------------------------------------------------


@agent_required
def queue(request):
    queue = Queue(request.user, request.GET.get("service"))
    tab = request.GET.get("tab") if request.GET.get("tab") in queue.tabs else queue.default_tab()
    form = QueueFilterForm(request.GET or None, sorts=SORTS)
    cleaned = form.cleaned_data if form.is_valid() else {}
    rows, number, has_next = read_page(queue.items(tab, cleaned), request.GET.get("page", "1"))
    query = request.GET.copy()
    query.pop("page", None)
    query["tab"] = tab
    if queue.service:
        query["service"] = queue.service.pk
    tab_query = query.copy()
    tab_query.pop("tab", None)
    counts = queue.counts()
    tabs = [(key, label, counts.get(key) if key in COUNTED_TABS else None) for key, label in queue.tabs.items()]
    return render(request, "mailroom/agent/queue.html", {
        "queue": queue, "form": form, "tab": tab, "rows": rows, "page_number": number, "has_next": has_next,
        "query": query.urlencode(), "tab_query": tab_query.urlencode(), "tabs": tabs,
        "colleagues": _colleagues(queue.service) if queue.service else [],
    })  # fmt: skip


def _colleagues(service):
    if service is None:
        return User.objects.none()
    return User.objects.filter(memberships__service=service, is_active=True).distinct().order_by("last_name")


@agent_required
@require_POST
def bulk(request):
    """Assign the selected items (to me or to a colleague of the service), or export them."""
    ids = [pk for pk in request.POST.getlist("ids") if pk.isdigit()]
    back = request.POST.get("back", "")
    action = request.POST.get("bulk_action", "")
    if not ids:
        messages.error(request, _("Select at least one mail item."))
        return redirect(f"{reverse('mailroom:queue')}?{back}")
    if action in {"csv", "ods", "xlsx"}:
        return export_selection("mailroom:export", ids, action)
    if action not in {"assign_me", "assign"}:
        messages.error(request, _("Choose an action."))
        return redirect(f"{reverse('mailroom:queue')}?{back}")
    items = MailItem.objects.for_agent(request.user).filter(pk__in=ids).select_related("service")
    assignee = request.user if action == "assign_me" else None
    done, refused = 0, []
    for item in items:
        target = assignee or _colleagues(item.service).filter(pk=request.POST.get("assignee") or 0).first()
        if target is None or not item.is_open:
            refused.append(item.number)
            continue
        services.assign(item=item, assignee=target, actor=request.user, request=request)
        done += 1
    messages.success(request, _("%(count)s mail items assigned.") % {"count": done})
    if refused:
        messages.warning(request, _("Not assigned (closed, or the person is not in its service): %(numbers)s.")
                         % {"numbers": ", ".join(refused)})  # fmt: skip
    return redirect(f"{reverse('mailroom:queue')}?{back}")


@agent_required
def export(request):
    """Export the filtered queue (or a selection) of mail."""
    from portal.views import queue_export

    return queue_export(request, "mail")


# --- One item -----------------------------------------------------------------------------------------------------


def _agent_item(request, pk):
    related = ("contact", "category", "service", "assignee", "in_reply_to", "dossier", "appointment")
    return get_object_or_404(MailItem.objects.for_agent(request.user).select_related(*related), pk=pk)


def _action_forms(item, data=None, action=None):
    """The forms of the item page; the one just sent is bound to what was typed, so an error loses nothing."""
    factories = {
        "note": lambda d: NoteForm(d, prefix="note"),
        "assign": lambda d: AssignForm(d, prefix="assign", colleagues=_colleagues(item.service)),
        "forward": lambda d: ForwardForm(d, prefix="forward", exclude=item.service),
        "wait": lambda d: ReasonForm(d, prefix="wait"),
        "close": lambda d: OptionalReasonForm(d, prefix="close"),
        "reject": lambda d: ReasonForm(d, prefix="reject"),
        "forward_out": lambda d: ReasonForm(d, prefix="forward_out"),
    }
    return {name: factory(data if name == action else None) for name, factory in factories.items()}


ACTIONS = ("take", "assign", "note", "forward", "wait", "resume", "close", "reject", "forward_out")


def _run_action(action, item, request, data):
    """Run one action of the item page through its service; return the message saying it is done."""
    actor = request.user
    if action in {"take", "assign"}:
        assignee = actor if action == "take" else data["assignee"]
        services.assign(item=item, assignee=assignee, actor=actor, request=request)
        return _("You are now in charge of it.") if action == "take" else _("The mail item is assigned.")
    if action == "note":
        services.add_note(item=item, text=data["text"], actor=actor, request=request)
        return _("Your note has been saved.")
    if action == "forward":
        services.forward(item=item, service=data["service"], reason=data["reason"], actor=actor, request=request)
        return _("The mail item has been forwarded.")
    if action == "wait":
        services.pause(item=item, actor=actor, text=data["reason"], request=request)
        return _("The deadline is paused until the sender answers.")
    if action == "resume":
        services.resume(item=item, actor=actor, request=request)
        return _("The processing has resumed; the deadline is pushed back.")
    if action == "close":
        services.close(item=item, actor=actor, reason=data["reason"], request=request)
        return _("The mail item is closed.")
    services.change_status(item=item, transition=action, actor=actor, text=data["reason"], request=request)
    if action == "reject":
        return _("The mail item is rejected.")
    return _("The mail item is recorded as forwarded to another body.")


@agent_required
def item(request, pk):
    mail = _agent_item(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _action_forms(mail, request.POST, action)
    if action in ACTIONS:
        form = forms.get(action)
        if form is None or form.is_valid():
            try:
                success = _run_action(action, mail, request, form.cleaned_data if form else {})
            except (TransitionNotAllowed, ValueError) as error:
                if form is not None and action == "close":
                    form.add_error("reason", str(error))
                else:
                    messages.error(request, str(error))
                    return redirect("mailroom:item", pk=pk)
            else:
                messages.success(request, success)
                return redirect("mailroom:item", pk=pk)
    elif request.method == "POST":
        return redirect("mailroom:item", pk=pk)
    else:
        log_event(actor=request.user, action="mail.view", obj=mail, request=request)
    return render(request, "mailroom/agent/item.html", {
        "item": mail, "forms": forms, "has_errors": bool(action in forms and forms[action].errors),
        "transitions": allowed_transitions(mail.status),
        "activity": mail.activity.select_related("actor"), "attachments": mail.attachments.all(),
        "replies": mail.replies.prefetch_related("attachments"), "copies": mail.copies.all(),
        "templates": _templates(mail),
    })  # fmt: skip


def _templates(item):
    from django.db.models import Q

    return ReplyTemplate.objects.filter(is_active=True).filter(Q(service=None) | Q(service=item.service_id))


@agent_required
def reply(request, pk):
    """Write the reply (from a template or freely), then produce the letter as PDF and send or print it."""
    mail = _agent_item(request, pk)
    template = _templates(mail).filter(pk=request.GET.get("modele") or 0).first()
    form = ReplyForm(request.POST or None, item=mail, initial={"text": template.body if template else ""})
    if request.method == "POST" and form.is_valid():
        try:
            outgoing = services.reply(item=mail, text=form.cleaned_data["text"], by=form.cleaned_data["by"],
                                      actor=request.user, request=request)  # fmt: skip
        except (TransitionNotAllowed, ValueError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The reply is registered under number %(number)s; its letter is attached.")
                             % {"number": outgoing.number})  # fmt: skip
            return redirect("mailroom:item", pk=pk)
    return render(request, "mailroom/agent/reply.html", {
        "item": mail, "form": form, "templates": _templates(mail), "template": template,
        "placeholders": services.placeholder_help(),
    })  # fmt: skip


@agent_required
def attachment(request, pk, attachment_pk):
    mail = _agent_item(request, pk)
    stored = get_object_or_404(MailAttachment, pk=attachment_pk, item=mail)
    return serve_stored_file(request, stored, action="mail.file_access", obj=mail)


@agent_required
def contact(request, pk):
    """The 360° view of a sender: their mail, requests and appointments that the agent may see."""
    person = get_object_or_404(Contact, pk=pk)
    timeline = services.contact_timeline(person, request.user)
    if not timeline:
        raise Http404  # a contact the agent has nothing to do with is not shown
    log_event(actor=request.user, action="mail.contact_view", obj=person, request=request)
    return render(request, "mailroom/agent/contact.html", {"contact": person, "timeline": timeline})
