"""Appointment indicators: capacity and fill rate, who booked, no-shows, next free slot, the RSA invitation funnel."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.enums import AppointmentStatus as S
from appointments.enums import BookedVia
from appointments.models import ACTIVE_STATUSES, Appointment, CollectiveSession, Invitation, Motif, OpeningSchedule
from appointments.slots import opening_capacity
from dashboards.indicators.stats import counts_and_percentiles, duration, rate, rounded
from dashboards.indicators.tables import Chart, Figure, Table
from portal.models import Site


def appointments_in_scope(scope):
    queryset = Appointment.objects.filter(motif__service_id__in=scope.service_ids)
    if scope.site_ids is not None:
        queryset = queryset.filter(site_id__in=scope.site_ids)
    return queryset.order_by()


def _schedules(scope):
    schedules = OpeningSchedule.objects.filter(motifs__service_id__in=scope.service_ids).distinct()
    if scope.site_ids is not None:
        schedules = schedules.filter(site_id__in=scope.site_ids)
    return schedules


def offered(scope, *ranges):
    """Per range, the slots opened by the schedules per site plus the seats of the collective sessions held then.

    The ranges are read in one pass over the days and one query for the sessions.
    """
    first, last = min(r.start for r in ranges), max(r.end for r in ranges)
    daily = opening_capacity(schedules=_schedules(scope), start_date=first, end_date=last, per_day=True)
    capacities = [defaultdict(int) for _range in ranges]
    for (site_id, day), count in daily.items():
        for index, range_ in enumerate(ranges):
            if range_.start <= day <= range_.end:
                capacities[index][site_id] += count
    bounds = [range_.bounds() for range_ in ranges]
    sessions = CollectiveSession.objects.open().filter(
        motif__service_id__in=scope.service_ids, starts_at__gte=min(b[0] for b in bounds),
        starts_at__lt=max(b[1] for b in bounds),
    )  # fmt: skip
    if scope.site_ids is not None:
        sessions = sessions.filter(site_id__in=scope.site_ids)
    seats = {
        f"seats{index}": Sum("seats", filter=Q(starts_at__gte=start, starts_at__lt=end))
        for index, (start, end) in enumerate(bounds)
    }
    for row in sessions.values("site_id").annotate(**seats).order_by():
        for index, capacity in enumerate(capacities):
            if row[f"seats{index}"]:
                capacity[row["site_id"]] += row[f"seats{index}"]
    return [dict(capacity) for capacity in capacities]


def appointment_indicators(scope, *, now=None):
    now = now or timezone.now()
    appointments = appointments_in_scope(scope)
    start, end = scope.current.bounds()
    previous_start, previous_end = scope.previous.bounds()
    in_current = Q(starts_at__gte=start, starts_at__lt=end)
    in_previous = Q(starts_at__gte=previous_start, starts_at__lt=previous_end)
    active = Q(status__in=ACTIVE_STATUSES)
    counts = {}
    for name, period in (("", in_current), ("_before", in_previous)):
        counts.update({
            f"booked{name}": Count("pk", filter=period & active),
            f"seen{name}": Count("pk", filter=period & Q(status=S.SEEN)),
            f"no_show{name}": Count("pk", filter=period & Q(status=S.NO_SHOW)),
            f"excused{name}": Count("pk", filter=period & Q(status=S.EXCUSED)),
            f"cancelled{name}": Count("pk", filter=period & Q(status=S.CANCELLED)),
        })  # fmt: skip
    for via in BookedVia:
        counts[f"via_{via}"] = Count("pk", filter=in_current & Q(booked_via=via) & ~Q(status=S.CANCELLED))
    totals, per_site = defaultdict(int), {}
    for row in appointments.filter(in_current | in_previous).values("site_id").annotate(**counts):
        per_site[row["site_id"]] = row["booked"]
        for key in counts:
            totals[key] += row[key]
    capacity, capacity_before = offered(scope, scope.current, scope.previous)

    def excused_rate(suffix):
        return rate(totals[f"excused{suffix}"], totals[f"booked{suffix}"] + totals[f"excused{suffix}"])

    def no_show_rate(suffix):
        return rate(totals[f"no_show{suffix}"], totals[f"seen{suffix}"] + totals[f"no_show{suffix}"])

    offered_total, offered_before = sum(capacity.values()), sum(capacity_before.values())
    figures = [
        Figure(_("Slots offered"), offered_total, offered_before,
               help=_("Opening hours cut into appointments, holidays and absences taken out, plus the seats of "
                      "collective sessions.")),
        Figure(_("Appointments booked"), totals["booked"], totals["booked_before"]),
        Figure(_("Fill rate"), rate(totals["booked"], offered_total), rate(totals["booked_before"], offered_before),
               unit="%"),
        Figure(_("Did not come"), no_show_rate(""), no_show_rate("_before"), unit="%", lower_is_better=True,
               help=_("Out of the appointments that took place or were missed.")),
        Figure(_("Cancelled by the person"), excused_rate(""), excused_rate("_before"), unit="%",
               lower_is_better=True),
    ]  # fmt: skip
    per_site = {site_id: held for site_id, held in per_site.items() if held}
    sites = {site.pk: site.name for site in Site.objects.filter(pk__in=set(capacity) | set(per_site))}
    site_rows = [
        [sites.get(site_id, _("By phone or at home")), capacity.get(site_id, 0), per_site.get(site_id, 0),
         rate(per_site.get(site_id, 0), capacity.get(site_id, 0))]
        for site_id in sorted(set(capacity) | set(per_site), key=lambda pk: str(sites.get(pk, "")))
    ]  # fmt: skip
    via_total = sum(totals[f"via_{via}"] for via in BookedVia)
    tables = [
        Table("appointments_by_site", _("Slots offered and booked by site"),
              [_("Site"), _("Slots offered"), _("Booked"), _("Fill rate (%)")], site_rows,
              chart=Chart(value_column=3, maximum=100)),
        Table("appointments_by_whom", _("Who booked"), [_("Booked"), _("Appointments"), _("Share (%)")],
              [[via.label, totals[f"via_{via}"], rate(totals[f"via_{via}"], via_total)] for via in BookedVia],
              chart=Chart(value_column=1)),
        Table("appointments_outcome", _("What happened"), [_("Status"), _("Appointments")],
              [[status.label, totals[key]] for status, key in (
                  (S.SEEN, "seen"), (S.NO_SHOW, "no_show"), (S.EXCUSED, "excused"), (S.CANCELLED, "cancelled"))],
              chart=Chart(value_column=1)),
        next_slot_table(scope, now=now),
    ]  # fmt: skip
    funnel_figures, funnel_table = rsa_funnel(scope)
    tables.append(funnel_table)
    return {"figures": figures + funnel_figures, "tables": tables}


# The periodic job measures every 5 minutes; older than this, the dashboard measures again itself (embedded mode).
SLOT_DELAY_MAX_AGE = timedelta(hours=1)


def next_slot_table(scope, *, now):
    """Days to the next free slot, per motif open to booking and per site where it is received.

    Read from the measures of the periodic job (one query); only missing or stale measures are taken again here.
    """
    from dashboards.models import SlotDelay
    from dashboards.services import record_slot_delays, slot_delay_pairs

    pairs = slot_delay_pairs(_schedules(scope))
    motifs = {
        motif.pk: motif
        for motif in Motif.objects.filter(
            pk__in=pairs, is_active=True, is_collective=False, service_id__in=scope.service_ids
        )  # fmt: skip
    }
    site_ids = {site_id for sites in pairs.values() for site_id in sites}

    def measures():
        found = {}
        for measure in SlotDelay.objects.latest_for(motifs, site_ids):
            found.setdefault((measure.motif_id, measure.site_id), measure)
        return found

    found = measures()
    stale = {
        motif_id
        for motif_id in motifs
        for site_id in pairs[motif_id]
        if (motif_id, site_id) not in found or found[(motif_id, site_id)].measured_at < now - SLOT_DELAY_MAX_AGE
    }
    if stale:
        record_slot_delays(now=now, motif_ids=stale)
        found = measures()
    rows = []
    for motif in sorted(motifs.values(), key=str):
        for site_id, site_name in sorted(pairs[motif.pk].items(), key=lambda item: item[1]):
            measure = found.get((motif.pk, site_id))
            rows.append([str(motif), site_name, measure.first_free_at if measure else None,
                         measure.days if measure else None])  # fmt: skip
    return Table(
        "appointments_next_slot",
        _("Delay to the next free slot"),
        [_("Motif"), _("Site"), _("Next free slot"), _("Days from today")],
        rows,
        chart=Chart(value_column=3),
        note=_("Measured every five minutes. Empty: no free slot within the motif's booking horizon."),
    )


def rsa_funnel(scope):
    """Invitations sent in the period: how many booked, were seen, and how fast."""
    invitations = Invitation.objects.filter(motif__service_id__in=scope.service_ids)
    if scope.site_ids is not None:
        invitations = invitations.filter(
            Q(appointment__site_id__in=scope.site_ids)
            | Q(appointment__isnull=True, commune__site_id__in=scope.site_ids)
        )
    start, end = scope.current.bounds()
    invitations = invitations.filter(created_at__gte=start, created_at__lt=end).order_by()
    seen = Q(appointment__status=S.SEEN)
    rows, days = counts_and_percentiles(
        invitations,
        None,
        {
            "invited": Count("pk"),
            "seen": Count("pk", filter=seen),
            "seen_30": Count("pk", filter=seen & Q(appointment__starts_at__lte=F("created_at") + timedelta(days=30))),
            "seen_45": Count("pk", filter=seen & Q(appointment__starts_at__lte=F("created_at") + timedelta(days=45))),
        },
        duration("appointment__starts_at", "created_at"),
        {"booked": Q(appointment__isnull=False)},
        fractions=(0.5,),
    )
    funnel, days = rows[None], days["booked"]
    funnel["booked"] = days["count"]
    figures = [
        Figure(_("Invitations sent"), funnel["invited"], compare=False),
        Figure(_("Days from invitation to appointment (median)"), rounded(days[0.5]), compare=False,
               lower_is_better=True),
        Figure(_("Seen within 30 days"), rate(funnel["seen_30"], funnel["invited"]), unit="%", compare=False),
        Figure(_("Seen within 45 days"), rate(funnel["seen_45"], funnel["invited"]), unit="%", compare=False),
    ]  # fmt: skip
    table = Table(
        "appointments_invitations",
        _("Invitations: from invited to seen"),
        [_("Step"), _("People"), _("Share of the invited (%)")],
        [[label, funnel[key], rate(funnel[key], funnel["invited"])] for label, key in (
            (_("Invited"), "invited"), (_("Booked"), "booked"), (_("Seen"), "seen"),
            (_("Seen within 30 days"), "seen_30"), (_("Seen within 45 days"), "seen_45"))],
        chart=Chart(value_column=1),
        note=_("Invitations sent during the period, followed until today."),
    )  # fmt: skip
    return figures, table
