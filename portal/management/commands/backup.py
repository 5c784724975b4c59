from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new dated folder (see portal/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("destination", help="Folder that receives the dated backup folder.")

    def handle(self, *args, destination, **options):
        try:
            folder = backup(destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {folder}")
