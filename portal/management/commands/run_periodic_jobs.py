import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


logger = logging.getLogger("portal.jobs")


class Command(BaseCommand):
    help = "Run the periodic jobs (outbox retries, reminders, deadlines, purges); call it every 5 minutes."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", default=[], help="Run only the jobs with this dotted path.")

    def handle(self, *args, only, **options):
        failures = 0
        for path in settings.PERIODIC_JOBS:
            if only and path not in only:
                continue
            started = time.monotonic()
            try:
                result = import_string(path)()
            except Exception:  # noqa: BLE001 (one failing job must not stop the others)
                failures += 1
                logger.exception("Periodic job %s failed", path)
                self.stderr.write(f"{path}: failed (see the log)")
                continue
            self.stdout.write(f"{path}: {result} ({time.monotonic() - started:.2f}s)")
        if failures:
            raise SystemExit(1)
