"""Satisfaction indicators: score and count by service and channel, trend, latest moderated comments."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils.translation import gettext_lazy as _

from dashboards.enums import Journey, SurveyChannel
from dashboards.indicators.stats import rate
from dashboards.indicators.tables import Chart, Figure, Table
from dashboards.models import SurveyResponse
from portal.models import Service


LATEST_COMMENTS = 8


def mean(total, count):
    return round(total / count, 2) if count else None


def trunc_for(range_):
    """Days for a period of a month or less, weeks up to six months, months beyond."""
    if range_.days <= 31:
        return TruncDay, _("Day")
    if range_.days <= 183:
        return TruncWeek, _("Week of")
    return TruncMonth, _("Month")


def satisfaction_indicators(scope):
    responses = SurveyResponse.objects.in_scope(scope).order_by()
    start, end = scope.current.bounds()
    previous_start, previous_end = scope.previous.bounds()
    current = responses.filter(created_at__gte=start, created_at__lt=end)
    totals = responses.filter(created_at__gte=previous_start, created_at__lt=end).aggregate(
        count=Count("pk", filter=Q(created_at__gte=start)),
        score_sum=Sum("score", filter=Q(created_at__gte=start)),
        satisfied=Count("pk", filter=Q(created_at__gte=start, score__gte=4)),
        dissatisfied=Count("pk", filter=Q(created_at__gte=start, score__lte=2)),
        count_before=Count("pk", filter=Q(created_at__lt=start)),
        score_sum_before=Sum("score", filter=Q(created_at__lt=start)),
        satisfied_before=Count("pk", filter=Q(created_at__lt=start, score__gte=4)),
        dissatisfied_before=Count("pk", filter=Q(created_at__lt=start, score__lte=2)),
    )

    def net(suffix):
        count = totals[f"count{suffix}"]
        if not count:
            return None
        return round(100 * (totals[f"satisfied{suffix}"] - totals[f"dissatisfied{suffix}"]) / count, 1)

    figures = [
        Figure(_("Average score (out of 5)"), mean(totals["score_sum"] or 0, totals["count"]),
               mean(totals["score_sum_before"] or 0, totals["count_before"])),
        Figure(_("Answers"), totals["count"], totals["count_before"]),
        Figure(_("Satisfied (4 or 5)"), rate(totals["satisfied"], totals["count"]),
               rate(totals["satisfied_before"], totals["count_before"]), unit="%"),
        Figure(_("Net satisfaction"), net(""), net("_before"), unit="points",
               help=_("Share of satisfied answers minus share of dissatisfied ones (1 or 2).")),
    ]  # fmt: skip

    groups = current.values_list("service_id", "channel", "journey").annotate(n=Count("pk"), total=Sum("score"))
    by_service, by_channel, by_journey = (
        defaultdict(lambda: [0, 0]),
        defaultdict(lambda: [0, 0]),
        defaultdict(lambda: [0, 0]),
    )
    for service_id, channel, journey, count, total in groups:
        for bucket, key in ((by_service, service_id), (by_channel, channel), (by_journey, journey)):
            bucket[key][0] += count
            bucket[key][1] += total
    services = dict(Service.objects.filter(pk__in=by_service).values_list("pk", "name"))
    trunc, bucket_label = trunc_for(scope.current)
    trend = (
        current.annotate(bucket=trunc("created_at"))
        .values_list("bucket")
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by("bucket")
    )
    comments = list(
        current.comments_to_show().values_list("created_at", "score", "journey", "comment")[:LATEST_COMMENTS]
    )
    score_columns = [_("Average score (out of 5)"), _("Answers")]
    tables = [
        Table("satisfaction_by_service", _("Satisfaction by service"), [_("Service"), *score_columns],
              [[services.get(pk, ""), mean(total, count), count] for pk, (count, total) in
               sorted(by_service.items(), key=lambda item: services.get(item[0], ""))],
              chart=Chart(value_column=1, maximum=5)),
        Table("satisfaction_by_channel", _("Satisfaction by channel"), [_("Channel"), *score_columns],
              [[channel.label, mean(by_channel[channel][1], by_channel[channel][0]), by_channel[channel][0]]
               for channel in SurveyChannel if channel in by_channel],
              chart=Chart(value_column=1, maximum=5)),
        Table("satisfaction_by_journey", _("Satisfaction by moment"), [_("After"), *score_columns],
              [[journey.label, mean(by_journey[journey][1], by_journey[journey][0]), by_journey[journey][0]]
               for journey in Journey if journey in by_journey],
              chart=Chart(value_column=1, maximum=5)),
        Table("satisfaction_trend", _("Satisfaction over time"), [bucket_label, *score_columns],
              [[bucket.date() if hasattr(bucket, "date") else bucket, mean(total, count), count]
               for bucket, count, total in trend],
              chart=Chart(value_column=1, kind="columns", maximum=5)),
    ]  # fmt: skip
    return {
        "figures": figures,
        "tables": tables,
        "comments": [
            {"created_at": created_at, "score": score, "journey": Journey(journey).label, "comment": comment}
            for created_at, score, journey, comment in comments
        ],
    }
