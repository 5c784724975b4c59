"""Export of a filtered mail queue (or a selection): one row per item."""

from django.utils.translation import gettext as _

from mailroom.enums import Channel, MailStatus, Priority
from mailroom.queues import queue_from_params


def mail_table(user, params):
    """Return (file name, header, rows iterator, row count) for the export."""
    items, _queue = queue_from_params(user, params)
    header = [_("Number"), _("Direction"), _("Channel"), _("Received on"), _("Sender"), _("Subject"), _("Category"),
              _("Priority"), _("Service"), _("Assigned to"), _("Status"), _("Due date"), _("Overdue"),
              _("Closed on")]  # fmt: skip
    channels, statuses, priorities = dict(Channel.choices), dict(MailStatus.choices), dict(Priority.choices)
    directions = {"incoming": _("Incoming"), "outgoing": _("Outgoing")}
    categories = {}
    yes, no = _("Yes"), _("No")

    def rows():
        for item in items.iterator(chunk_size=1000):
            if item.category_id and item.category_id not in categories:
                categories[item.category_id] = str(item.category)
            yield [
                item.number, directions[item.direction], str(channels[item.channel]), item.received_on.isoformat(),
                item.contact.display_name, item.subject, categories.get(item.category_id, ""),
                str(priorities[item.priority]), item.service.name if item.service else "",
                item.assignee.get_full_name() if item.assignee else "", str(statuses[item.status]),
                item.due_date.isoformat() if item.due_date else "", yes if item.is_overdue() else no,
                item.closed_at.strftime("%Y-%m-%d") if item.closed_at else "",
            ]  # fmt: skip

    return "courrier", header, rows(), items.count()
