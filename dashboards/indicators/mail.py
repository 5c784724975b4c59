"""Mail indicators: what came in by channel and category, answers within the deadline, overdue, acknowledgements."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Avg, Case, Count, F, Q, When
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


def acknowledgement_deadline(*ranges):
    """SQL expression: the next working day after the day of receipt (holidays count), for mail received in the ranges.

    Most days it is the day after; the days before a weekend or a holiday are listed by how many days they wait.
    """
    waits = defaultdict(list)
    for range_ in ranges:
        for offset in range(range_.days):
            day = range_.start + timedelta(days=offset)
            wait = (add_working_days(day, 1) - day).days
            if wait > 1:
                waits[wait].append(day)
    return Case(
        *(When(received_on__in=sorted(set(days_)), then=F("received_on") + timedelta(days=wait))
          for wait, days_ in sorted(waits.items())),
        default=F("received_on") + timedelta(days=1),
    )  # fmt: skip


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
    electronic = Q(channel__in=ELECTRONIC)
    acknowledged_in_time = Q(acknowledged_on__lte=F("acknowledge_by"))
    # One scan of the mail for what came in (and how fast it was acknowledged), what was answered and what is
    # overdue, by channel and category.
    rows = list(
        items.filter(received | received_before | answered_now | answered_before | overdue_now)
        .annotate(
            acknowledged_on=TruncDate("acknowledged_at"), acknowledge_by=acknowledgement_deadline(current, previous)
        )
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
            electronic=Count("pk", filter=received & electronic),
            acknowledged=Count("pk", filter=received & electronic & acknowledged_in_time),
            electronic_before=Count("pk", filter=received_before & electronic),
            acknowledged_before=Count("pk", filter=received_before & electronic & acknowledged_in_time),
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
    acknowledged, electronic = sum(row["acknowledged"] for row in rows), sum(row["electronic"] for row in rows)
    acknowledged_before = sum(row["acknowledged_before"] for row in rows)
    electronic_before = sum(row["electronic_before"] for row in rows)

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
