import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from accessibility.audit.pages import VISITED, audit_pages
from accessibility.audit.runner import run_audit, serve_in_thread, summarise
from accessibility.models import AutomatedAudit


class Command(BaseCommand):
    help = (
        "Visit every page of the URL configuration (public, citizen, agent and manager spaces, with the demo data) "
        "in Chromium: axe-core violations, DOM size, requests, weight and EcoIndex; write an HTML and JSON report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", help="Audit a running site (sharing this database and cache) instead of "
                                          "starting one, e.g. http://127.0.0.1:8000")  # fmt: skip
        parser.add_argument("--page", action="append", dest="pages", metavar="NAME_OR_PATH",
                            help="Only this page (URL name such as portal:home, or path); repeatable")  # fmt: skip
        parser.add_argument(
            "--language", action="append", dest="languages", choices=[c for c, _n in settings.LANGUAGES]
        )
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "var" / "audit"),
                            help="Folder of report.html and report.json (default: var/audit)")  # fmt: skip
        parser.add_argument("--record", action="store_true",
                            help="Keep the results for the accessibility and eco-design statements")  # fmt: skip
        parser.add_argument("--strict", action="store_true", help="Exit with an error when a page has a problem")

    def handle(self, *args, **options):
        try:
            pages = audit_pages(options["pages"])
        except ValueError as error:
            known = ", ".join(VISITED)
            raise CommandError(f"Unknown page(s) in the audit list: {error}. Known pages: {known}") from None
        except Exception as error:
            raise CommandError(f"The audit needs the demo data (manage.py load_demo_data): {error}") from error
        languages = options["languages"] or [code for code, _name in settings.LANGUAGES]
        server = None
        base_url = options["url"]
        if not base_url:
            base_url, server = serve_in_thread()
        self.stdout.write(f"Auditing {len(pages)} pages in {', '.join(languages)} on {base_url}")
        try:
            results = run_audit(base_url.rstrip("/"), pages, languages, progress=self.progress)
        finally:
            if server:
                server.shutdown()
        self.stdout.write("")
        summary = summarise(results)
        rows = [result.as_dict() for result in results]
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        ran_at = timezone.now()
        report = {"ran_at": ran_at.isoformat(), "base_url": base_url, "languages": languages, "summary": summary,
                  "results": rows}  # fmt: skip
        (output / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        (output / "report.html").write_text(render_to_string("accessibility/audit_report.html", report),
                                            encoding="utf-8")  # fmt: skip
        self.print_table(results, languages)
        self.stdout.write(
            f"{summary['pages']} pages × {len(languages)} languages = {summary['visits']} visits; "
            f"{summary['violations']} axe violations; {summary['errors']} errors; citizen visits in grade A: "
            f"{summary['citizen_grade_a']}/{summary['citizen_visits']}. Report: {output / 'report.html'}"
        )
        if options["record"]:
            AutomatedAudit.objects.create(ran_at=ran_at, base_url=base_url, languages=languages, summary=summary,
                                          results=rows)  # fmt: skip
            self.stdout.write("Recorded for the accessibility and eco-design statements.")
        failing = [result for result in results if result.problems]
        for result in failing:
            self.stdout.write(self.style.ERROR(f"{result.language} {result.path} ({result.role}): "
                                               + "; ".join(result.problems)))  # fmt: skip
        if failing and options["strict"]:
            raise CommandError(f"{len(failing)} visits have problems")

    def progress(self, result):
        self.stdout.write("!" if result.problems else ".", ending="")
        self.stdout.flush()

    def print_table(self, results, languages):
        header = f"{'page':42} {'role':13} {'axe':>4} {'DOM':>5} {'req':>4} {'KB':>7} {'score':>5} grade"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        by_name = {}
        for result in results:
            by_name.setdefault(result.name, []).append(result)
        for name, visits in by_name.items():
            first = visits[0]
            violations = sum(len(v.violations) for v in visits)
            self.stdout.write(f"{name[:42]:42} {first.role[:13]:13} {violations:4} {first.dom:5} {first.requests:4} "
                              f"{first.kb:7.1f} {first.score:5} {first.grade}")  # fmt: skip
