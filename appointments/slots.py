"""Free slots, computed and never stored: schedules − holidays − absences − appointments (with buffers).

Three queries whatever the number of agents and days: schedules, absences, appointments and sessions.
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from appointments.models import Absence, Appointment, CollectiveSession, OpeningSchedule
from portal.calendar import french_holidays


class Slot(NamedTuple):
    """A free time; a tuple, so that creating and sorting thousands of them stays cheap."""

    starts_at: datetime
    ends_at: datetime
    agent_id: int
    site_id: int


def _merge(intervals):
    """Sort and merge overlapping (start, end) intervals: the result is disjoint, sorted by start and by end."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return merged


def _free_parts(opening_start, opening_end, busy, busy_ends):
    """Return the parts of an opening that no busy interval covers (busy: merged; busy_ends: their ends)."""
    parts = []
    cursor = opening_start
    index = bisect_right(busy_ends, opening_start)
    while index < len(busy) and busy[index][0] < opening_end:
        busy_start, busy_end = busy[index]
        if busy_start > cursor:
            parts.append((cursor, busy_start))
        cursor = max(cursor, busy_end)
        index += 1
    if cursor < opening_end:
        parts.append((cursor, opening_end))
    return parts


def _absence_intervals(absence, window_start, window_end):
    step = timedelta(weeks=1)
    start, end = absence.starts_at, absence.ends_at
    last = absence.weekly_until
    while start < window_end:
        if end > window_start:
            yield start, end
        if last is None:
            return
        start, end = start + step, end + step
        if timezone.localdate(start) > last:
            return


def busy_times(agent_ids, window_start, window_end):
    """Return {agent id: merged busy intervals as POSIX timestamps}: absences, appointments and sessions + buffers.

    Two queries: absences, then appointments and collective sessions together.
    """
    busy = defaultdict(list)
    for absence in Absence.objects.filter(agent_id__in=agent_ids, starts_at__lt=window_end).filter(
        Q(ends_at__gt=window_start) | Q(weekly_until__gte=window_start.date())
    ):
        for start, end in _absence_intervals(absence, window_start, window_end):
            busy[absence.agent_id].append((start.timestamp(), end.timestamp()))
    # An appointment that ended shortly before the window may still hold its buffer time.
    since = window_start - timedelta(hours=4)
    columns = ("agent_id", "starts_at", "ends_at", "motif__buffer_minutes")
    appointments = (
        Appointment.objects.active()
        .filter(agent_id__in=agent_ids, starts_at__lt=window_end, ends_at__gt=since, session__isnull=True)
        .order_by()  # SQLite refuses an ORDER BY inside a UNION
        .values_list(*columns)
    )
    sessions = (
        CollectiveSession.objects.open()
        .filter(agent_id__in=agent_ids, starts_at__lt=window_end, ends_at__gt=since)
        .order_by()
        .values_list(*columns)
    )
    for agent_id, starts_at, ends_at, buffer_minutes in appointments.union(sessions, all=True):
        busy[agent_id].append((starts_at.timestamp(), ends_at.timestamp() + buffer_minutes * 60))
    return {agent_id: _merge(intervals) for agent_id, intervals in busy.items()}


def free_slots(*, motif, start_date, end_date, sites=None, agents=None, now=None):
    """Return the free slots of a motif between two dates (inclusive), sorted by time then site.

    Collective motifs have no slots of their own: people book a seat in a session (see `open_sessions`).
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    slots = []
    for _day, starts, length in _free_starts_by_day(motif, start_date, end_date, sites, agents, now):
        for start, agent_id, site_id in starts:
            local = datetime.fromtimestamp(start, zone)
            slots.append(Slot(local, local + length, agent_id, site_id))
    # An agent's schedules never overlap (checked when they are saved), so no slot comes twice.
    slots.sort()
    return slots


def first_free_by_site(*, motif, start_date, end_date, sites=None, now=None):
    """Return {site id: the first free time} between two dates, reading days only until every site has one."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = {}
    wanted = set(sites) if sites is not None else None
    for _day, starts, _length in _free_starts_by_day(motif, start_date, end_date, sites, None, now):
        for start, _agent_id, site_id in starts:
            if site_id not in first or start < first[site_id]:
                first[site_id] = start
        if wanted is not None and wanted <= set(first):
            break
    return {site_id: datetime.fromtimestamp(start, zone) for site_id, start in first.items()}


def _free_starts_by_day(motif, start_date, end_date, sites, agents, now):
    """Yield (day, [(start timestamp, agent id, site id)], slot length) for each day with free times."""
    zone = ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    earliest = now + timedelta(minutes=motif.min_delay_minutes)
    latest = now + timedelta(days=motif.max_delay_days)
    window_start = max(datetime.combine(start_date, datetime.min.time(), zone), earliest)
    window_end = datetime.combine(end_date + timedelta(days=1), datetime.min.time(), zone)
    if window_start >= min(window_end, latest) or motif.is_collective:
        return

    schedules = OpeningSchedule.objects.filter(motifs=motif, valid_from__lte=window_end.date()).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=window_start.date())
    )
    if sites is not None:
        schedules = schedules.filter(site__in=sites)
    if agents is not None:
        schedules = schedules.filter(agent__in=agents)
    schedules = list(schedules)
    agent_ids = {schedule.agent_id for schedule in schedules}
    if not agent_ids:
        return
    # Times are POSIX timestamps from here on: arithmetic and comparisons on floats cost far less than on datetimes.
    busy = busy_times(agent_ids, window_start, window_end)
    busy_ends = {agent_id: [end for _start, end in intervals] for agent_id, intervals in busy.items()}

    duration = motif.duration_minutes * 60
    needed = duration + motif.buffer_minutes * 60
    first_ts, end_ts, latest_ts = window_start.timestamp(), window_end.timestamp(), latest.timestamp()
    length = timedelta(seconds=duration)
    day = window_start.astimezone(zone).date()
    last_day = (min(window_end, latest) - timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last_day:
        if day not in french_holidays(day.year):
            starts = []
            for schedule in schedules:
                if not _opens_on(schedule, day):
                    continue
                opening_start = datetime.combine(day, schedule.start_time, zone).timestamp()
                opening_end = datetime.combine(day, schedule.end_time, zone).timestamp()
                agent_busy = busy.get(schedule.agent_id, ())
                parts = (
                    _free_parts(opening_start, opening_end, agent_busy, busy_ends[schedule.agent_id])
                    if agent_busy
                    else ((opening_start, opening_end),)
                )
                for free_start, free_end in parts:
                    start = free_start
                    # Step by duration + buffer, so that booking every slot offered remains possible.
                    while start + needed <= free_end and start <= latest_ts:
                        if first_ts <= start and start + duration <= end_ts:
                            starts.append((start, schedule.agent_id, schedule.site_id))
                        start += needed
            if starts:
                yield day, starts, length
        day += timedelta(days=1)


def _opens_on(schedule, day):
    if day < schedule.valid_from or (schedule.valid_to and day > schedule.valid_to):
        return False
    if day.weekday() not in schedule.weekdays:
        return False
    first_monday = schedule.valid_from - timedelta(days=schedule.valid_from.weekday())
    weeks = (day - first_monday).days // 7
    return weeks % schedule.every_n_weeks == 0


def next_available(*, motif, sites=None, now=None):
    """Return the first free slot within the motif's booking horizon, widening the window (bounded queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=motif.max_delay_days)
    start = today
    for span in (7, 28, 91, 366):
        end = min(today + timedelta(days=span), horizon)
        found = free_slots(motif=motif, start_date=start, end_date=end, sites=sites, now=now)
        if found:
            return found[0]
        if end >= horizon:
            return None
        start = end + timedelta(days=1)
    return None


def opening_capacity(*, schedules, start_date, end_date, per_day=False):
    """Count the appointment slots the schedules opened between two dates (inclusive), per site (or per site and day).

    Each opening (holidays and absences taken out) is cut into slots of its shortest motif (duration + buffer), as the
    slot search does; appointments already booked are not subtracted: capacity is what was offered, booked or not.
    Two queries: schedules with their motifs, absences.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    schedules = [
        schedule
        for schedule in schedules.filter(valid_from__lte=end_date)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start_date))
        .prefetch_related("motifs")
        if any(not motif.is_collective for motif in schedule.motifs.all())
    ]
    window_start = datetime.combine(start_date, datetime.min.time(), zone)
    window_end = datetime.combine(end_date + timedelta(days=1), datetime.min.time(), zone)
    absent = defaultdict(list)
    agent_ids = {schedule.agent_id for schedule in schedules}
    absences = Absence.objects.filter(agent__in=agent_ids, starts_at__lt=window_end).filter(
        Q(ends_at__gt=window_start) | Q(weekly_until__gte=start_date)
    )
    for absence in absences:
        for start, end in _absence_intervals(absence, window_start, window_end):
            absent[absence.agent_id].append((start.timestamp(), end.timestamp()))
    absent = {agent_id: _merge(intervals) for agent_id, intervals in absent.items()}
    absent_ends = {agent_id: [end for _start, end in intervals] for agent_id, intervals in absent.items()}
    # Per schedule, once: the slot length and how many slots a whole opening holds.
    plans = []
    for schedule in schedules:
        step = 60 * min(m.duration_minutes + m.buffer_minutes for m in schedule.motifs.all() if not m.is_collective)
        span = datetime.combine(start_date, schedule.end_time) - datetime.combine(start_date, schedule.start_time)
        plans.append((schedule, step, int(span.total_seconds() // step) if step else 0))
    capacity = defaultdict(int)
    day = start_date
    while day <= end_date:
        if day not in french_holidays(day.year):
            for schedule, step, whole in plans:
                if not _opens_on(schedule, day):
                    continue
                busy = absent.get(schedule.agent_id)
                key = (schedule.site_id, day) if per_day else schedule.site_id
                if not busy or not step:
                    capacity[key] += whole
                    continue
                opening_start = datetime.combine(day, schedule.start_time, zone).timestamp()
                opening_end = datetime.combine(day, schedule.end_time, zone).timestamp()
                for free_start, free_end in _free_parts(
                    opening_start, opening_end, busy, absent_ends[schedule.agent_id]
                ):
                    capacity[key] += int((free_end - free_start) // step)
        day += timedelta(days=1)
    return dict(capacity)
