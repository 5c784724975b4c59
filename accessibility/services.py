"""Rules of the accessibility app: RGAA's conformity rate from the audit record, the status, barrier reports."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accessibility.criteria import criteria
from accessibility.enums import Conformity, Result
from accessibility.models import AuditedPage, CriterionResult, Statement


STATUS_CACHE_KEY = "accessibility:conformity"
STATUS_CACHE_SECONDS = 600
# An audit older than this no longer supports a status (the statement must then say "not compliant").
AUDIT_VALIDITY = timedelta(days=3 * 365)


@dataclass
class AuditSummary:
    """Each criterion's outcome over the audited pages, and the rate RGAA defines (compliant / applicable)."""

    outcomes: dict = field(default_factory=dict)  # criterion number → Result
    counts: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)  # criterion number → [(page title, note)]

    @property
    def complete(self):
        return self.counts[Result.NOT_TESTED] == 0

    @property
    def applicable(self):
        return self.counts[Result.CONFORM] + self.counts[Result.NOT_CONFORM]

    @property
    def rate(self):
        """Compliant criteria out of the applicable ones, in percent (None when nothing applies or is tested)."""
        if not self.complete or not self.applicable:
            return None
        return round(100 * self.counts[Result.CONFORM] / self.applicable, 2)


def outcome_of(results):
    """RGAA's rule: not compliant if it fails on one page; compliant if it passes on one page and fails on none."""
    if Result.NOT_CONFORM in results:
        return Result.NOT_CONFORM
    if Result.NOT_TESTED in results or not results:
        return Result.NOT_TESTED
    if Result.CONFORM in results:
        return Result.CONFORM
    return Result.NOT_APPLICABLE


def summarise(audit):
    found = defaultdict(set)
    failures = defaultdict(list)
    rows = CriterionResult.objects.filter(page__audit=audit).values_list("criterion", "result", "page__title", "note")
    for number, result, page, note in rows.order_by("page__position", "page_id"):
        found[number].add(result)
        if result == Result.NOT_CONFORM:
            failures[number].append((page, note))
    summary = AuditSummary(failures=dict(failures))
    for criterion in criteria():
        outcome = outcome_of(found.get(criterion.number, set()))
        summary.outcomes[criterion.number] = outcome
        summary.counts[outcome] += 1
    return summary


def conformity_of(rate):
    if rate is None:
        return Conformity.NONE
    if rate >= 100:
        return Conformity.FULL
    return Conformity.PARTIAL if rate >= 50 else Conformity.NONE


def audit_is_valid(audit, today=None):
    today = today or timezone.localdate()
    return audit is not None and audit.performed_on >= today - AUDIT_VALIDITY


def statement_figures(statement):
    """(status, rate, summary) of the statement: "not compliant" without a complete audit of less than 3 years."""
    audit = statement.audit
    if not audit_is_valid(audit):
        return Conformity.NONE, None, summarise(audit) if audit else None
    summary = summarise(audit)
    return conformity_of(summary.rate), summary.rate, summary


def current_conformity():
    """The status the footer of every page shows, kept ten minutes (forgotten when the audit or statement changes)."""
    status = cache.get(STATUS_CACHE_KEY)
    if status is None:
        status = statement_figures(Statement.objects.current())[0].value
        cache.set(STATUS_CACHE_KEY, status, STATUS_CACHE_SECONDS)
    return Conformity(status)


def forget_conformity():
    cache.delete(STATUS_CACHE_KEY)


@transaction.atomic
def add_audited_page(*, audit, title, path, position=0):
    """Add a page to an audit with one "not tested" result per criterion, for the auditor to fill in."""
    page = AuditedPage.objects.create(audit=audit, title=title, path=path, position=position)
    ensure_results(page)
    return page


def ensure_results(page):
    existing = set(page.results.values_list("criterion", flat=True))
    CriterionResult.objects.bulk_create(
        [
            CriterionResult(page=page, criterion=criterion.number, position=position)
            for position, criterion in enumerate(criteria())
            if criterion.number not in existing
        ]
    )
    forget_conformity()


@transaction.atomic
def report_barrier(*, data, user=None, request=None):
    """Register a report of an accessibility barrier as web mail (numbered, routed, acknowledged by email)."""
    from mailroom import services as mail
    from mailroom.enums import Channel

    statement = Statement.objects.current()
    contact = mail.find_or_create_contact(data)
    if user and contact.user_id is None and contact.email.lower() == user.email.lower():
        contact.user = user
        contact.save(update_fields=["user"])
    with translation.override("fr"):  # the mail register is kept in French
        subject = _("Accessibility problem: %(page)s") % {"page": data["page"] or _("page not given")}
        body = "\n\n".join(
            part
            for part in (
                data["problem"],
                _("Assistive technology and browser: %(tools)s") % {"tools": data["tools"]} if data["tools"] else "",
                _("Answer wanted in another form: %(form)s") % {"form": data["wanted"]} if data["wanted"] else "",
            )
            if part
        )
    return mail.register(contact=contact, subject=subject[:200], body=body, channel=Channel.WEB,
                         service=statement.feedback_service, request=request)  # fmt: skip
