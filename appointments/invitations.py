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
from portal.notifications import queue_messages, render_email, render_sms
from portal.organisation import CommuneDirectory, find_commune
from portal.services import log_events
from portal.validators import normalize_french_phone


CSV_COLUMNS = ["reference", "last_name", "first_name", "email", "phone", "address_line", "commune"]


def clean_person(row, communes=None):
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
            commune = find_commune(data["commune"], communes)
        except ValidationError as error:
            errors.append(error.messages[0])
    if errors:
        raise ValidationError(errors)
    data["commune"] = commune
    return data


IMPORT_BATCH = 500
# About 20 seconds of work for one request (5,000 rows take 5.6 s in the load suite's campaign).
IMPORT_MAX_ROWS = 20_000


@transaction.atomic
def invite_all(*, motif, people, actor, request=None):
    """Create the invitations of `people` (cleaned by clean_person) and send them, a few statements in all."""
    now = timezone.now()
    created = Invitation.objects.bulk_create(
        Invitation(
            motif=motif,
            token=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
            created_by=actor,
            **person,
        )
        for person in people
    )
    log_events(actor=actor, action="invitation.create", objects=created, request=request)
    queue_messages([message for invitation in created for message in _messages(invitation, "invitation")])
    return created


def invite(*, motif, person, actor, request=None):
    """Create one invitation and send it by email and/or SMS (through the outbox)."""
    return invite_all(motif=motif, people=[person], actor=actor, request=request)[0]


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
    rows = list(reader)
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)s lines; %(max)s at most per file: split it and import each part.")
            % {"count": len(rows), "max": IMPORT_MAX_ROWS}
        )
    communes = CommuneDirectory()
    people, rejected = [], []
    for line, row in enumerate(rows, start=2):
        try:
            people.append(clean_person(row, communes))
        except ValidationError as error:
            rejected.append((line, error.messages))
    # A bad row never stops the good ones; each batch is written (and its messages queued) in one transaction.
    invited = []
    for start in range(0, len(people), IMPORT_BATCH):
        invited += invite_all(motif=motif, people=people[start : start + IMPORT_BATCH], actor=actor, request=request)
    return invited, rejected


def _messages(invitation, event):
    context = {"invitation": invitation}
    if invitation.email:
        yield render_email(to=invitation.email, template=f"appointments/email/{event}", context=context)
    if invitation.phone:
        yield render_sms(to=invitation.phone, template=f"appointments/sms/{event}", context=context)


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
                queue_messages(list(_messages(invitation, "invitation_reminder")))
                count += 1
    return count


def valid_invitation(token):
    """Return the invitation of a link if it is still valid and not used, else None."""
    return (
        Invitation.objects.select_related("motif__service", "commune")
        .filter(token=token, expires_at__gt=timezone.now(), appointment__isnull=True)
        .first()
    )
