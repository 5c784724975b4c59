"""Public statistics: usual processing times per procedure (six months), volumes, satisfaction, appointments, mail."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from appointments.models import ACTIVE_STATUSES, Appointment, OpeningSchedule
from appointments.slots import opening_capacity
from dashboards.indicators.requests import processing_time
from dashboards.indicators.stats import day_percentiles, rate, rounded
from dashboards.indicators.tables import Chart, Table
from dashboards.models import SurveyResponse
from dashboards.scope import DateRange
from mailroom.enums import Direction
from mailroom.models import MailItem
from portal.calendar import add_months
from portal.models import Service
from teleprocedures.models import Dossier, Procedure
from teleprocedures.workflow import DECIDED_STATES


CACHE_SECONDS = 600
MONTHS = 6
MIN_DECIDED = 5  # below this, a median says little and could point at one person's request
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def public_range(today):
    return DateRange(add_months(today, -MONTHS) + timedelta(days=1), today)


def public_statistics(*, today=None, use_cache=True):
    today = today or timezone.localdate()
    key = f"dashboards:public:{today}:{translation.get_language()}"
    statistics = cache.get(key) if use_cache else None
    if statistics is None:
        statistics = _compute(today)
        cache.set(key, statistics, CACHE_SECONDS)
    return statistics


def _compute(today):
    range_ = public_range(today)
    start, end = range_.bounds()
    procedures = list(Procedure.objects.published().select_related("service").order_by("slug"))
    dossiers = Dossier.objects.filter(procedure__in=procedures).order_by()
    received = {
        row["procedure_id"]: row
        for row in dossiers.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("procedure_id")
        .annotate(received=Count("pk"), online=Count("pk", filter=Q(filed_by__isnull=True)))
    }
    decided = dossiers.filter(decided_at__gte=start, decided_at__lt=end, state__in=DECIDED_STATES)
    times = day_percentiles(decided, processing_time(), group="procedure_id")
    satisfaction = {
        row["procedure_id"]: row
        for row in SurveyResponse.objects.filter(created_at__gte=start, created_at__lt=end, procedure__isnull=False)
        .order_by()
        .values("procedure_id")
        .annotate(average=Avg("score"), answers=Count("pk"))
    }
    rows = []
    for procedure in procedures:
        timing = times.get(procedure.pk, {"count": 0})
        if timing["count"] < MIN_DECIDED:
            timing = {**timing, 0.5: None, 0.9: None}
        volume = received.get(procedure.pk, {"received": 0, "online": 0})
        opinion = satisfaction.get(procedure.pk, {"average": None, "answers": 0})
        rows.append([
            procedure.get_title(), procedure.service.name, volume["received"],
            rate(volume["online"], volume["received"]), timing["count"], rounded(timing[0.5]), rounded(timing[0.9]),
            rounded(opinion["average"], 2), opinion["answers"],
        ])  # fmt: skip
    procedures_table = Table(
        "procedures",
        _("Online procedures over the last six months"),
        [_("Procedure"), _("Service"), _("Requests received"), _("Filed online (%)"), _("Decisions"),
         _("Usual time: half decided within (days)"), _("Usual time: 9 out of 10 decided within (days)"),
         _("Satisfaction (out of 5)"), _("Satisfaction answers")],
        rows,
        chart=Chart(value_column=5),
    )  # fmt: skip

    services = list(Service.objects.filter(motifs__isnull=False).distinct().order_by("name"))
    booked = dict(
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end, status__in=ACTIVE_STATUSES)
        .order_by()
        .values_list("motif__service_id")
        .annotate(n=Count("pk"))
    )
    appointment_rows = []
    for service in services:
        schedules = OpeningSchedule.objects.filter(motifs__service=service).distinct()
        offered = sum(opening_capacity(schedules=schedules, start_date=range_.start, end_date=range_.end).values())
        appointment_rows.append(
            [service.name, offered, booked.get(service.pk, 0), rate(booked.get(service.pk, 0), offered)]
        )
    appointments_table = Table(
        "appointments",
        _("Appointments over the last six months"),
        [_("Service"), _("Slots offered"), _("Appointments booked"), _("Fill rate (%)")],
        appointment_rows,
        chart=Chart(value_column=2),
    )
    mail = (
        MailItem.objects.filter(direction=Direction.INCOMING, answered_at__gte=start, answered_at__lt=end)
        .order_by()
        .annotate(answered_on=TruncDate("answered_at"))
        .aggregate(
            answered=Count("pk"),
            within=Count("pk", filter=Q(answered_on__lte=F("due_date"))),
        )
    )
    received_mail = MailItem.objects.filter(
        direction=Direction.INCOMING, received_on__gte=range_.start, received_on__lte=range_.end
    ).count()
    overall = SurveyResponse.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        average=Avg("score"), answers=Count("pk")
    )
    return {
        "range": range_,
        "procedures": procedures_table,
        "appointments": appointments_table,
        "mail": {
            "received": received_mail,
            "answered": mail["answered"],
            "within": rate(mail["within"], mail["answered"]),
        },
        "satisfaction": {"score": rounded(overall["average"], 2), "answers": overall["answers"]},
    }
