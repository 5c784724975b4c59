"""What a manager's dashboard covers: the services and sites of their memberships, and a period with the one before."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.enums import Period
from portal.calendar import add_months
from portal.enums import MANAGING_ROLES, Role
from portal.models import Membership, Service, Site


MAX_CUSTOM_DAYS = 3 * 366


def managed(user):
    """Return (services, sites) a user may watch, sites None when it is every site; None when they manage nothing."""
    if not user.is_authenticated:
        return None
    memberships = list(Membership.objects.filter(user=user, role__in=MANAGING_ROLES))
    if not memberships and not user.is_superuser:
        return None
    if user.is_superuser or any(m.role == Role.ADMINISTRATOR for m in memberships):
        return Service.objects.all(), None
    service_ids = {m.service_id for m in memberships if m.service_id}
    site_ids = {m.site_id for m in memberships if m.site_id}
    # A manager of a site without a service watches the services working at that site.
    siteonly = [m.site_id for m in memberships if m.site_id and not m.service_id]
    services = Service.objects.filter(pk__in=service_ids) | Service.objects.filter(sites__in=siteonly)
    sites = None if any(m.site_id is None for m in memberships) else Site.objects.filter(pk__in=site_ids)
    return services.distinct(), sites


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def bounds(self):
        """The range as aware datetimes [start, end) in the local time zone."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, zone),
            datetime.combine(self.end + timedelta(days=1), time.min, zone),
        )


@dataclass(frozen=True)
class Scope:
    """The services and sites a dashboard covers (their ids), and its period with the previous one."""

    service_ids: tuple
    site_ids: tuple | None  # None: every site
    current: DateRange
    previous: DateRange

    def cache_key(self, section):
        raw = f"{section}|{self.service_ids}|{self.site_ids}|{self.current}|{self.previous}"
        return "dashboards:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def resolve_period(kind, *, today, start=None, end=None):
    """Return (current, previous) date ranges: this week, month or year against the one before, or chosen dates."""
    if kind == Period.WEEK:
        monday = today - timedelta(days=today.weekday())
        return DateRange(monday, monday + timedelta(days=6)), DateRange(
            monday - timedelta(days=7), monday - timedelta(days=1)
        )
    if kind == Period.MONTH:
        first = today.replace(day=1)
        last = add_months(first, 1) - timedelta(days=1)
        previous_first = add_months(first, -1)
        return DateRange(first, last), DateRange(previous_first, first - timedelta(days=1))
    if kind == Period.YEAR:
        first = date(today.year, 1, 1)
        return DateRange(first, date(today.year, 12, 31)), DateRange(
            date(today.year - 1, 1, 1), first - timedelta(days=1)
        )
    length = (end - start).days + 1
    return DateRange(start, end), DateRange(start - timedelta(days=length), start - timedelta(days=1))


class ScopeForm(forms.Form):
    """The dashboard's filters, read from the query string (GET): service, site, period, dates."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False,
                                     empty_label=_("All my services"))  # fmt: skip
    site = forms.ModelChoiceField(label=_("Site or territory"), queryset=Site.objects.none(), required=False,
                                  empty_label=_("All my sites"))  # fmt: skip
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, initial=Period.MONTH, required=False)
    start = forms.DateField(label=_("From"), required=False, help_text=_("For chosen dates. Example: 01/09/2026"),
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    end = forms.DateField(label=_("To"), required=False, help_text=_("Included."),
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, data, *, services, sites):
        super().__init__(data)
        self.fields["service"].queryset = services
        self.fields["site"].queryset = Site.objects.all() if sites is None else sites
        self.all_sites = sites is None

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period") or Period.MONTH
        cleaned["period"] = period
        if period == Period.CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start and "start" not in self.errors:
                self.add_error("start", _("Give the first day of the period."))
            if not end and "end" not in self.errors:
                self.add_error("end", _("Give the last day of the period."))
            if start and end and end < start:
                self.add_error("end", _("The last day must be on or after the first day."))
            elif start and end and (end - start).days >= MAX_CUSTOM_DAYS:
                self.add_error("end", _("Choose a period of three years at most."))
        return cleaned

    def out_of_scope(self):
        """True when the service or site asked for is not one the user manages (answered with a 404)."""
        return "service" in self.errors or "site" in self.errors

    def scope(self, *, services, sites, today):
        data = self.cleaned_data
        current, previous = resolve_period(data["period"], today=today, start=data.get("start"), end=data.get("end"))
        service_ids = (data["service"].pk,) if data.get("service") else tuple(services.values_list("pk", flat=True))
        if data.get("site"):
            site_ids = (data["site"].pk,)
        else:
            site_ids = None if sites is None else tuple(sites.values_list("pk", flat=True))
        return Scope(
            tuple(sorted(service_ids)), None if site_ids is None else tuple(sorted(site_ids)), current, previous
        )
