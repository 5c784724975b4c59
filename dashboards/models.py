from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.enums import CommentStatus, Journey, Score, SurveyChannel
from portal.models import Service, Site


class SurveyResponseQuerySet(models.QuerySet):
    def in_scope(self, scope):
        """Answers about the services (and sites, when the scope names some) of a dashboard scope."""
        queryset = self.filter(service_id__in=scope.service_ids)
        if scope.site_ids is not None:
            queryset = queryset.filter(site_id__in=scope.site_ids)
        return queryset

    def comments_to_show(self):
        return self.filter(comment_status=CommentStatus.PUBLISHED).order_by("-created_at")


class SurveyResponse(models.Model):
    """One person's answer to the one-question survey after one event (a filed request, a decision…)."""

    event = models.CharField(_("event"), max_length=40, unique=True, help_text="journey:object id; one answer each.")
    journey = models.CharField(_("after"), max_length=12, choices=Journey.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=SurveyChannel.choices)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="survey_responses"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    procedure = models.ForeignKey(
        "teleprocedures.Procedure", verbose_name=_("procedure"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="survey_responses",
    )  # fmt: skip
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    comment_status = models.CharField(
        _("comment"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE
    )
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["service", "created_at"], name="survey_service_idx")]
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="survey_score_1_to_5")]

    def __str__(self):
        return f"{self.get_journey_display()} — {self.score}/5"


class SlotDelayQuerySet(models.QuerySet):
    def latest_for(self, motif_ids, site_ids):
        """The most recent measure of each motif and site asked for."""
        return (
            self.filter(motif_id__in=motif_ids, site_id__in=site_ids)
            .order_by("motif_id", "site_id", "-measured_on")
            .distinct("motif_id", "site_id")
            if connection.vendor == "postgresql"
            else self.filter(motif_id__in=motif_ids, site_id__in=site_ids).order_by("-measured_on")
        )


class SlotDelay(models.Model):
    """The delay to the next free slot of a motif at a site, measured by the periodic job (one row per day, the
    day's last measure): the dashboard reads it instead of searching slots, and keeps its history."""

    motif = models.ForeignKey("appointments.Motif", verbose_name=_("motif"), on_delete=models.CASCADE,
                              related_name="+")  # fmt: skip
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    measured_on = models.DateField(_("day"))
    measured_at = models.DateTimeField(_("measured at"))
    first_free_at = models.DateTimeField(_("next free slot"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("days to wait"), null=True, blank=True)

    objects = SlotDelayQuerySet.as_manager()

    class Meta:
        verbose_name = _("delay to the next free slot")
        verbose_name_plural = _("delays to the next free slot")
        constraints = [models.UniqueConstraint(fields=["motif", "site", "measured_on"], name="slot_delay_one_per_day")]

    def __str__(self):
        return f"{self.motif} — {self.site} — {self.measured_on}: {self.days}"
