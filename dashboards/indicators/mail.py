"""Mail indicators: what came in by channel and category, answers within the deadline, overdue, acknowledgements."""

from datetime import timedelta

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.indicators.stats import days, duration, rate, rounded
from dashboards.indicators.tables import Chart, Figure, Table
from mailroom.enums import Channel, Direction
from mailroom.models import MailCategory, MailItem, late_condition
from mailroom.workflow import OPEN_STATUSES
from portal.calendar import add_working_days


ELECTRONIC = (Channel.EMAIL, Channel.WEB)


def mail_in_scope(scope):
    """Incoming mail of the scope's services. Mail is not tied to a site: a site filter does not narrow it."""
    return MailItem.objects.filter(direction=Direction.INCOMING, service_id__in=scope.service_ids).order_by()


def acknowledged_in_time(items, *ranges):
    """Per range: (electronic mail acknowledged by the next working day, electronic mail received); holidays count.

    One query over the ranges, grouped by day of receipt and of acknowledgement.
    """
    dates = Q()
    for range_ in ranges:
        dates |= Q(received_on__gte=range_.start, received_on__lte=range_.end)
    groups = (
        items.filter(dates, channel__in=ELECTRONIC)
        .annotate(acknowledged_on=TruncDate("acknowledged_at"))
        .values_list("received_on", "acknowledged_on")
        .annotate(n=Count("pk"))
    )
    counts = [[0, 0] for _range in ranges]
    for received_on, acknowledged_on, count in groups:
        for index, range_ in enumerate(ranges):
            if range_.start <= received_on <= range_.end:
                counts[index][1] += count
                if acknowledged_on is not None and acknowledged_on <= add_working_days(received_on, 1):
                    counts[index][0] += count
    return [tuple(pair) for pair in counts]


def _answers(rows, suffix):
    """Answers of the period over the groups: how many, how many within the deadline, mean time (a timedelta)."""
    total = sum(row[f"total{suffix}"] for row in rows)
    weighted = sum(
        row[f"mean{suffix}"].total_seconds() * row[f"total{suffix}"] for row in rows if row[f"total{suffix}"]
    )
    return {"total": total, "within": sum(row[f"within{suffix}"] for row in rows),
            "mean": timedelta(seconds=weighted / total) if total else None}  # fmt: skip


def mail_indicators(scope, *, today=None):
    today = today or timezone.localdate()
    items = mail_in_scope(scope)
    current, previous = scope.current, scope.previous
    received = Q(received_on__gte=current.start, received_on__lte=current.end)
    received_before = Q(received_on__gte=previous.start, received_on__lte=previous.end)
    (start, end), (previous_start, previous_end) = current.bounds(), previous.bounds()
    answered_now = Q(answered_at__gte=start, answered_at__lt=end)
    answered_before = Q(answered_at__gte=previous_start, answered_at__lt=previous_end)
    within = Q(answered_at__date__lte=F("due_date"))
    overdue_now = Q(status__in=OPEN_STATUSES) & late_condition(today)
    answer_time = duration("answered_at", "created_at")
    # One scan of the mail for what came in, what was answered and what is overdue, by channel and category.
    rows = list(
        items.filter(received | received_before | answered_now | answered_before | overdue_now)
        .values("channel", "category_id")
        .annotate(
            current=Count("pk", filter=received),
            previous=Count("pk", filter=received_before),
            total=Count("pk", filter=answered_now),
            within=Count("pk", filter=answered_now & within),
            mean=Avg(answer_time, filter=answered_now),
            total_before=Count("pk", filter=answered_before),
            within_before=Count("pk", filter=answered_before & within),
            mean_before=Avg(answer_time, filter=answered_before),
            overdue=Count("pk", filter=overdue_now),
        )
    )
    by_channel, by_category = {}, {}
    for row in rows:
        counts = by_channel.setdefault(row["channel"], {"current": 0, "previous": 0})
        counts["current"] += row["current"]
        counts["previous"] += row["previous"]
        if row["current"]:
            by_category[row["category_id"]] = by_category.get(row["category_id"], 0) + row["current"]
    now, before = _answers(rows, ""), _answers(rows, "_before")
    overdue = sum(row["overdue"] for row in rows)
    acknowledgements = acknowledged_in_time(items, current, previous)
    (acknowledged, electronic), (acknowledged_before, electronic_before) = acknowledgements

    received_total = sum(row["current"] for row in by_channel.values())
    received_previous = sum(row["previous"] for row in by_channel.values())
    figures = [
        Figure(_("Mail received"), received_total, received_previous),
        Figure(_("Answered within the deadline"), rate(now["within"], now["total"]),
               rate(before["within"], before["total"]), unit="%",
               help=_("Out of the mail answered during the period.")),
        Figure(_("Mean time to answer"), rounded(days(now["mean"])), rounded(days(before["mean"])), unit="days",
               lower_is_better=True),
        Figure(_("Overdue now"), overdue, compare=False, lower_is_better=True),
        Figure(_("Acknowledged by the next working day"), rate(acknowledged, electronic),
               rate(acknowledged_before, electronic_before), unit="%",
               help=_("Emails and web messages.")),
    ]  # fmt: skip
    categories = {category.pk: str(category) for category in MailCategory.objects.filter(pk__in=by_category)}
    tables = [
        Table("mail_by_channel", _("Mail received by channel"), [_("Channel"), _("Received"), _("Previous period")],
              [[channel.label, by_channel.get(channel, {}).get("current", 0),
                by_channel.get(channel, {}).get("previous", 0)] for channel in Channel],
              chart=Chart(value_column=1)),
        Table("mail_by_category", _("Mail received by category"), [_("Category"), _("Received")],
              sorted(([categories.get(pk, _("No category")), count] for pk, count in by_category.items()),
                     key=lambda row: -row[1]),
              chart=Chart(value_column=1)),
    ]  # fmt: skip
    return {"figures": figures, "tables": tables}
