"""The accessibility statement, the manual RGAA audit record and the published plans, all edited in the admin."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accessibility.criteria import by_number
from accessibility.enums import ActionStatus, Result


class Audit(models.Model):
    """A manual audit of a sample of pages against the 106 RGAA criteria; its rate is computed, never typed."""

    title = models.CharField(_("title"), max_length=200)
    auditor = models.CharField(_("auditor"), max_length=200, help_text=_("Person or firm who made the audit."))
    performed_on = models.DateField(_("date of the audit"))
    method = models.TextField(_("method and sample"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("RGAA audit")
        verbose_name_plural = _("RGAA audits")
        ordering = ["-performed_on", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.performed_on:%d/%m/%Y})"


class AuditedPage(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="pages", verbose_name=_("audit"))
    title = models.CharField(_("page"), max_length=200)
    path = models.CharField(_("address"), max_length=500, help_text=_("For example /demarches/ or a full URL."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("audited page")
        verbose_name_plural = _("audited pages")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class CriterionResult(models.Model):
    page = models.ForeignKey(AuditedPage, on_delete=models.CASCADE, related_name="results", verbose_name=_("page"))
    criterion = models.CharField(_("criterion"), max_length=5)
    result = models.CharField(_("result"), max_length=2, choices=Result.choices, default=Result.NOT_TESTED)
    note = models.TextField(_("note"), blank=True, help_text=_("What fails and where, or why it does not apply."))
    position = models.PositiveSmallIntegerField(default=0, editable=False)  # RGAA order: 1.1, 1.2 … 1.9, 2.1 …

    class Meta:
        ordering = ["page", "position"]
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        constraints = [models.UniqueConstraint(fields=["page", "criterion"], name="one_result_per_page_criterion")]

    def __str__(self):
        return f"{self.criterion} — {self.get_result_display()}"

    def clean(self):
        if self.criterion not in by_number():
            raise ValidationError({"criterion": _("This is not an RGAA 4.1 criterion.")})

    @property
    def criterion_title(self):
        known = by_number().get(self.criterion)
        return known.title if known else ""


class StatementQuerySet(models.QuerySet):
    def current(self):
        """The statement (there is one); an unsaved default one until an administrator fills it in."""
        return self.select_related("audit", "feedback_service").first() or self.model()


class Statement(models.Model):
    """What the accessibility statement says besides the computed status and rate (texts in French)."""

    audit = models.ForeignKey(Audit, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("audit"),
                              help_text=_("The audit the status and rate come from."))  # fmt: skip
    established_on = models.DateField(_("statement established on"), null=True, blank=True)
    non_accessible = models.TextField(
        _("non-compliances"), blank=True, help_text=_("One per line; say what is not accessible and the alternative.")
    )
    derogations = models.TextField(_("exemptions for disproportionate burden"), blank=True,
                                   help_text=_("One per line, with the reason."))  # fmt: skip
    outside_obligation = models.TextField(_("content not subject to the obligation"), blank=True,
                                          help_text=_("One per line."))  # fmt: skip
    technologies = models.TextField(_("technologies used"), default="HTML5\nCSS\nSVG", help_text=_("One per line."))
    test_environment = models.TextField(
        _("test environment"), blank=True, help_text=_("Assistive technology and browser pairs, one per line.")
    )
    tools = models.TextField(
        _("tools used"), blank=True, help_text=_("One per line; the automated audit's summary can be imported here.")
    )
    contact_email = models.EmailField(_("contact email"), blank=True,
                                      help_text=_("Empty: the Département's general address."))  # fmt: skip
    feedback_service = models.ForeignKey(
        "portal.Service", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("service for reports"),
        help_text=_("Reports sent with the form are registered as mail and routed to this service."),
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statement")

    def __str__(self):
        return str(_("Accessibility statement"))


def lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class MultiYearPlan(models.Model):
    """The schéma pluriannuel de mise en accessibilité: three years at most, published."""

    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    policy = models.TextField(_("policy"), help_text=_("Why and how the Département makes its services accessible."))
    organisation = models.TextField(_("organisation"), help_text=_("Who is in charge (the accessibility lead)."))
    resources = models.TextField(_("human and financial resources"), blank=True)
    training = models.TextField(_("training and awareness"), blank=True)
    audits = models.TextField(_("audit plan"), blank=True)
    procurement = models.TextField(_("accessibility in contracts"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("multi-year accessibility plan")
        verbose_name_plural = _("multi-year accessibility plans")
        ordering = ["-first_year"]

    def __str__(self):
        return f"{self.first_year}–{self.last_year}"

    def clean(self):
        if self.first_year and self.last_year:
            if self.last_year < self.first_year:
                raise ValidationError({"last_year": _("The last year must be on or after the first year.")})
            if self.last_year - self.first_year > 2:
                raise ValidationError({"last_year": _("A multi-year plan covers three years at most.")})


class ActionPlan(models.Model):
    """The yearly action plan of a multi-year plan, with the review of the year before."""

    plan = models.ForeignKey(MultiYearPlan, on_delete=models.CASCADE, related_name="action_plans",
                             verbose_name=_("multi-year plan"))  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    review = models.TextField(_("review of the year before"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("yearly action plan")
        verbose_name_plural = _("yearly action plans")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    def clean(self):
        if self.plan_id and self.year and not self.plan.first_year <= self.year <= self.plan.last_year:
            raise ValidationError({"year": _("The year must be one of the multi-year plan's years.")})


class PlannedAction(models.Model):
    action_plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions",
                                    verbose_name=_("action plan"))  # fmt: skip
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due = models.CharField(_("when"), max_length=50, blank=True, help_text=_("For example: 2nd quarter."))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class AutomatedAudit(models.Model):
    """A run of `manage.py audit_pages` kept with --record: the statement and the eco-design page show the latest."""

    ran_at = models.DateTimeField(_("run at"), default=timezone.now)
    base_url = models.CharField(_("site audited"), max_length=300)
    languages = models.JSONField(_("languages"), default=list)
    summary = models.JSONField(_("summary"), default=dict)
    results = models.JSONField(_("results per page"), default=list)

    class Meta:
        verbose_name = _("automated audit")
        verbose_name_plural = _("automated audits")
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.ran_at:%d/%m/%Y %H:%M}"

    def citizen_rows(self, language="fr"):
        return [row for row in self.results if row["citizen_facing"] and row["language"] == language]
