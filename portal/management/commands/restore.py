import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore, restored_counts


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database (--database-url, default: the configured one) and the "
        "files into --media-root (default: MEDIA_ROOT), then compare the row counts with the backup's."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-url", help="An empty database, e.g. postgres://user@host:5432/restored")
        parser.add_argument("--media-root")

    def handle(self, *args, folder, database_url, media_root, **options):
        database = dj_database_url.parse(database_url) if database_url else None
        try:
            manifest = restore(folder, database=database, media_root=media_root)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = restored_counts(database or settings.DATABASES["default"], manifest["tables"])
        different = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
        if different:
            raise CommandError(f"Row counts differ after the restore (backup, restored): {different}")
        self.stdout.write(f"Restored {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables; "
                          "counts match the backup.")  # fmt: skip
