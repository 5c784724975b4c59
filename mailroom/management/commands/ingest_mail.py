from django.core.management.base import BaseCommand, CommandError

from mailroom.ingestion import ingest_directory
from mailroom.models import MailCategory


class Command(BaseCommand):
    help = "Register the .eml files of a directory as incoming mail (moved to done/ or errors/ afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--category", type=int, help="id of the category given to every message")

    def handle(self, directory, category=None, **options):
        chosen = None
        if category is not None:
            chosen = MailCategory.objects.filter(pk=category).first()
            if chosen is None:
                raise CommandError(f"Unknown category {category}.")
        report = ingest_directory(directory, category=chosen)
        self.stdout.write(f"{report['registered']} registered, {report['already']} already registered, "
                          f"{report['errors']} set aside in errors/")  # fmt: skip
