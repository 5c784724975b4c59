"""RSA-style invitations: created one by one or from a CSV file, sent with a personal link, reminded once."""

import csv
import io
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import Invitation
from portal.notifications import queue_email, queue_sms
from portal.organisation import find_commune
from portal.services import log_event
from portal.validators import normalize_french_phone


CSV_COLUMNS = ["reference", "last_name", "first_name", "email", "phone", "address_line", "commune"]


def clean_person(row):
    """Return the cleaned fields of one person, or raise ValidationError with the reasons."""
    errors = []
    data = {key: (row.get(key) or "").strip() for key in CSV_COLUMNS}
    if not data["last_name"] or not data["first_name"]:
        errors.append(_("the first and last names are required"))
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            errors.append(_("the email address is not valid"))
    if data["phone"]:
        try:
            data["phone"] = normalize_french_phone(data["phone"])
        except ValidationError:
            errors.append(_("the phone number is not valid"))
    if not data["email"] and not data["phone"]:
        errors.append(_("an email address or a phone number is needed to send the invitation"))
    commune = None
    if data["commune"]:
        try:
            commune = find_commune(data["commune"])
        except ValidationError as error:
            errors.append(error.messages[0])
    if errors:
        raise ValidationError(errors)
    data["commune"] = commune
    return data


@transaction.atomic
def invite(*, motif, person, actor, request=None):
    """Create the invitation and send it by email and/or SMS (through the outbox)."""
    invitation = Invitation.objects.create(
        motif=motif,
        token=secrets.token_urlsafe(24),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        created_by=actor,
        **person,
    )
    log_event(actor=actor, action="invitation.create", obj=invitation, request=request)
    _send(invitation, "invitation")
    return invitation


def import_csv(*, motif, content, actor, request=None):
    """Invite every good row of a CSV file (; or , separated); return (invitations, [(line, reasons)])."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "a;b", delimiters=";,")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = {"last_name", "first_name"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationError(
            _("The file must have a header line with the columns: %(columns)s.") % {"columns": ", ".join(CSV_COLUMNS)}
        )
    invited, rejected = [], []
    for line, row in enumerate(reader, start=2):
        try:
            person = clean_person(row)
        except ValidationError as error:
            rejected.append((line, error.messages))
            continue
        # Each row stands alone: a row that fails never undoes the others.
        invited.append(invite(motif=motif, person=person, actor=actor, request=request))
    return invited, rejected


def _send(invitation, event):
    context = {"invitation": invitation}
    if invitation.email:
        queue_email(to=invitation.email, template=f"appointments/email/{event}", context=context)
    if invitation.phone:
        queue_sms(to=invitation.phone, template=f"appointments/sms/{event}", context=context)


def send_reminders(*, now=None):
    """Remind, once, the invited people who have not booked after N days and whose link is still valid."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        appointment__isnull=True,
        reminded_at__isnull=True,
        created_at__lte=now - timedelta(days=settings.INVITATION_REMINDER_DAYS),
        expires_at__gt=now + timedelta(days=1),
    ).select_related("motif")
    count = 0
    for invitation in due:
        with transaction.atomic():
            if Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(reminded_at=now):
                _send(invitation, "invitation_reminder")
                count += 1
    return count


def valid_invitation(token):
    """Return the invitation of a link if it is still valid and not used, else None."""
    return (
        Invitation.objects.select_related("motif__service", "commune")
        .filter(token=token, expires_at__gt=timezone.now(), appointment__isnull=True)
        .first()
    )
