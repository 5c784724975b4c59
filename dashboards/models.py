from django.db import models
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
