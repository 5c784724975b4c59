from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mailroom.ingestion import ingest_directory, ingest_imap
from mailroom.models import MailCategory


class Command(BaseCommand):
    help = (
        "Register incoming email as mail: the .eml files of a directory (moved to done/ or errors/ afterwards), "
        "or the unread messages of the IMAP mailbox configured by the MAIL_IMAP_* settings (--imap)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?")
        parser.add_argument("--imap", action="store_true", help="read the IMAP mailbox of the settings")
        parser.add_argument("--category", type=int, help="id of the category given to every message")

    def handle(self, directory=None, imap=False, category=None, **options):
        chosen = None
        if category is not None:
            chosen = MailCategory.objects.filter(pk=category).first()
            if chosen is None:
                raise CommandError(f"Unknown category {category}.")
        if imap:
            if not settings.MAIL_IMAP.get("host"):
                raise CommandError("Set MAIL_IMAP_HOST, MAIL_IMAP_USER and MAIL_IMAP_PASSWORD first.")
            report = ingest_imap(settings.MAIL_IMAP, category=chosen)
            where = f"set aside in {settings.MAIL_ERROR_DIR}"
        elif directory:
            report = ingest_directory(directory, category=chosen)
            where = "set aside in errors/"
        else:
            raise CommandError("Give a directory of .eml files, or --imap.")
        self.stdout.write(f"{report['registered']} registered, {report['already']} already registered, "
                          f"{report['errors']} {where}")  # fmt: skip
