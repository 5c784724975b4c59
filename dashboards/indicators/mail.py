"""Mail indicators: what came in by channel and category, answers within the deadline, overdue, acknowledgements."""

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.indicators.stats import DAY, duration, rate, rounded
from dashboards.indicators.tables import Chart, Figure, Table
from mailroom.enums import Channel, Direction
from mailroom.models import MailCategory, MailItem, late_condition
from mailroom.workflow import OPEN_STATUSES
from portal.calendar import add_working_days


ELECTRONIC = (Channel.EMAIL, Channel.WEB)


def mail_in_scope(scope):
    """Incoming mail of the scope's services. Mail is not tied to a site: a site filter does not narrow it."""
    return MailItem.objects.filter(direction=Direction.INCOMING, service_id__in=scope.service_ids).order_by()


def _days(value):
    if value is None:
        return None
    return value.total_seconds() / DAY if hasattr(value, "total_seconds") else value / DAY / 1_000_000


def _answers(items, range_):
    start, end = range_.bounds()
    return items.filter(answered_at__gte=start, answered_at__lt=end).annotate(answered_on=TruncDate("answered_at"))


def acknowledged_in_time(items, range_):
    """(electronic mail acknowledged by the next working day, electronic mail received); holidays count."""
    groups = (
        items.filter(channel__in=ELECTRONIC, received_on__gte=range_.start, received_on__lte=range_.end)
        .annotate(acknowledged_on=TruncDate("acknowledged_at"))
        .values_list("received_on", "acknowledged_on")
        .annotate(n=Count("pk"))
    )
    total = in_time = 0
    for received_on, acknowledged_on, count in groups:
        total += count
        if acknowledged_on is not None and acknowledged_on <= add_working_days(received_on, 1):
            in_time += count
    return in_time, total


def mail_indicators(scope, *, today=None):
    today = today or timezone.localdate()
    items = mail_in_scope(scope)
    current, previous = scope.current, scope.previous
    received = Q(received_on__gte=current.start, received_on__lte=current.end)
    received_before = Q(received_on__gte=previous.start, received_on__lte=previous.end)
    by_channel = {
        row["channel"]: row
        for row in items.filter(received | received_before)
        .values("channel")
        .annotate(current=Count("pk", filter=received), previous=Count("pk", filter=received_before))
    }
    by_category = dict(items.filter(received).values_list("category_id").annotate(n=Count("pk")))
    answered = {}
    for name, range_ in (("", current), ("_before", previous)):
        answered[name] = _answers(items, range_).aggregate(
            total=Count("pk"),
            within=Count("pk", filter=Q(answered_on__lte=F("due_date"))),
            mean=Avg(duration("answered_at", "created_at")),
        )
    overdue = items.filter(status__in=OPEN_STATUSES).filter(late_condition(today)).count()
    acknowledged, electronic = acknowledged_in_time(items, current)
    acknowledged_before, electronic_before = acknowledged_in_time(items, previous)

    received_total = sum(row["current"] for row in by_channel.values())
    received_previous = sum(row["previous"] for row in by_channel.values())
    now, before = answered[""], answered["_before"]
    figures = [
        Figure(_("Mail received"), received_total, received_previous),
        Figure(_("Answered within the deadline"), rate(now["within"], now["total"]),
               rate(before["within"], before["total"]), unit="%",
               help=_("Out of the mail answered during the period.")),
        Figure(_("Mean time to answer"), rounded(_days(now["mean"])), rounded(_days(before["mean"])), unit="days",
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
