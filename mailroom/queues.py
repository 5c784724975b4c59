"""A service's mail queue: tabs, filters, search and sorting, shared by the queue page, its export and bulk actions.

Pages are read as "the next 50 rows", never counted: a service that has answered a hundred thousand letters
over the years sees its queue as fast as a new one. Only the open tabs show counts (their size is the backlog).
"""

from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mailroom.forms import QueueFilterForm
from mailroom.models import MailItem, due_soon_condition, late_condition
from mailroom.workflow import DONE_STATUSES, OPEN_STATUSES
from portal.enums import ServiceKind
from portal.models import Service


TABS = {
    "to_route": gettext_lazy("To route"),
    "to_assign": gettext_lazy("To assign"),
    "mine": gettext_lazy("Assigned to me"),
    "late": gettext_lazy("Late"),
    "due_soon": gettext_lazy("Due soon"),
    "copies": gettext_lazy("In copy"),
    "answered": gettext_lazy("Answered"),
    "all": gettext_lazy("All"),
}
COUNTED_TABS = ("to_route", "to_assign", "mine", "late", "due_soon")
SORTS = {
    "due": (("due_date", "pk"), gettext_lazy("Deadline")),
    "oldest": (("created_at", "pk"), gettext_lazy("Oldest first")),
    "newest": (("-created_at", "-pk"), gettext_lazy("Newest first")),
    "number": (("number",), gettext_lazy("Number")),
}
DEFAULT_SORT = {"answered": "newest", "all": "newest"}
PAGE_SIZE = 50


class Queue:
    """The agent's view of one service's mail: which services they may choose, and the items of each tab."""

    def __init__(self, user, service_id=None):
        self.user = user
        self.services = list(Service.objects.for_agent(user).order_by("name"))
        self.is_mail_office = any(s.kind == ServiceKind.MAIL for s in self.services)
        wanted = str(service_id or "")
        self.service = next((s for s in self.services if str(s.pk) == wanted), None) or (
            next((s for s in self.services if s.kind != ServiceKind.MAIL), None) if not self.is_mail_office else None
        )
        self.tabs = {key: label for key, label in TABS.items() if key != "to_route" or self.is_mail_office}

    def default_tab(self):
        return "to_route" if self.is_mail_office and self.service is None else "to_assign"

    def _of_service(self):
        items = MailItem.objects.all()
        if self.service is not None:
            return items.filter(service=self.service)
        # The mail office without a chosen service sees all mail (it routes everything).
        return items if self.is_mail_office else items.none()

    def items(self, tab, cleaned=None):
        cleaned = cleaned or {}
        today = timezone.localdate()
        of_service = self._of_service()
        if tab == "to_route":
            items = MailItem.objects.open().filter(service__isnull=True) if self.is_mail_office else of_service.none()
        elif tab == "to_assign":
            items = of_service.open().filter(assignee__isnull=True)
        elif tab == "mine":
            items = MailItem.objects.open().filter(assignee=self.user)
        elif tab == "late":
            items = of_service.overdue(today)
        elif tab == "due_soon":
            items = of_service.due_soon(today)
        elif tab == "copies":
            items = MailItem.objects.filter(copies=self.service) if self.service else of_service.none()
        elif tab == "answered":
            items = of_service.filter(status__in=DONE_STATUSES)
        else:
            items = of_service
        items = items.filter(direction="incoming") if tab != "all" else items
        items = self._filtered(items, cleaned)
        sort = cleaned.get("sort") or DEFAULT_SORT.get(tab, "due")
        return items.select_related("contact", "category", "service", "assignee").order_by(*SORTS[sort][0])

    @staticmethod
    def _filtered(items, cleaned):
        if cleaned.get("category"):
            items = items.filter(category_id=cleaned["category"])
        for name in ("channel", "priority", "status"):
            if cleaned.get(name):
                items = items.filter(**{name: cleaned[name]})
        if cleaned.get("received_from"):
            items = items.filter(received_on__gte=cleaned["received_from"])
        if cleaned.get("received_to"):
            items = items.filter(received_on__lte=cleaned["received_to"])
        if cleaned.get("q"):
            items = items.matching(cleaned["q"])
        return items

    def counts(self):
        """The size of each open tab, in two queries (one for the service, one for the agent's own)."""
        today = timezone.localdate()
        open_items = self._of_service().filter(status__in=OPEN_STATUSES, direction="incoming")
        counts = open_items.aggregate(
            to_assign=Count("pk", filter=Q(assignee__isnull=True)),
            late=Count("pk", filter=late_condition(today)),
            due_soon=Count("pk", filter=due_soon_condition(today)),
            to_route=Count("pk", filter=Q(service__isnull=True)),
        )
        counts["mine"] = MailItem.objects.open().filter(assignee=self.user).count()
        return counts


def read_page(items, number):
    """Return (rows, page number, has next page) reading one row more than a page instead of counting."""
    number = max(int(number), 1) if str(number).isdigit() else 1
    offset = (number - 1) * PAGE_SIZE
    rows = list(items[offset : offset + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE


def queue_from_params(user, params):
    """Rebuild a queue's items from a queue URL's parameters (plus `ids`), as the export and bulk actions need."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    queue = Queue(user, query.get("service"))
    form = QueueFilterForm(query, sorts=SORTS)
    cleaned = form.cleaned_data if form.is_valid() else {}
    tab = query.get("tab") if query.get("tab") in queue.tabs else "all"
    items = queue.items(tab, cleaned)
    ids = [int(pk) for pk in query.getlist("ids") if str(pk).isdigit()]
    return (items.filter(pk__in=ids) if ids else items), queue
