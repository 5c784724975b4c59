"""Incoming email: each .eml file (or IMAP message) becomes a mail item; a broken one is set aside, never lost."""

import email
import logging
import shutil
from email import policy
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from mailroom import services
from mailroom.enums import ActivityKind, Channel
from mailroom.forms import check_mail_upload
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
            attachments.append(check_mail_upload(upload))
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


def _set_aside(raw, name, error, directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(raw)
    (directory / f"{name}.reason.txt").write_text(f"{type(error).__name__}: {error}\n", encoding="utf-8")


def ingest_imap(config, *, category=None, error_dir=None):
    """Register the unread messages of an IMAP mailbox; each is marked read (and moved) only once registered.

    A message that cannot be registered is copied to `error_dir` with the reason and flagged in the mailbox, so
    that it is neither lost nor tried again; one registered twice (same Message-ID) is recognised.
    """
    import imaplib

    error_dir = error_dir or settings.MAIL_ERROR_DIR
    connect = imaplib.IMAP4_SSL if config.get("ssl", True) else imaplib.IMAP4
    report = {"registered": 0, "already": 0, "errors": 0}
    mailbox = connect(config["host"], config.get("port") or (993 if config.get("ssl", True) else 143))
    try:
        mailbox.login(config["user"], config["password"])
        mailbox.select(config.get("folder") or "INBOX")
        _status, data = mailbox.uid("SEARCH", None, "UNSEEN UNFLAGGED")
        for uid in (data[0] or b"").split():
            _status, parts = mailbox.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), b"")
            try:
                _item, created = ingest(raw, category=category)
            except Exception as error:  # noqa: BLE001 (whatever breaks, the message is kept aside with the reason)
                logger.warning("Could not register IMAP message %s: %s", uid, error)
                _set_aside(raw, f"imap-{uid.decode()}-{timezone.now():%Y%m%d%H%M%S}.eml", error, error_dir)
                mailbox.uid("STORE", uid, "+FLAGS", "(\\Flagged)")
                report["errors"] += 1
                continue
            mailbox.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            if config.get("done_folder"):
                mailbox.uid("COPY", uid, config["done_folder"])
                mailbox.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
            report["registered" if created else "already"] += 1
        if config.get("done_folder"):
            mailbox.expunge()
    finally:
        try:
            mailbox.logout()
        except Exception:  # noqa: BLE001, S110 (the connection may already be gone)
            pass
    return report


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
