"""Téléprocédures indicators: volumes, online share, outcomes, processing time without pauses, deadlines, backlog."""

from datetime import timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.indicators.stats import counts_and_percentiles, duration, rate, rounded
from dashboards.indicators.tables import Chart, Figure, Table
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier, Procedure
from teleprocedures.workflow import DECIDED_STATES, OPEN_STATES


# Age of open requests since they were filed: (label, from days, to days excluded).
AGE_BANDS = (
    (_("Less than 1 month"), 0, 31),
    (_("1 to 2 months"), 31, 61),
    (_("2 to 3 months"), 61, 92),
    (_("3 to 6 months"), 92, 183),
    (_("More than 6 months"), 183, None),
)
LATE_LIST_SIZE = 20


def processing_time():
    """Filing to decision, without the time spent waiting for the applicant's missing items."""
    return duration("decided_at", "submitted_at", minus="paused_duration")


def dossiers_in_scope(scope):
    queryset = Dossier.objects.exclude(state=DossierState.DRAFT).filter(procedure__service_id__in=scope.service_ids)
    if scope.site_ids is not None:
        queryset = queryset.filter(commune__site_id__in=scope.site_ids)
    return queryset.order_by()


def _in(range_, field):
    start, end = range_.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def request_indicators(scope, *, today=None):
    today = today or timezone.localdate()
    dossiers = dossiers_in_scope(scope)
    current, previous = scope.current, scope.previous
    received, decided = _in(current, "submitted_at"), _in(current, "decided_at")
    before_received, before_decided = _in(previous, "submitted_at"), _in(previous, "decided_at")
    decided_states = Q(state__in=DECIDED_STATES)
    within = Q(decided_on__lte=F("due_on"))

    open_now = Q(state__in=OPEN_STATES)
    now = timezone.now()
    bands = {}
    for index, (_label, low, high) in enumerate(AGE_BANDS):
        condition = open_now & Q(submitted_at__lte=now - timedelta(days=low))
        if high is not None:
            condition &= Q(submitted_at__gt=now - timedelta(days=high))
        bands[f"band{index}"] = Count("pk", filter=condition)
    stock_counts = {
        "open": Count("pk", filter=open_now),
        "waiting": Count("pk", filter=open_now & Q(paused_at__isnull=False)),
        "late": Count("pk", filter=open_now & Q(paused_at__isnull=True, due_on__lt=today)),
        **bands,
    }
    periods = {"current": decided & decided_states, "previous": before_decided & decided_states}
    # One scan of the requests for the periods' counts, the processing times and, per procedure, those in progress now.
    rows, times = counts_and_percentiles(
        dossiers.filter(
            received | before_received | ((decided | before_decided) & decided_states) | open_now
        ).annotate(decided_on=TruncDate("decided_at")),
        "procedure_id",
        {
            "received": Count("pk", filter=received),
            "online": Count("pk", filter=received & Q(filed_by__isnull=True)),
            "received_before": Count("pk", filter=before_received),
            "online_before": Count("pk", filter=before_received & Q(filed_by__isnull=True)),
            "accepted": Count("pk", filter=decided & Q(state=DossierState.ACCEPTED)),
            "rejected": Count("pk", filter=decided & Q(state=DossierState.REJECTED)),
            "closed": Count("pk", filter=decided & Q(state=DossierState.CLOSED)),
            "accepted_before": Count("pk", filter=before_decided & Q(state=DossierState.ACCEPTED)),
            "rejected_before": Count("pk", filter=before_decided & Q(state=DossierState.REJECTED)),
            "closed_before": Count("pk", filter=before_decided & Q(state=DossierState.CLOSED)),
            "within": Count("pk", filter=decided & decided_states & within),
            "within_before": Count("pk", filter=before_decided & decided_states & within),
            **stock_counts,
        },
        processing_time(),
        periods,
    )
    overall, overall_before = times["current"], times["previous"]
    stock = {key: 0 for key in stock_counts}
    per_procedure = {}
    for pk, row in rows.items():
        for key in stock_counts:
            stock[key] += row.pop(key)
        if any(count for key, count in row.items() if key not in periods):  # active in one of the periods
            per_procedure[pk] = row

    def total(key):
        return sum(row[key] for row in per_procedure.values())

    decided_count = total("accepted") + total("rejected") + total("closed")
    decided_before = total("accepted_before") + total("rejected_before") + total("closed_before")
    figures = [
        Figure(_("Requests received"), total("received"), total("received_before")),
        Figure(_("Filed online by the person"), rate(total("online"), total("received")),
               rate(total("online_before"), total("received_before")), unit="%",
               help=_("The others were filed for them by an agent (counter, phone).")),
        Figure(_("Decided"), decided_count, decided_before),
        Figure(_("Median processing time"), rounded(overall[0.5]), rounded(overall_before[0.5]), unit="days",
               lower_is_better=True, help=_("Half of the requests were decided faster. Time waiting for missing "
                                            "documents is not counted.")),
        Figure(_("Processing time for 9 requests out of 10"), rounded(overall[0.9]), rounded(overall_before[0.9]),
               unit="days", lower_is_better=True),
        Figure(_("Decided within the deadline"), rate(total("within"), decided_count),
               rate(total("within_before"), decided_before), unit="%"),
    ]  # fmt: skip

    figures += [
        Figure(_("In progress now"), stock["open"], compare=False,
               help=_("Of which waiting for the applicant: %(count)s.") % {"count": stock["waiting"]}),
        Figure(_("Late now"), stock["late"], compare=False, lower_is_better=True),
    ]  # fmt: skip

    procedures = {
        procedure.pk: procedure for procedure in Procedure.objects.filter(pk__in=per_procedure).only("pk", "title")
    }
    rows = []
    for pk, row in sorted(per_procedure.items(), key=lambda item: str(procedures[item[0]])):
        decided_here = row["accepted"] + row["rejected"] + row["closed"]
        timing = row["current"]
        rows.append([
            procedures[pk].get_title(), row["received"], rate(row["online"], row["received"]), decided_here,
            row["accepted"], row["rejected"], row["closed"], rounded(timing.get(0.5)), rounded(timing.get(0.9)),
            rate(row["within"], decided_here),
        ])  # fmt: skip
    tables = [
        Table(
            "requests_by_procedure",
            _("Requests by procedure"),
            [
                _("Procedure"),
                _("Received"),
                _("Filed online (%)"),
                _("Decided"),
                _("Accepted"),
                _("Rejected"),
                _("Closed without action"),
                _("Median time (days)"),
                _("Time for 9 out of 10 (days)"),
                _("Within deadline (%)"),
            ],
            rows,
            chart=Chart(value_column=1),
            note=_("Processing time runs from filing to decision, without the time spent waiting for the applicant."),
        ),  # fmt: skip
        Table(
            "requests_by_outcome",
            _("Decisions by outcome"),
            [_("Outcome"), _("Decisions"), _("Previous period")],
            [
                [DossierState.ACCEPTED.label, total("accepted"), total("accepted_before")],
                [DossierState.REJECTED.label, total("rejected"), total("rejected_before")],
                [DossierState.CLOSED.label, total("closed"), total("closed_before")],
            ],
            chart=Chart(value_column=1),
        ),
        Table(
            "requests_backlog",
            _("Requests in progress by age"),
            [_("Filed"), _("Requests")],
            [[label, stock[f"band{index}"]] for index, (label, _low, _high) in enumerate(AGE_BANDS)],
            chart=Chart(value_column=1),
        ),
    ]
    late = (
        dossiers.filter(open_now, paused_at__isnull=True, due_on__lt=today)
        .select_related("procedure", "assignee")
        .order_by("due_on", "pk")[:LATE_LIST_SIZE]
    )
    late_rows = [
        [d.number, d.procedure.get_title(), d.due_on, (today - d.due_on).days, d.assignee.get_full_name() if d.assignee
         else "", d.pk]
        for d in late
    ]  # fmt: skip
    late_table = Table(
        "requests_late",
        _("Requests past their deadline, oldest first"),
        [_("Number"), _("Procedure"), _("Due on"), _("Days late"), _("Assigned to")],
        [row[:5] for row in late_rows],
    )
    return {"figures": figures, "tables": tables, "late": late_rows, "late_table": late_table,
            "late_total": stock["late"]}  # fmt: skip
