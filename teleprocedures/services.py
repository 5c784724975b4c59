"""Business rules of online requests: drafts, submission, instruction, decisions, deadlines, retention."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import acknowledgements, webhooks
from portal.calendar import add_months, add_working_days
from portal.enums import WebhookEvent
from portal.files import StorageFull, save_file
from portal.models import Commune
from portal.notifications import queue_email
from portal.numbering import next_value
from portal.pdf import render_pdf
from portal.services import log_event
from teleprocedures import definitions, fields
from teleprocedures.enums import AttachmentKind, DeadlineUnit, DossierState, SilenceRule, VersionStatus
from teleprocedures.models import (
    Annotation,
    Attachment,
    Decision,
    Dossier,
    InfoRequest,
    Message,
    ProcedureVersion,
    StatusChange,
)
from teleprocedures.workflow import DECISION_TRANSITIONS, TransitionNotAllowed, target_state


logger = logging.getLogger("teleprocedures")


class StaleDossier(Exception):
    """Somebody changed the dossier since the page was shown; nothing was overwritten."""


# --- Procedure versions -------------------------------------------------------------------------------------------


@transaction.atomic
def publish_version(*, version, actor):
    """Publish a draft version after validating it; the previous published version is archived."""
    errors = definitions.validate_definition(version.definition)
    if errors:
        raise ValidationError(errors)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    version.procedure.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.ARCHIVED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    log_event(actor=actor, action="procedure.publish", obj=version, number=version.number)
    return version


@transaction.atomic
def create_draft_version(*, procedure, definition, actor=None):
    """Create the next draft version of a procedure from a definition (validated)."""
    errors = definitions.validate_definition(definition)
    if errors:
        raise ValidationError(errors)
    last = procedure.versions.order_by("-number").first()
    return ProcedureVersion.objects.create(
        procedure=procedure, number=(last.number + 1) if last else 1, definition=definition
    )


# --- Drafts -------------------------------------------------------------------------------------------------------


def _prefill(definition, user):
    values = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "birth_date": user.birth_date.isoformat() if user.birth_date else "",
        "email": user.email,
        "phone": user.phone,
        "siret": user.organisation.siret if user.organisation else "",
        "organisation_name": user.organisation.name if user.organisation else "",
    }
    data = {}
    for field in definitions.all_fields(definition):
        key = field.get("prefill")
        if key == "address" and user.address_line and user.commune:
            data[field["id"]] = {
                "line": user.address_line,
                "postal_code": user.postal_code,
                "commune": user.commune.insee_code,
                "commune_name": user.commune.name,
            }
        elif key and values.get(key):
            data[field["id"]] = values[key]
    return data


@transaction.atomic
def start_draft(*, procedure, applicant, filed_by=None):
    """Return the person's draft for this procedure, creating it (prefilled from the profile) if there is none."""
    existing = Dossier.objects.select_for_update().filter(
        procedure=procedure, applicant=applicant, state=DossierState.DRAFT
    )
    draft = existing.first()
    if draft:
        return draft, False
    version = procedure.published_version()
    if version is None or not procedure.is_open():
        raise ValidationError(_("This procedure is not open for requests."))
    draft = Dossier.objects.create(
        procedure=procedure,
        version=version,
        applicant=applicant,
        filed_by=filed_by,
        data=_prefill(version.definition, applicant),
    )
    log_event(actor=filed_by or applicant, action="dossier.draft_started", obj=draft, assisted=bool(filed_by))
    return draft, True


@transaction.atomic
def discard_draft(*, dossier, actor):
    if dossier.state != DossierState.DRAFT:
        raise TransitionNotAllowed(dossier, "discard")
    for attachment in dossier.attachments.all():
        attachment.file.delete(save=False)
    log_event(actor=actor, action="dossier.draft_discarded", obj=dossier)
    dossier.delete()


def store_upload(*, dossier, upload, actor, kind=AttachmentKind.ANSWER, field_id="", message=None):
    """Save an uploaded file (already checked by content and size) as an attachment of the dossier."""
    safe_name = fields.normalise_name(upload.name.rsplit(".", 1)[0]).replace(" ", "-")[:80] or "document"
    extension = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}[upload.detected_kind]
    attachment = Attachment(
        dossier=dossier,
        kind=kind,
        field_id=field_id,
        message=message,
        original_name=upload.name[:255],
        content_type=upload.detected_content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    save_file(attachment.file, f"{safe_name}.{extension}", upload)
    attachment.save()
    return attachment


@transaction.atomic
def store_page_uploads(*, dossier, uploads, actor):
    """Keep the valid files of a page even if other fields of the page are wrong; return the attachments.

    All or nothing: the new files are written first, and the ones they replace are removed only once all are kept;
    if the disk is full, the files written by this call are removed and StorageFull goes up (rows roll back)."""
    stored, replaced = [], []
    try:
        for field_id, files in uploads.items():
            spec = next((f for f in definitions.all_fields(dossier.definition) if f["id"] == field_id), None)
            if spec is None:
                continue
            if not spec.get("multiple"):
                replaced += list(dossier.attachments.filter(field_id=field_id, kind=AttachmentKind.ANSWER))
                files = files[-1:]
            for upload in files:
                stored.append(store_upload(dossier=dossier, upload=upload, actor=actor, field_id=field_id))
    except StorageFull:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    for previous in replaced:
        previous.file.delete(save=False)
        previous.delete()
    for field_id in uploads:
        dossier.data[field_id] = list(
            dossier.attachments.filter(field_id=field_id, kind=AttachmentKind.ANSWER).values_list("pk", flat=True)
        )
    if stored:
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["data", "updated_at"])
    return stored


@transaction.atomic
def remove_answer_file(*, dossier, attachment_id, actor):
    attachment = dossier.attachments.filter(pk=attachment_id, kind=AttachmentKind.ANSWER).first()
    if attachment is None or dossier.state != DossierState.DRAFT:
        return False
    attachment.file.delete(save=False)
    field_id = attachment.field_id
    attachment.delete()
    dossier.data[field_id] = [pk for pk in dossier.data.get(field_id) or [] if pk != int(attachment_id)]
    dossier.save(update_fields=["data"])
    return True


@transaction.atomic
def save_page(*, dossier, answers, actor):
    """Store the answers of one page of a draft."""
    if dossier.state != DossierState.DRAFT:
        raise TransitionNotAllowed(dossier, "edit")
    dossier.data.update(answers)
    dossier.updated_at = timezone.now()
    dossier.expiry_warned_at = None
    dossier.save(update_fields=["data", "updated_at", "expiry_warned_at"])
    return dossier


def incomplete_pages(dossier):
    """Return the visible pages of the draft that lack a required answer."""
    data = dossier.data
    missing = []
    for page in definitions.visible_pages(dossier.definition, data):
        for field in definitions.visible_fields(page, data):
            if field.get("required") and data.get(field["id"]) in (None, "", []):
                missing.append(page)
                break
    return missing


def visible_answers(definition, data):
    """Return only the answers of the pages and fields that are shown given the other answers."""
    kept = {}
    for page in definitions.visible_pages(definition, data):
        for field in definitions.visible_fields(page, data):
            if field["id"] in data:
                kept[field["id"]] = data[field["id"]]
    return kept


def summary(dossier, *, attachments=None):
    """Return the answers page by page, as (page title, [(label, text)]) for display."""
    attachments = list(dossier.attachments.all()) if attachments is None else attachments
    data = dossier.data
    pages = []
    for page in definitions.visible_pages(dossier.definition, data):
        rows = []
        for field in definitions.visible_fields(page, data):
            if field["type"] == "explanation":
                continue
            label = definitions.translate(field.get("label"))
            if field["type"] == "group":
                for index, row in enumerate(data.get(field["id"]) or [], start=1):
                    row_label = definitions.translate(field.get("row_label")) or label
                    text = "; ".join(
                        f"{definitions.translate(sub['label'])}: {fields.display(sub, row.get(sub['id']))}"
                        for sub in field["fields"]
                        if row.get(sub["id"]) not in (None, "")
                    )
                    rows.append((f"{row_label} {index}", text))
                continue
            rows.append((label, fields.display(field, data.get(field["id"]), attachments=attachments, data=data)))
        pages.append({"id": page["id"], "title": definitions.translate(page["title"]), "rows": rows})
    return pages


def compute_due_on(procedure, start):
    if procedure.deadline_unit == DeadlineUnit.MONTHS:
        return add_months(start, procedure.deadline_value)
    if procedure.deadline_unit == DeadlineUnit.WORKING_DAYS:
        return add_working_days(start, procedure.deadline_value)
    return start + timedelta(days=procedure.deadline_value)


def _commune_of(data):
    for value in data.values():
        if isinstance(value, dict) and value.get("commune"):
            return Commune.objects.filter(insee_code=value["commune"]).first()
    return None


def _record(dossier, *, transition, target, actor, note="", request=None, **details):
    source = dossier.state
    dossier.state = target
    dossier.revision += 1
    dossier.updated_at = timezone.now()
    StatusChange.objects.create(
        dossier=dossier, from_state=source, to_state=target, transition=transition, actor=actor, note=note
    )
    log_event(
        actor=actor,
        action=f"dossier.{transition}",
        obj=dossier,
        request=request,
        to=target,
        **{"from": source},
        **details,
    )


def _locked(dossier, expected_revision=None):
    """Lock the dossier row for the change; refuse if somebody changed it since the page was shown."""
    fresh = Dossier.objects.select_for_update().select_related("procedure__service", "applicant").get(pk=dossier.pk)
    if expected_revision is not None and fresh.revision != int(expected_revision):
        raise StaleDossier(fresh)
    return fresh


def dossier_url(dossier, *, for_agent=False):
    name = "teleprocedures:agent_dossier" if for_agent else "teleprocedures:dossier"
    return reverse(name, args=[dossier.pk])


def _notify_assignee(dossier, event):
    """Tell the agent in charge (if any) that something happened on their dossier."""
    if dossier.assignee:
        queue_email(
            to=dossier.assignee.email,
            template=f"teleprocedures/email/{event}",
            context={"dossier": dossier, "url": dossier_url(dossier, for_agent=True)},
            user=dossier.assignee,
        )


def _notify_applicant(dossier, event, *, attachments=None, **context):
    applicant = dossier.applicant
    queue_email(
        to=applicant.email,
        template=f"teleprocedures/email/{event}",
        context={"dossier": dossier, "procedure_title": definitions.translate(dossier.procedure.title,
                                                                                applicant.language), **context},
        user=applicant,
        attachments=attachments,
    )  # fmt: skip


def submit_dossier(*, dossier, actor, request=None):
    """Submit a complete draft: number, deadline, acknowledgement of receipt (PDF and email).

    The acknowledgement's PDF is rendered once the submission is committed, so that the numbering lock is not held
    meanwhile; should that step fail, the periodic job sends it.
    """
    with transaction.atomic():
        dossier = _submit(dossier=dossier, actor=actor, request=request)
    return send_due_acknowledgement(dossier)


def _submit(*, dossier, actor, request=None):
    dossier = _locked(dossier)
    target = target_state(dossier, "submit")
    missing = incomplete_pages(dossier)
    if missing:
        raise ValidationError(
            _("Some required answers are missing on: %(pages)s.")
            % {"pages": ", ".join(definitions.translate(p["title"]) for p in missing)}
        )
    now = timezone.now()
    today = timezone.localdate(now)
    procedure = dossier.procedure
    dossier.data = visible_answers(dossier.definition, dossier.data)
    dossier.number = f"{procedure.number_prefix}-{today.year}-{next_value(f'dossier-{today.year}'):06d}"
    dossier.submitted_at = now
    dossier.due_on = compute_due_on(procedure, today)
    dossier.is_late_filing = procedure.is_late(today)
    dossier.commune = _commune_of(dossier.data)
    dossier.acknowledgement_pending = True
    _record(dossier, transition="submit", target=target, actor=actor, request=request, assisted=bool(dossier.filed_by))
    dossier.save()
    webhooks.emit(WebhookEvent.DOSSIER_SUBMITTED, service=procedure.service, data=webhook_data(dossier))
    return dossier


def send_due_acknowledgement(dossier):
    """Write the acknowledgement the dossier still waits for (see portal.acknowledgements)."""
    acknowledgements.send_if_due(dossier, _acknowledge, related=("procedure__service", "applicant"))
    return dossier


def send_due_acknowledgements():
    """Write the acknowledgements left over by a submission interrupted after its commit; return how many."""
    return acknowledgements.send_left_over(Dossier.objects.all(), send_due_acknowledgement, since_field="submitted_at")


def _acknowledge(dossier):
    pdf = acknowledgement_pdf(dossier)
    Attachment.objects.create(
        dossier=dossier,
        kind=AttachmentKind.ACKNOWLEDGEMENT,
        original_name=f"accuse-de-reception-{dossier.number}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        file=ContentFile(pdf, name=f"accuse-de-reception-{dossier.number}.pdf"),
    )
    _notify_applicant(
        dossier,
        "dossier_submitted",
        attachments=[(f"accuse-de-reception-{dossier.number}.pdf", pdf, "application/pdf")],
        url=dossier_url(dossier),
    )


def webhook_data(dossier):
    """What a webhook tells of a request (the receiver reads the rest through the API with its token)."""
    return {"number": dossier.number, "procedure": dossier.procedure.slug, "state": dossier.state,
            "submitted_at": dossier.submitted_at, "decided_at": dossier.decided_at}  # fmt: skip


def silence_sentence(dossier):
    """Return the CRPA sentence saying what silence means and from which date."""
    return silence_sentence_for(dossier.procedure.silence_rule)


def silence_sentence_for(rule):
    """The CRPA sentence for a silence rule, with a %(date)s placeholder (shared with the mailroom)."""
    if rule == SilenceRule.SVA:
        return _(
            "Without an answer from the administration by %(date)s, your request will be considered accepted "
            "(implicit decision of acceptance)."
        )
    if rule == SilenceRule.SVR:
        return _(
            "Without an answer from the administration by %(date)s, your request will be considered rejected "
            "(implicit decision of rejection). You may then ask for its reasons and appeal against it."
        )
    return _("The service undertakes to answer you by %(date)s.")


def acknowledgement_pdf(dossier):
    """Render the acknowledgement of receipt in the applicant's language (dates and CRPA sentence included)."""
    language = dossier.applicant.language
    with translation.override(language):
        due_on_text = date_format(dossier.due_on, "DATE_FORMAT")
        context = {
            "dossier": dossier,
            "procedure_title": definitions.translate(dossier.procedure.title, language),
            "service": dossier.procedure.service,
            "silence": silence_sentence(dossier) % {"date": due_on_text},
            "due_on_text": due_on_text,
            "summary": summary(dossier),
        }
    return render_pdf("teleprocedures/pdf/acknowledgement.html", context, language=language)


# --- Instruction --------------------------------------------------------------------------------------------------


@transaction.atomic
def start_review(*, dossier, actor, expected_revision=None, request=None):
    dossier = _locked(dossier, expected_revision)
    _record(dossier, transition="start_review", target=target_state(dossier, "start_review"), actor=actor,
            request=request)  # fmt: skip
    if dossier.assignee_id is None:
        dossier.assignee = actor
    dossier.save()
    return dossier


@transaction.atomic
def assign_dossier(*, dossier, assignee, actor, request=None):
    dossier = _locked(dossier)
    dossier.assignee = assignee
    dossier.save(update_fields=["assignee"])
    log_event(
        actor=actor, action="dossier.assign", obj=dossier, request=request, assignee=assignee.pk if assignee else None
    )
    return dossier


def follow_dossier(*, dossier, actor, follow=True):
    (dossier.followers.add if follow else dossier.followers.remove)(actor)


@transaction.atomic
def request_information(*, dossier, items, respond_by, actor, expected_revision=None, request=None):
    """Ask the applicant for missing items; the processing deadline stops until they answer."""
    dossier = _locked(dossier, expected_revision)
    target = target_state(dossier, "request_info")
    info = InfoRequest.objects.create(dossier=dossier, items=items, respond_by=respond_by, requested_by=actor)
    dossier.paused_at = timezone.now()
    _record(dossier, transition="request_info", target=target, actor=actor, request=request, note="\n".join(items))
    dossier.save()
    _notify_applicant(dossier, "information_requested", info=info, url=dossier_url(dossier))
    return info


def _end_pause(dossier, now):
    """Stop the pause clock: the time spent waiting for the applicant is not processing time."""
    if dossier.paused_at:
        dossier.paused_duration += now - dossier.paused_at
    dossier.paused_at = None


@transaction.atomic
def provide_information(*, dossier, answer, uploads, actor, request=None):
    """Record the applicant's answer and files; the deadline resumes, extended by the time it was paused."""
    dossier = _locked(dossier)
    target = target_state(dossier, "provide_info")
    info = dossier.info_requests.filter(answered_at__isnull=True).first()
    now = timezone.now()
    if info:
        info.answer = answer
        info.answered_at = now
        info.save(update_fields=["answer", "answered_at"])
    _store_message(dossier=dossier, author=actor, body=answer, uploads=uploads, from_applicant=True)
    if dossier.paused_at and dossier.due_on:
        paused_days = (timezone.localdate(now) - timezone.localdate(dossier.paused_at)).days
        dossier.due_on += timedelta(days=paused_days)
    _end_pause(dossier, now)
    _record(dossier, transition="provide_info", target=target, actor=actor, request=request)
    dossier.save()
    _notify_assignee(dossier, "information_provided")
    return dossier


@transaction.atomic
def decide(*, dossier, transition, reasons, actor, data=None, expected_revision=None, request=None, by_silence=False):
    """Accept, reject or close a dossier: decision with reasons, PDF and notification."""
    if transition not in DECISION_TRANSITIONS:
        raise ValueError(transition)
    dossier = _locked(dossier, expected_revision)
    target = target_state(dossier, transition)
    now = timezone.now()
    decision = Decision.objects.create(
        dossier=dossier,
        outcome=target,
        reasons=reasons,
        data=data or {},
        decided_by=actor,
        by_silence=by_silence,
        decided_at=now,
    )
    dossier.decided_at = now
    _end_pause(dossier, now)
    _record(dossier, transition=transition, target=target, actor=actor, request=request, note=reasons,
            by_silence=by_silence)  # fmt: skip
    dossier.save()
    pdf = decision_pdf(dossier, decision)
    name = f"decision-{dossier.number}.pdf"
    Attachment.objects.create(
        dossier=dossier,
        kind=AttachmentKind.DECISION,
        original_name=name,
        content_type="application/pdf",
        size=len(pdf),
        file=ContentFile(pdf, name=name),
    )
    _notify_applicant(dossier, "decision", decision=decision, url=dossier_url(dossier),
                      attachments=[(name, pdf, "application/pdf")])  # fmt: skip
    webhooks.emit(WebhookEvent.DOSSIER_DECIDED, service=dossier.procedure.service, data=webhook_data(dossier))
    return decision


def decision_pdf(dossier, decision):
    language = dossier.applicant.language
    template = dossier.definition.get("decision", {}).get("template", "letter")
    decision_fields = dossier.definition.get("decision", {}).get("fields", [])
    with translation.override(language):
        details = [
            (definitions.translate(spec["label"]), fields.display(spec, decision.data.get(spec["id"])))
            for spec in decision_fields
            if decision.data.get(spec["id"]) not in (None, "")
        ]
        context = {
            "dossier": dossier,
            "decision": decision,
            "details": details,
            "template": template,
            "procedure_title": definitions.translate(dossier.procedure.title, language),
            "service": dossier.procedure.service,
        }
    return render_pdf("teleprocedures/pdf/decision.html", context, language=language)


@transaction.atomic
def withdraw_dossier(*, dossier, actor, request=None):
    dossier = _locked(dossier)
    _record(dossier, transition="withdraw", target=target_state(dossier, "withdraw"), actor=actor, request=request)
    _end_pause(dossier, timezone.now())
    dossier.save()
    return dossier


def _store_message(*, dossier, author, body, uploads, from_applicant):
    message = Message.objects.create(dossier=dossier, author=author, from_applicant=from_applicant, body=body)
    for upload in uploads:
        store_upload(dossier=dossier, upload=upload, actor=author, kind=AttachmentKind.MESSAGE, message=message)
    return message


@transaction.atomic
def post_message(*, dossier, author, body, uploads=(), from_applicant, request=None):
    message = _store_message(dossier=dossier, author=author, body=body, uploads=uploads, from_applicant=from_applicant)
    log_event(actor=author, action="dossier.message", obj=dossier, request=request, from_applicant=from_applicant)
    if from_applicant:
        _notify_assignee(dossier, "message_received")
    else:
        _notify_applicant(dossier, "message_received", url=dossier_url(dossier))
    return message


def add_annotation(*, dossier, author, body, request=None):
    note = Annotation.objects.create(dossier=dossier, author=author, body=body)
    log_event(actor=author, action="dossier.annotate", obj=dossier, request=request)
    return note


# --- Periodic jobs ------------------------------------------------------------------------------------------------


def decide_by_silence(*, today=None):
    """Decide, as the law says, the dossiers whose deadline passed under an SVA or SVR rule; return how many."""
    today = today or timezone.localdate()
    due = Dossier.objects.filter(
        state__in=[DossierState.SUBMITTED, DossierState.IN_REVIEW],
        paused_at__isnull=True,
        due_on__lt=today,
        procedure__silence_rule__in=[SilenceRule.SVA, SilenceRule.SVR],
    ).select_related("procedure")
    count = 0
    for dossier in due:
        accept = dossier.procedure.silence_rule == SilenceRule.SVA
        try:
            decide(
                dossier=dossier,
                transition="accept" if accept else "reject",
                reasons=_("Implicit decision: no answer was given within the legal deadline."),
                actor=None,
                by_silence=True,
            )
        except TransitionNotAllowed:
            continue
        count += 1
    return count


def purge_past_retention(*, today=None):
    """Delete the files and erase the personal data of decided dossiers past their procedure's retention."""
    today = today or timezone.localdate()
    count = 0
    candidates = Dossier.objects.filter(state__in=[*DECISION_TRANSITIONS.values(), DossierState.WITHDRAWN]).exclude(
        data={}
    )
    for dossier in candidates.select_related("procedure").iterator():
        end = dossier.decided_at or dossier.updated_at
        if add_months(timezone.localdate(end), dossier.procedure.retention_months) > today:
            continue
        with transaction.atomic():
            for attachment in dossier.attachments.all():
                attachment.file.delete(save=False)
            dossier.attachments.all().delete()
            dossier.messages.update(body="")
            dossier.annotations.update(body="")
            dossier.info_requests.update(answer="", items=[])
            Decision.objects.filter(dossier=dossier).update(reasons="", data={})
            Dossier.objects.filter(pk=dossier.pk).update(data={})
            log_event(actor=None, action="dossier.purged", obj=dossier)
            count += 1
    return count


def expire_drafts(*, now=None):
    """Warn people whose draft is about to expire (7 days before) and delete expired drafts; return counts."""
    now = now or timezone.now()
    warned = deleted = 0
    drafts = Dossier.objects.filter(state=DossierState.DRAFT).select_related("procedure", "applicant")
    for draft in drafts:
        expires_at = draft.updated_at + timedelta(days=draft.procedure.draft_lifetime_days)
        if expires_at <= now:
            discard_draft(dossier=draft, actor=None)
            deleted += 1
        elif expires_at - timedelta(days=7) <= now and draft.expiry_warned_at is None:
            with transaction.atomic():
                _notify_applicant(draft, "draft_expiring", expires_at=expires_at,
                                  url=reverse("teleprocedures:procedure", args=[draft.procedure.slug]))  # fmt: skip
                Dossier.objects.filter(pk=draft.pk).update(expiry_warned_at=now)
            warned += 1
    return {"warned": warned, "deleted": deleted}


def personal_data(user):
    """Return the person's dossiers for the personal data export."""
    result = []
    for dossier in (
        Dossier.objects.for_applicant(user)
        .select_related("procedure")
        .prefetch_related("history", "messages", "attachments")
    ):
        result.append(
            {
                "number": dossier.number,
                "procedure": definitions.translate(dossier.procedure.title),
                "state": dossier.state,
                "answers": dossier.data,
                "submitted_at": dossier.submitted_at.isoformat() if dossier.submitted_at else None,
                "history": [
                    {"from": h.from_state, "to": h.to_state, "date": h.created_at.isoformat()}
                    for h in dossier.history.all()
                ],
                "messages": [
                    {"from_applicant": m.from_applicant, "body": m.body, "date": m.created_at.isoformat()}
                    for m in dossier.messages.all()
                ],
                "files": [
                    {"name": a.original_name, "kind": a.kind, "size": a.size} for a in dossier.attachments.all()
                ],
            }
        )
    return result


# --- Import and export of procedure files ---------------------------------------------------------------------------

PROCEDURE_SETTINGS = [
    "number_prefix",
    "theme",
    "audience",
    "deadline_value",
    "deadline_unit",
    "silence_rule",
    "retention_months",
    "late_after",
    "opens_on",
    "closes_on",
    "title",
    "summary",
    "who_can_file",
    "duration",
    "documents",
]


@transaction.atomic
def import_procedure(*, document, actor=None):
    """Create or update a procedure from a file; a changed definition becomes a new published version.

    Return (procedure, what happened): "created", "new version" or "unchanged".
    """
    from portal.models import Service
    from teleprocedures.models import Procedure

    errors = definitions.validate_procedure_file(document)
    if errors:
        raise ValidationError(errors)
    service = Service.objects.filter(slug=document["service"]).first()
    if service is None:
        raise ValidationError([f"service: no service has the identifier '{document['service']}'"])
    values = {key: document[key] for key in PROCEDURE_SETTINGS if key in document}
    for key in ("summary", "who_can_file", "duration"):
        if isinstance(values.get(key), str):
            values[key] = {"fr": values[key]}
    procedure, created = Procedure.objects.update_or_create(
        slug=document["slug"], defaults={**values, "service": service}
    )
    published = procedure.published_version()
    if published and published.definition == document["definition"]:
        return procedure, "unchanged"
    version = create_draft_version(procedure=procedure, definition=document["definition"], actor=actor)
    publish_version(version=version, actor=actor)
    return procedure, "created" if created else "new version"


def export_procedure(procedure, *, version=None):
    """Return the procedure as a file document (the published version, or the given one)."""
    version = version or procedure.published_version() or procedure.versions.order_by("-number").first()
    document = {"slug": procedure.slug, "service": procedure.service.slug}
    for key in PROCEDURE_SETTINGS:
        value = getattr(procedure, key)
        if value in (None, "", [], {}):
            continue
        document[key] = value.isoformat() if hasattr(value, "isoformat") else value
    document["definition"] = version.definition if version else {"pages": []}
    return document
