"""Incoming email: each .eml file (or IMAP message) becomes a mail item; a broken one is set aside, never lost."""

import email
import logging
import shutil
from email import policy
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from mailroom import services
from mailroom.enums import ActivityKind, Channel
from mailroom.forms import check_upload
from mailroom.models import MailItem


logger = logging.getLogger("mailroom")


class MalformedEmail(Exception):
    pass


def parse(raw):
    """Return the sender, subject, date, body text, attachments and Message-ID of a raw email (bytes)."""
    message = email.message_from_bytes(raw, policy=policy.default)
    if not message.get("From") and not message.get("Subject"):
        raise MalformedEmail("no From nor Subject header")
    name, address = parseaddr(str(message.get("From", "")))
    if "@" not in address:
        raise MalformedEmail("no sender address")
    try:
        received = parsedate_to_datetime(message["Date"]) if message.get("Date") else None
    except (TypeError, ValueError):
        received = None
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = body_part.get_content() if body_part else ""
    if body_part and body_part.get_content_type() == "text/html":
        body = strip_tags(body)
    attachments, refused = [], []
    for part in message.iter_attachments():
        upload = ContentFile(part.get_payload(decode=True) or b"", name=part.get_filename() or "piece-jointe")
        try:
            attachments.append(check_upload(upload))
        except ValidationError:
            refused.append(upload.name)
    first, _sep, last = name.strip().rpartition(" ")
    return {
        "email": address.strip().lower(),
        "first_name": first,
        "last_name": last or address.split("@")[0],
        "subject": str(message.get("Subject", "")).strip()[:255] or "(sans objet)",
        "received_on": timezone.localdate(received) if received and received.tzinfo else timezone.localdate(),
        "body": body.strip()[:50000],
        "attachments": attachments,
        "refused": refused,
        "message_id": str(message.get("Message-ID", "")).strip()[:255],
    }


@transaction.atomic
def ingest(raw, *, category=None):
    """Register one email as mail (once per Message-ID); return (item, created)."""
    parsed = parse(raw)
    if parsed["message_id"]:
        existing = MailItem.objects.filter(external_id=parsed["message_id"]).first()
        if existing:
            return existing, False
    contact = services.find_or_create_contact(parsed)
    item = services.register(
        contact=contact, subject=parsed["subject"], body=parsed["body"], channel=Channel.EMAIL,
        received_on=parsed["received_on"], category=category, attachments=parsed["attachments"],
        external_id=parsed["message_id"],
    )  # fmt: skip
    if parsed["refused"]:
        services._activity(item, ActivityKind.NOTE, None, "Pièces jointes non reprises (format non accepté ou trop "
                           "volumineuses) : " + ", ".join(parsed["refused"]))  # fmt: skip
    return item, True


def ingest_directory(directory, *, category=None):
    """Ingest every .eml of `directory`; move each to done/ or errors/ (with the reason beside it)."""
    directory = Path(directory)
    done, errors = directory / "done", directory / "errors"
    done.mkdir(exist_ok=True)
    errors.mkdir(exist_ok=True)
    report = {"registered": 0, "already": 0, "errors": 0}
    for path in sorted(directory.glob("*.eml")):
        try:
            _item, created = ingest(path.read_bytes(), category=category)
        except Exception as error:  # noqa: BLE001 (whatever breaks, the file is kept aside with the reason)
            logger.warning("Could not register %s: %s", path.name, error)
            (errors / f"{path.name}.reason.txt").write_text(f"{type(error).__name__}: {error}\n", encoding="utf-8")
            shutil.move(str(path), errors / path.name)
            report["errors"] += 1
            continue
        shutil.move(str(path), done / path.name)
        report["registered" if created else "already"] += 1
    return report
