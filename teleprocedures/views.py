"""The citizen's journey: catalogue, drafts page by page, summary, submission, follow-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.decorators import agent_required
from portal.files import StorageFull, serve_stored_file
from portal.params import int_param
from portal.sitemap import site_map_page
from teleprocedures import services
from teleprocedures.definitions import page_by_id, translate, visible_pages
from teleprocedures.enums import AttachmentKind, Audience, DossierState, Theme
from teleprocedures.forms import InformationAnswerForm, MessageForm, PageForm, initial_from_post, shift_rows
from teleprocedures.models import Attachment, Dossier, Procedure
from teleprocedures.workflow import OPEN_STATES, TransitionNotAllowed


@site_map_page(gettext_lazy("Online procedures"), section="services", order=2)
def catalogue(request):
    procedures = Procedure.objects.published().select_related("service")
    query = request.GET.get("q", "").strip()[:100]
    theme = request.GET.get("theme", "")
    items = []
    for procedure in procedures:
        title = procedure.get_title()
        text = f"{title} {translate(procedure.summary)} {procedure.service.name}".lower()
        if query and not all(word in text for word in query.lower().split()):
            continue
        if theme and procedure.theme != theme:
            continue
        items.append({"procedure": procedure, "title": title, "summary": translate(procedure.summary)})
    items.sort(key=lambda item: item["title"])
    return render(
        request,
        "teleprocedures/catalogue.html",
        {"items": items, "query": query, "theme": theme, "themes": Theme.choices},
    )


def procedure_detail(request, slug):
    procedure = get_object_or_404(Procedure.objects.published().select_related("service"), slug=slug)
    draft = None
    if request.user.is_authenticated:
        draft = Dossier.objects.filter(procedure=procedure, applicant=request.user, state=DossierState.DRAFT).first()
    return render(
        request,
        "teleprocedures/procedure.html",
        {
            "procedure": procedure,
            "title": procedure.get_title(),
            "summary": translate(procedure.summary),
            "who": translate(procedure.who_can_file),
            "duration": translate(procedure.duration),
            "documents": [translate(item) for item in procedure.documents],
            "draft": draft,
            "needs_organisation": procedure.audience == Audience.PROFESSIONAL,
        },
    )


@login_required
@require_POST
def start(request, slug):
    procedure = get_object_or_404(Procedure.objects.published(), slug=slug)
    if procedure.audience == Audience.PROFESSIONAL and not request.user.organisation_id:
        messages.error(request, _("This procedure is for professionals: add your organisation to your account first."))
        return redirect("teleprocedures:procedure", slug=slug)
    try:
        draft, created = services.start_draft(procedure=procedure, applicant=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("teleprocedures:procedure", slug=slug)
    if not created:
        messages.info(request, _("You had already started this request: here it is, as you left it."))
    return redirect(next_page_url(draft))


def next_page_url(draft, after=None):
    """Return the first incomplete page, or the page after `after`, or the summary."""
    pages = visible_pages(draft.definition, draft.data)
    ids = [page["id"] for page in pages]
    if after in ids and ids.index(after) + 1 < len(ids):
        return reverse("teleprocedures:draft_page", args=[draft.pk, ids[ids.index(after) + 1]])
    if after is None:
        incomplete = services.incomplete_pages(draft)
        if incomplete:
            return reverse("teleprocedures:draft_page", args=[draft.pk, incomplete[0]["id"]])
        if not draft.data:
            return reverse("teleprocedures:draft_page", args=[draft.pk, ids[0]])
    return reverse("teleprocedures:draft_summary", args=[draft.pk])


def _own_draft(request, pk):
    return get_object_or_404(
        Dossier.objects.drafts_editable_by(request.user).select_related("procedure", "version"), pk=pk
    )


@login_required
def draft_page(request, pk, page_id):
    draft = _own_draft(request, pk)
    pages = visible_pages(draft.definition, draft.data)
    page = page_by_id(draft.definition, page_id)
    if page is None or page not in pages:
        raise Http404
    index = pages.index(page)
    rows = {
        key[5:]: int_param(value)
        for key, value in request.POST.items()
        if key.startswith("rows-") and int_param(value)
    }
    action = request.POST.get("action", "next")
    form = PageForm(request.POST or None, request.FILES or None, page=page, dossier=draft, rows=rows)
    if request.method == "POST":
        form.is_valid()
        storage_full = False
        if form.uploads():
            try:
                services.store_page_uploads(dossier=draft, uploads=form.uploads(), actor=request.user)
            except StorageFull as full:
                storage_full = True
                for field_id in form.uploads():
                    form.add_error(field_id, full.message)
        if not storage_full and action.startswith("remove_file:"):
            attachment_id = int_param(action.split(":")[1])
            if attachment_id:
                services.remove_answer_file(dossier=draft, attachment_id=attachment_id, actor=request.user)
            action = "stay"
        if storage_full:
            pass  # the page again, with what was typed and the message next to the files
        elif action.startswith(("add:", "remove:", "stay")):
            form = _rebuilt_form(request, draft, page, rows, action)
        elif form.is_valid():
            services.save_page(dossier=draft, answers=form.answers, actor=request.user)
            return redirect(next_page_url(draft, after=page_id))
    previous = (
        reverse("teleprocedures:draft_page", args=[draft.pk, pages[index - 1]["id"]])
        if index
        else reverse("teleprocedures:procedure", args=[draft.procedure.slug])
    )
    return render(
        request,
        "teleprocedures/draft_page.html",
        {
            "draft": draft,
            "form": form,
            "page": page,
            "page_title": translate(page["title"]),
            "intro": translate(page.get("intro")),
            "procedure_title": draft.procedure.get_title(),
            "step": index + 1,
            "steps": len(pages),
            "next_title": translate(pages[index + 1]["title"]) if index + 1 < len(pages) else _("Summary"),
            "previous": previous,
            "groups": [(item["spec"]["id"], len(item["rows"])) for item in form.layout if item["kind"] == "group"],
        },
    )


def _rebuilt_form(request, draft, page, rows, action):
    """Apply an add-line / remove-line action and show the page again with what was typed, without errors."""
    probe = PageForm(page=page, dossier=draft, rows=rows)
    values = initial_from_post(probe, request.POST)
    if action.startswith("add:"):
        group_id = action.split(":")[1]
        rows[group_id] = rows.get(group_id, 1) + 1
    elif action.startswith("remove:") and action.count(":") == 2 and int_param(action.split(":")[2]) is not None:
        _verb, group_id, index = action.split(":")
        count = rows.get(group_id, 1)
        values = shift_rows(values, group_id, int(index))
        rows[group_id] = max(1, count - 1)
    draft.refresh_from_db()
    return PageForm(page=page, dossier=draft, rows=rows, initial=values)


@login_required
def draft_summary(request, pk):
    draft = _own_draft(request, pk)
    if request.method == "POST":
        if request.POST.get("certify") != "on":
            messages.error(request, _("Tick the box to certify that your answers are accurate."))
        else:
            try:
                dossier = services.submit_dossier(dossier=draft, actor=request.user, request=request)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                if dossier.applicant_id != request.user.pk:  # filed at a counter by an agent
                    messages.success(
                        request,
                        _("Request %(number)s has been filed for %(name)s, who receives the acknowledgement by email.")
                        % {"number": dossier.number, "name": dossier.applicant},
                    )
                    return redirect("teleprocedures:agent_dossier", pk=dossier.pk)
                messages.success(
                    request,
                    _("Your request %(number)s has been sent. The acknowledgement of receipt is in your email.")
                    % {"number": dossier.number},
                )
                return redirect("teleprocedures:dossier", pk=dossier.pk)
    return render(
        request,
        "teleprocedures/summary.html",
        {
            "draft": draft,
            "procedure_title": draft.procedure.get_title(),
            "pages": services.summary(draft),
            "incomplete": [p["id"] for p in services.incomplete_pages(draft)],
        },
    )


@login_required
@require_POST
def discard(request, pk):
    draft = _own_draft(request, pk)
    slug = draft.procedure.slug
    services.discard_draft(dossier=draft, actor=request.user)
    messages.success(request, _("Your draft has been deleted."))
    return redirect("teleprocedures:procedure", slug=slug)


@login_required
def dossier_list(request):
    dossiers = Dossier.objects.for_applicant(request.user).select_related("procedure").order_by("-updated_at")
    return render(request, "teleprocedures/dossier_list.html", {"dossiers": dossiers})


@login_required
def dossier_detail(request, pk):
    dossier = get_object_or_404(
        Dossier.objects.for_applicant(request.user)
        .exclude(state=DossierState.DRAFT)
        .select_related("procedure__service"),
        pk=pk,
    )
    info = dossier.info_requests.filter(answered_at__isnull=True).first()
    message_form = MessageForm(prefix="message")
    answer_form = InformationAnswerForm(prefix="answer") if dossier.state == DossierState.AWAITING_INFO else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer" and answer_form is not None:
                answer_form = InformationAnswerForm(request.POST, request.FILES, prefix="answer")
                if answer_form.is_valid():
                    services.provide_information(
                        dossier=dossier,
                        answer=answer_form.cleaned_data["body"],
                        uploads=answer_form.cleaned_data["files"],
                        actor=request.user,
                        request=request,
                    )
                    messages.success(request, _("Your answer has been sent; the processing of your request resumes."))
                    return redirect("teleprocedures:dossier", pk=pk)
            elif action == "message":
                message_form = MessageForm(request.POST, request.FILES, prefix="message")
                if message_form.is_valid():
                    services.post_message(
                        dossier=dossier,
                        author=request.user,
                        body=message_form.cleaned_data["body"],
                        uploads=message_form.cleaned_data["files"],
                        from_applicant=True,
                        request=request,
                    )
                    messages.success(request, _("Your message has been sent."))
                    return redirect("teleprocedures:dossier", pk=pk)
            elif action == "withdraw":
                services.withdraw_dossier(dossier=dossier, actor=request.user, request=request)
                messages.success(request, _("Your request has been withdrawn."))
                return redirect("teleprocedures:dossier", pk=pk)
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
            return redirect("teleprocedures:dossier", pk=pk)
    return render(
        request,
        "teleprocedures/dossier_detail.html",
        {
            "dossier": dossier,
            "procedure_title": dossier.procedure.get_title(),
            "pages": services.summary(dossier),
            "history": dossier.history.select_related("actor"),
            "thread": dossier.messages.prefetch_related("attachments"),
            "documents": dossier.attachments.filter(
                kind__in=[AttachmentKind.ACKNOWLEDGEMENT, AttachmentKind.DECISION]
            ),
            "decision": getattr(dossier, "decision", None),
            "info": info,
            "message_form": message_form,
            "answer_form": answer_form,
            "can_withdraw": dossier.state in OPEN_STATES,
        },
    )


def _serve(request, attachment):
    return serve_stored_file(request, attachment, action="dossier.file_access", obj=attachment.dossier)


@login_required
def applicant_file(request, pk, attachment_pk):
    """Serve a file of the person's own dossier (drafts included: they see what they uploaded)."""
    attachment = get_object_or_404(
        Attachment.objects.filter(Q(dossier__in=Dossier.objects.for_applicant(request.user))),
        pk=attachment_pk,
        dossier=pk,
    )
    return _serve(request, attachment)


@agent_required
def agent_file(request, pk, attachment_pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(dossier__in=Dossier.objects.for_agent(request.user)), pk=attachment_pk, dossier=pk
    )
    return _serve(request, attachment)


@login_required
def preview(request, version_pk):
    """Show every page of a version as a citizen will see it (staff only; nothing is saved)."""
    from django.core.exceptions import PermissionDenied

    from teleprocedures.models import ProcedureVersion

    if not request.user.is_staff:
        raise PermissionDenied
    version = get_object_or_404(ProcedureVersion.objects.select_related("procedure"), pk=version_pk)
    dossier = Dossier(procedure=version.procedure, version=version, applicant=request.user, data={})
    pages = []
    for page in version.definition["pages"]:
        pages.append(
            {
                "title": translate(page["title"]),
                "condition": page.get("show_if"),
                "form": PageForm(
                    page={**page, "fields": [{**f, "show_if": None} for f in page["fields"]]}, dossier=dossier
                ),
            }
        )
    return render(
        request,
        "teleprocedures/preview.html",
        {"version": version, "procedure_title": version.procedure.get_title(), "pages": pages},
    )
