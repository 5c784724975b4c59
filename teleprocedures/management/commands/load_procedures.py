import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from teleprocedures.services import import_procedure


SHIPPED = Path(__file__).resolve().parents[2] / "procedures"


class Command(BaseCommand):
    help = "Load procedure files (the shipped ones by default); idempotent: an unchanged file changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="JSON files to load (default: teleprocedures/procedures/*.json)")

    def handle(self, *args, paths, **options):
        files = [Path(p) for p in paths] or sorted(SHIPPED.glob("*.json"))
        failed = False
        for path in files:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
                procedure, outcome = import_procedure(document=document)
            except (OSError, json.JSONDecodeError) as error:
                failed = True
                self.stderr.write(f"{path}: cannot be read: {error}")
                continue
            except ValidationError as error:
                failed = True
                self.stderr.write(f"{path}: refused:")
                for message in error.messages:
                    self.stderr.write(f"  - {message}")
                continue
            self.stdout.write(f"{path.name}: {procedure.slug} {outcome}")
        if failed:
            raise CommandError("Some procedure files were refused; nothing of them was loaded.")
