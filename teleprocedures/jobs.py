"""Periodic jobs of online requests, run by `manage.py run_periodic_jobs`."""

from collections import defaultdict

from django.utils import timezone

from portal.models import Counter
from portal.notifications import queue_email
from teleprocedures import services
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier


def send_due_acknowledgements():
    return {"sent": services.send_due_acknowledgements()}


def decide_by_silence():
    """Apply the implicit decisions (SVA/SVR) of dossiers whose deadline has passed."""
    return {"decided": services.decide_by_silence()}


def expire_drafts():
    return services.expire_drafts()


def purge_past_retention():
    return {"purged": services.purge_past_retention()}


def daily_digest():
    """Once a day, send each instructor the list of their overdue and due-soon dossiers."""
    now = timezone.now()
    today = timezone.localdate(now)
    if timezone.localtime(now).hour < 7:  # local time: the digest is for the working day in France
        return {"sent": 0}
    open_states = [DossierState.SUBMITTED, DossierState.IN_REVIEW]
    soon = today + timezone.timedelta(days=7)
    dossiers = (
        Dossier.objects.filter(state__in=open_states, paused_at__isnull=True, assignee__isnull=False, due_on__lte=soon)
        .filter(assignee__is_active=True)
        .select_related("assignee", "procedure")
        .order_by("due_on")
    )
    by_agent = defaultdict(list)
    for dossier in dossiers:
        by_agent[dossier.assignee].append(dossier)
    sent = 0
    for agent, items in by_agent.items():
        # A row per agent and day makes the digest go out once, however often the job runs.
        _marker, created = Counter.objects.get_or_create(key=f"digest-{agent.pk}-{today.isoformat()}")
        if not created:
            continue
        queue_email(
            to=agent.email,
            template="teleprocedures/email/daily_digest",
            context={"agent": agent, "overdue": [d for d in items if d.due_on < today],
                     "due_soon": [d for d in items if d.due_on >= today], "today": today},
            user=agent,
        )  # fmt: skip
        sent += 1
    return {"sent": sent}
