"""Business rules of the mailroom: numbering, deadlines, routing, acknowledgements, replies, digests, retention."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mailroom.enums import ActivityKind, Channel, Direction, MailStatus
from mailroom.models import DEFAULT_ALERT_DAYS, PLACEHOLDER, Contact, MailActivity, MailAttachment, MailItem
from mailroom.search import search_text_of
from mailroom.workflow import OPEN_STATUSES, target_status
from portal import acknowledgements, webhooks
from portal.calendar import add_months, add_working_days, working_days_between
from portal.enums import Role, WebhookEvent
from portal.notifications import queue_email
from portal.numbering import next_value
from portal.pdf import render_pdf
from portal.services import log_event
from teleprocedures.enums import SilenceRule


DUPLICATE_WINDOW_DAYS = 7


# --- Contacts -----------------------------------------------------------------------------------------------------


def link_account(contact):
    """Link the contact to the account whose verified email is the contact's, if there is one."""
    from allauth.account.models import EmailAddress

    if contact.email and contact.user_id is None:
        address = EmailAddress.objects.filter(email__iexact=contact.email, verified=True).first()
        if address:
            contact.user_id = address.user_id
    return contact


def find_contact(data):
    """The contact with this email, or with these names and no email, if there is one."""
    email = (data.get("email") or "").strip()
    existing = Contact.objects.filter(email__iexact=email) if email else Contact.objects.filter(
        email="", last_name__iexact=data.get("last_name", ""), first_name__iexact=data.get("first_name", ""),
        organisation_name__iexact=data.get("organisation_name", ""),
    )  # fmt: skip
    return existing.order_by("pk").first()


def create_contact(data):
    names = ("kind", "first_name", "last_name", "organisation_name", "phone", "address_line", "postal_code", "city")
    email = (data.get("email") or "").strip()
    contact = Contact(email=email, **{name: data[name] for name in names if data.get(name)})
    link_account(contact).save()
    return contact


def find_or_create_contact(data):
    """Return the contact with this email (or these names and no email), created if new."""
    return find_contact(data) or create_contact(data)


# --- Deadlines ----------------------------------------------------------------------------------------------------


def deadline_days(category, priority):
    """The processing deadline in working days: the priority's, or the category's when shorter (None: none)."""
    priority_days = settings.MAIL_PRIORITY_DAYS.get(priority)
    if category is not None and category.deadline_days is None and priority == "normal":
        return None
    candidates = [days for days in (priority_days, category.deadline_days if category else None) if days]
    return min(candidates) if candidates else None


def due_date_for(received_on, category, priority):
    days = deadline_days(category, priority)
    return add_working_days(received_on, days) if days else None


def alert_date_for(due_date, category):
    """From when the item shows as "due soon": the category's warning, in working days before the deadline."""
    if due_date is None:
        return None
    return add_working_days(due_date, -(category.alert_days if category else DEFAULT_ALERT_DAYS))


# --- Registration -------------------------------------------------------------------------------------------------


def possible_duplicates(*, contact, subject, received_on, exclude_pk=None):
    """Mail from the same sender with the same subject within a week: probably the same letter twice."""
    window = timedelta(days=DUPLICATE_WINDOW_DAYS)
    items = MailItem.objects.filter(
        contact=contact, subject__iexact=subject.strip(), received_on__gte=received_on - window,
        received_on__lte=received_on + window,
    )  # fmt: skip
    return list(items.exclude(pk=exclude_pk)) if exclude_pk else list(items)


def _next_number(year):
    return f"{year}-{next_value(f'mail-{year}'):06d}"


def _activity(item, kind, actor=None, text="", **data):
    return MailActivity.objects.create(item=item, kind=kind, actor=actor, text=text, data=data)


def store_attachment(*, item, upload, is_reply=False):
    """Keep a file of the item; its type is read from its first bytes, never taken from its name."""
    from portal.files import FILE_SIGNATURES, detect_file_kind, save_file

    name = getattr(upload, "name", "piece.pdf").rsplit("/", 1)[-1]
    kind = detect_file_kind(upload)
    content = upload.read()
    attachment = MailAttachment(
        item=item, original_name=name, size=len(content), is_reply=is_reply,
        content_type=FILE_SIGNATURES[kind][0] if kind else "application/octet-stream",
    )  # fmt: skip
    save_file(attachment.file, name, ContentFile(content))
    attachment.save()
    return attachment


def register(*, acknowledge=True, acknowledge_now=True, **fields):
    """Register a mail item: its number (gapless per year), deadline, routing, and acknowledgement.

    Outgoing mail is recorded once sent: it is closed from the start. The receipt (with its PDF) is sent after the
    registration's transaction, so that the numbering lock is not held while a PDF renders; should that step fail,
    the periodic job sends it. A caller registering inside a larger transaction passes `acknowledge_now=False` and
    calls send_due_acknowledgement once that transaction is over.
    """
    with transaction.atomic():
        item = _register(acknowledge=acknowledge, **fields)
    if acknowledge_now:
        send_due_acknowledgement(item)
    return item


def _register(*, contact, subject, channel, actor=None, received_on=None, body="", category=None, priority="normal",
              service=None, assignee=None, copies=(), attachments=(), direction=Direction.INCOMING, external_id="",
              dossier=None, appointment=None, in_reply_to=None, request=None, acknowledge=True):  # fmt: skip
    received_on = received_on or timezone.localdate()
    service = service or (category.service if category else None)
    incoming = direction == Direction.INCOMING
    status = MailStatus.ROUTED if service else MailStatus.REGISTERED
    due_date = due_date_for(received_on, category, priority) if incoming else None
    item = MailItem(
        number=_next_number(received_on.year), year=received_on.year, direction=direction, channel=channel,
        received_on=received_on, contact=contact, subject=subject.strip(), body=body, category=category,
        priority=priority, service=service, assignee=assignee,
        status=status if incoming else MailStatus.CLOSED, due_date=due_date,
        alert_on=alert_date_for(due_date, category),
        external_id=external_id, dossier=dossier, appointment=appointment, in_reply_to=in_reply_to, created_by=actor,
        closed_at=None if incoming else timezone.now(), acknowledgement_pending=acknowledge and incoming,
    )  # fmt: skip
    item.search_text = search_text_of(item)
    item.save(force_insert=True)
    if copies:
        item.copies.set(copies)
    for upload in attachments:
        store_attachment(item=item, upload=upload)
    _activity(item, ActivityKind.REGISTERED, actor, channel=channel)
    if service:
        _activity(item, ActivityKind.ROUTED, actor, service=service.name)
    log_event(actor=actor, action="mail.register", obj=item, request=request, channel=channel)
    if incoming:
        webhooks.emit(WebhookEvent.MAIL_REGISTERED, service=service, data=webhook_data(item))
    return item


def webhook_data(item):
    """What a webhook tells of a mail item (the receiver reads the rest through the API with its token)."""
    return {"number": item.number, "channel": item.channel, "status": item.status, "received_on": item.received_on,
            "due_date": item.due_date}  # fmt: skip


class PossibleDuplicate(Exception):
    """Mail from this sender with this subject came in the last days: the clerk must confirm it is another one."""

    def __init__(self, duplicates):
        super().__init__("possible duplicate")
        self.duplicates = list(duplicates)


def register_checked(*, form, actor, attachments=(), request=None):
    """See _register_checked; the receipt is sent once the registration is committed."""
    with transaction.atomic():
        item = _register_checked(form=form, actor=actor, attachments=attachments, request=request)
    return send_due_acknowledgement(item)


def _register_checked(*, form, actor, attachments=(), request=None):
    """Register what a valid RegisterForm holds: the sender chosen, found or created, after the duplicate check.

    Raise PossibleDuplicate (nothing registered) unless the form confirms it is another mail. `attachments` may be
    a function returning the files, called only once the checks pass (kept uploads are then taken, not lost).
    """
    data = form.cleaned_data
    contact = form.chosen_contact or find_contact(form.new_sender())
    if contact is not None and not data["confirm_duplicate"]:
        duplicates = possible_duplicates(contact=contact, subject=data["subject"], received_on=data["received_on"])
        if duplicates:
            raise PossibleDuplicate(duplicates)
    contact = contact or create_contact(form.new_sender())
    return register(
        contact=contact, subject=data["subject"], body=data["body"], channel=data["channel"],
        received_on=data["received_on"], category=data["category"], priority=data["priority"],
        service=data["service"], copies=data["copies"], actor=actor, request=request,
        attachments=attachments() if callable(attachments) else attachments, acknowledge_now=False,
    )  # fmt: skip


# --- Files kept while a registration form is corrected ----------------------------------------------------------

KEPT_SALT = "mailroom.kept-upload"
KEPT_DIR = "mail/pending"
KEPT_MAX_AGE = timedelta(days=1)


def keep_uploads(uploads, user):
    """Store checked uploads aside, so that a form shown again loses no file; return them as `kept_uploads` does.

    Each carries a signed token (the form sends it back) naming the file and the agent it belongs to.
    """
    from django.core import signing
    from django.core.files.storage import default_storage

    kept = []
    for upload in uploads:
        content_type = getattr(upload, "detected_content_type", "") or "application/octet-stream"
        path = default_storage.save(f"{KEPT_DIR}/{user.pk}/{uuid.uuid4().hex}", upload)
        entry = {"path": path, "name": upload.name.rsplit("/", 1)[-1][:150], "size": upload.size,
                 "content_type": content_type}  # fmt: skip
        data = {"p": entry["path"], "n": entry["name"], "t": entry["content_type"], "s": entry["size"], "u": user.pk}
        kept.append({**entry, "token": signing.dumps(data, salt=KEPT_SALT)})
    return kept


def kept_uploads(tokens, user):
    """The files behind signed tokens of this user (others, forged or expired ones are ignored)."""
    from django.core import signing
    from django.core.files.storage import default_storage

    kept = []
    for token in tokens:
        try:
            data = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
        except signing.BadSignature:
            continue
        if data.get("u") == user.pk and default_storage.exists(data["p"]):
            kept.append({"token": token, "path": data["p"], "name": data["n"], "content_type": data["t"],
                         "size": data["s"]})  # fmt: skip
    return kept


def take_kept(kept):
    """Read the kept files back as uploads and remove them from the waiting area."""
    from django.core.files.storage import default_storage

    uploads = []
    for entry in kept:
        with default_storage.open(entry["path"], "rb") as handle:
            upload = ContentFile(handle.read(), name=entry["name"])
        upload.detected_content_type = entry["content_type"]
        uploads.append(upload)
        default_storage.delete(entry["path"])
    return uploads


def purge_kept_uploads(*, now=None):
    """Delete files kept for a form that was never sent again (older than a day)."""
    from django.core.files.storage import default_storage

    now = now or timezone.now()
    removed = 0
    try:
        users, _files = default_storage.listdir(KEPT_DIR)
    except FileNotFoundError:
        return 0
    for folder in users:
        for name in default_storage.listdir(f"{KEPT_DIR}/{folder}")[1]:
            path = f"{KEPT_DIR}/{folder}/{name}"
            if now - default_storage.get_modified_time(path) > KEPT_MAX_AGE:
                default_storage.delete(path)
                removed += 1
    return removed


# --- Acknowledgements ---------------------------------------------------------------------------------------------


def _language(item):
    return item.contact.user.language if item.contact.user_id else settings.LANGUAGE_CODE


def silence_sentence(item):
    from teleprocedures.services import silence_sentence_for

    return silence_sentence_for(item.category.silence_rule if item.category else SilenceRule.NONE)


def implicit_decision_date(item):
    category = item.category
    if category and category.silence_rule != SilenceRule.NONE:
        return add_months(item.received_on, category.silence_months)
    return item.due_date


def acknowledgement_context(item):
    decision_date = implicit_decision_date(item)
    return {
        "item": item,
        "service": item.service,
        "is_request": bool(item.category and item.category.is_request),
        "decision_date": decision_date,
        "silence": silence_sentence(item) % {"date": date_format(decision_date, "DATE_FORMAT")}
        if decision_date
        else "",
    }


def acknowledgement_pdf(item, context):
    return render_pdf("mailroom/pdf/acknowledgement.html", context, language=_language(item))


def _mark_acknowledged(item):
    item.acknowledged_at = timezone.now()
    MailItem.objects.filter(pk=item.pk).update(acknowledged_at=item.acknowledged_at)


def send_due_acknowledgement(item):
    """Send the receipt the item still waits for (see portal.acknowledgements)."""
    due = acknowledgements.send_if_due(item, acknowledge_receipt, related=("contact__user", "category", "service"))
    if due is not None:
        item.acknowledged_at = due.acknowledged_at
    return item


def send_due_acknowledgements():
    """Send the receipts left over by a registration interrupted after its commit; return how many."""
    return acknowledgements.send_left_over(MailItem.objects.all(), send_due_acknowledgement, since_field="created_at")


def acknowledge_receipt(item):
    """Email and web mail get a receipt at once (CRPA mentions when it is a request); paper requests get a letter."""
    contact = item.contact
    with translation.override(_language(item)):
        context = acknowledgement_context(item)
    is_request = context["is_request"]
    if item.channel in (Channel.EMAIL, Channel.WEB) and contact.email:
        pdf = acknowledgement_pdf(item, context) if is_request else None
        attachments = [(f"accuse-de-reception-{item.number}.pdf", pdf, "application/pdf")] if pdf else None
        queue_email(to=contact.email, template="mailroom/email/receipt", context=context, user=contact.user,
                    language=_language(item), attachments=attachments)  # fmt: skip
        _activity(item, ActivityKind.ACKNOWLEDGED, None, by="email", to=contact.email, crpa=is_request)
        _mark_acknowledged(item)
    elif is_request and item.channel == Channel.PAPER:
        pdf = acknowledgement_pdf(item, context)
        store_attachment(item=item, upload=ContentFile(pdf, name=f"accuse-de-reception-{item.number}.pdf"),
                         is_reply=True)  # fmt: skip
        _activity(item, ActivityKind.ACKNOWLEDGED, None, by="letter", crpa=True)
        _mark_acknowledged(item)


# --- Processing ---------------------------------------------------------------------------------------------------


def _locked(item):
    related = ("contact", "category", "service")
    return MailItem.objects.select_for_update(of=("self",)).select_related(*related).get(pk=item.pk)


@transaction.atomic
def change_status(*, item, transition, actor, text="", request=None):
    item = _locked(item)
    previous = item.status
    item.status = target_status(item, transition)
    if item.status in (MailStatus.CLOSED, MailStatus.REJECTED, MailStatus.FORWARDED):
        item.closed_at = timezone.now()
        item.close_reason = text
    item.save()
    _activity(item, ActivityKind.STATUS, actor, text, **{"from": previous, "to": item.status})
    log_event(actor=actor, action=f"mail.{transition}", obj=item, request=request)
    return item


@transaction.atomic
def assign(*, item, assignee, actor, request=None):
    item = _locked(item)
    item.assignee = assignee
    if item.status in (MailStatus.REGISTERED, MailStatus.ROUTED):
        item.status = MailStatus.IN_PROGRESS
    item.save()
    _activity(item, ActivityKind.ASSIGNED, actor, assignee=str(assignee) if assignee else "")
    log_event(actor=actor, action="mail.assign", obj=item, request=request, assignee=assignee.pk if assignee else None)
    if assignee and assignee != actor:
        queue_email(to=assignee.email, template="mailroom/email/assigned", context={"item": item}, user=assignee)
    return item


@transaction.atomic
def add_note(*, item, text, actor, request=None):
    """A note on the item, visible to the agents who see it; its words are found by the search."""
    item = _locked(item)
    note = _activity(item, ActivityKind.NOTE, actor, text)
    notes = item.activity.filter(kind=ActivityKind.NOTE).values_list("text", flat=True)
    item.search_text = search_text_of(item, notes)
    item.save(update_fields=["search_text", "updated_at"])
    log_event(actor=actor, action="mail.note", obj=item, request=request)
    return note


@transaction.atomic
def forward(*, item, service, reason, actor, request=None):
    """Send the item to another service of the Département (its deadline does not change)."""
    item = _locked(item)
    target_status(item, "route")
    previous = item.service
    item.service, item.assignee, item.status = service, None, MailStatus.ROUTED
    item.save()
    _activity(item, ActivityKind.FORWARDED, actor, reason, **{"from": str(previous or ""), "to": service.name})
    log_event(actor=actor, action="mail.forward", obj=item, request=request, service=service.pk)
    return item


@transaction.atomic
def pause(*, item, actor, text="", request=None):
    """Wait for the sender (missing information): the deadline stops until they answer."""
    item = _locked(item)
    item.status = target_status(item, "wait")
    item.paused_since = timezone.localdate()
    item.save()
    _activity(item, ActivityKind.PAUSED, actor, text)
    log_event(actor=actor, action="mail.pause", obj=item, request=request)
    return item


@transaction.atomic
def resume(*, item, actor, request=None):
    """The sender answered: the deadline is pushed back by the working days spent waiting."""
    item = _locked(item)
    item.status = target_status(item, "resume")
    waited = working_days_between(item.paused_since, timezone.localdate()) if item.paused_since else 0
    if item.due_date and waited:
        item.due_date = add_working_days(item.due_date, waited)
        item.alert_on = alert_date_for(item.due_date, item.category)
    item.paused_since = None
    item.save()
    _activity(item, ActivityKind.RESUMED, actor, waited_days=waited)
    log_event(actor=actor, action="mail.resume", obj=item, request=request, waited_days=waited)
    return item


def placeholder_help():
    from mailroom.models import PLACEHOLDERS

    return [("{{ " + name + " }}", label) for name, label in PLACEHOLDERS.items()]


def fill_template(text, item, actor):
    """Replace the {{ placeholders }} of a reply template with the item's values (plain text, never evaluated)."""
    service = item.service
    signature = "\n".join(part for part in (actor.get_full_name(), service.name if service else "",
                                            settings.PLATFORM["organisation"]) if part)  # fmt: skip
    values = {
        "contact_name": item.contact.display_name,
        "contact_address": item.contact.postal_address,
        "number": item.number,
        "subject": item.subject,
        "received_on": date_format(item.received_on, "DATE_FORMAT"),
        "today": date_format(timezone.localdate(), "DATE_FORMAT"),
        "service": service.name if service else "",
        "signature": signature,
    }
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


@transaction.atomic
def reply(*, item, text, by, actor, request=None):
    """Answer the item: a letter rendered to PDF (kept as outgoing mail), sent by email when the sender has one."""
    item = _locked(item)
    target_status(item, "answer")
    if by == Channel.EMAIL and not item.contact.email:
        raise ValueError(_("The sender has no email address: answer by letter."))
    language = _language(item)
    with translation.override(language):
        body = fill_template(text, item, actor)
        pdf = render_pdf("mailroom/pdf/reply.html", {"item": item, "body": body, "service": item.service},
                         language=language)  # fmt: skip
    outgoing = register(
        contact=item.contact, subject=_("Re: %(subject)s") % {"subject": item.subject}, channel=by,
        direction=Direction.OUTGOING, service=item.service, actor=actor, body=body, in_reply_to=item,
    )  # fmt: skip
    name = f"reponse-{item.number}.pdf"
    store_attachment(item=outgoing, upload=ContentFile(pdf, name=name), is_reply=True)
    if by == Channel.EMAIL:
        queue_email(to=item.contact.email, template="mailroom/email/reply", context={"item": item, "body": body},
                    user=item.contact.user, language=language,
                    attachments=[(name, pdf, "application/pdf")])  # fmt: skip
    item.status = MailStatus.ANSWERED
    item.answered_at = timezone.now()
    item.save(update_fields=["status", "answered_at", "updated_at"])
    _activity(item, ActivityKind.REPLIED, actor, by=by, outgoing=outgoing.number)
    log_event(actor=actor, action="mail.reply", obj=item, request=request, by=by, outgoing=outgoing.pk)
    webhooks.emit(WebhookEvent.MAIL_ANSWERED, service=item.service, data=webhook_data(item))
    return outgoing


def close(*, item, actor, reason="", request=None):
    """Close the item: it needs a reply, or a reason when there is none to give."""
    if item.status != MailStatus.ANSWERED and not reason.strip():
        raise ValueError(_("Give the reason for closing without a reply."))
    return change_status(item=item, transition="close", actor=actor, text=reason, request=request)


# --- Deadlines: digest and escalation -----------------------------------------------------------------------------


def send_deadline_digest(*, today=None):
    """Each assignee gets their overdue and due-soon mail; each overdue item is escalated to its managers once."""
    from portal.models import User

    today = today or timezone.localdate()
    base = MailItem.objects.select_related("contact", "service")
    digests = 0
    concerned = (base.overdue(today) | base.due_soon(today)).exclude(assignee=None)
    assignee_ids = set(concerned.values_list("assignee", flat=True))
    for user in User.objects.filter(pk__in=assignee_ids):
        mine = base.filter(assignee=user)
        queue_email(to=user.email, template="mailroom/email/digest", user=user,
                    context={"overdue": list(mine.overdue(today)), "soon": list(mine.due_soon(today))})  # fmt: skip
        digests += 1
    escalated = 0
    already = MailActivity.objects.filter(kind=ActivityKind.ESCALATED).values("item")
    for item in base.overdue(today).exclude(pk__in=already).exclude(service=None):
        managers = User.objects.filter(memberships__service=item.service, memberships__role=Role.MANAGER).distinct()
        with transaction.atomic():
            for manager in managers:
                queue_email(to=manager.email, template="mailroom/email/escalation", context={"item": item},
                            user=manager)  # fmt: skip
            _activity(item, ActivityKind.ESCALATED, None, managers=[m.email for m in managers])
        escalated += 1
    return {"digests": digests, "escalated": escalated}


# --- Retention and personal data ----------------------------------------------------------------------------------


def purge_past_retention(*, today=None):
    """Delete mail closed more than MAIL_RETENTION_YEARS ago, with its files; contacts left with nothing go too."""
    today = today or timezone.localdate()
    limit = timezone.now() - timedelta(days=365 * settings.MAIL_RETENTION_YEARS)
    purged = 0
    for item in MailItem.objects.exclude(status__in=OPEN_STATUSES).filter(closed_at__lt=limit).iterator():
        with transaction.atomic():
            for attachment in item.attachments.all():
                attachment.file.delete(save=False)
            contact_id = item.contact_id
            MailItem.objects.filter(in_reply_to=item).update(in_reply_to=None)
            item.delete()
            Contact.objects.filter(pk=contact_id, items__isnull=True).delete()
            purged += 1
    return purged


def contact_timeline(contact, user):
    """Everything the agent may see of this person or organisation, newest first: mail, requests, appointments."""
    from appointments.models import Appointment
    from teleprocedures.models import Dossier

    entries = [
        {"date": item.created_at, "kind": "mail", "object": item}
        for item in MailItem.objects.for_agent(user).filter(contact=contact).select_related("service")
    ]
    person = Q(applicant=contact.user_id) if contact.user_id else Q(pk__in=[])
    if contact.email:
        person |= Q(applicant__email__iexact=contact.email)
    dossiers = Dossier.objects.for_agent(user).filter(person).select_related("procedure")
    entries += [{"date": dossier.submitted_at or dossier.created_at, "kind": "dossier", "object": dossier}
                for dossier in dossiers]  # fmt: skip
    who = Q(user=contact.user_id) if contact.user_id else Q(pk__in=[])
    if contact.email:
        who |= Q(email__iexact=contact.email)
    appointments = Appointment.objects.for_agent(user).filter(who).select_related("motif", "site")
    entries += [{"date": appointment.starts_at, "kind": "appointment", "object": appointment}
                for appointment in appointments]  # fmt: skip
    return sorted(entries, key=lambda entry: entry["date"], reverse=True)


def personal_data(user):
    return [
        {
            "number": item.number,
            "direction": item.direction,
            "channel": item.channel,
            "received_on": item.received_on.isoformat(),
            "subject": item.subject,
            "body": item.body,
            "status": item.status,
        }
        for item in MailItem.objects.filter(contact__user=user).order_by("created_at")
    ]


def contacts_data(user):
    """How the mail service knows the person as a sender (names and addresses typed at the counter or on letters)."""
    return [
        {
            "first_name": c.first_name,
            "last_name": c.last_name,
            "organisation": c.organisation_name,
            "email": c.email,
            "phone": c.phone,
            "address_line": c.address_line,
            "postal_code": c.postal_code,
            "city": c.city,
            "created_at": c.created_at.isoformat(),
        }
        for c in Contact.objects.filter(user=user).order_by("created_at")
    ]


def items_of_citizen(user):
    """What a citizen sees in Mon espace: the mail they sent online or by email, and the replies to it."""
    return MailItem.objects.filter(contact__user=user).filter(
        Q(channel__in=[Channel.WEB, Channel.EMAIL]) | Q(direction=Direction.OUTGOING)
    )
