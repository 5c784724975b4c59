import json

from django.core.management.base import BaseCommand, CommandError

from teleprocedures.models import Procedure
from teleprocedures.services import export_procedure


class Command(BaseCommand):
    help = "Print a procedure as a JSON file (its published version), ready to be loaded elsewhere."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        procedure = Procedure.objects.filter(slug=slug).first()
        if procedure is None:
            raise CommandError(f"No procedure '{slug}'.")
        self.stdout.write(json.dumps(export_procedure(procedure), ensure_ascii=False, indent=2))
