from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.enums import AppointmentStatus, BookableBy, BookedVia, LocationKind
from portal.models import Service, Site
from teleprocedures.definitions import translate


# Statuses that keep the agent busy; the others free the time again.
ACTIVE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.SEEN,
    AppointmentStatus.NO_SHOW,
)


class MotifQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_active=True, bookable_by=BookableBy.EVERYONE)

    def for_agent(self, user):
        """The active motifs of the agent's services (every service for administrators)."""
        return self.filter(is_active=True, service__in=Service.objects.for_agent(user)).select_related("service")


class Motif(models.Model):
    """A kind of appointment a service offers (infant consultation, RSA orientation meeting…)."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="motifs")
    name = models.JSONField(_("name"), help_text=_('{"fr": "…", "en": "…", "ar": "…"}'))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    buffer_minutes = models.PositiveSmallIntegerField(_("buffer after (minutes)"), default=0)
    location_kind = models.CharField(
        _("location"), max_length=10, choices=LocationKind.choices, default=LocationKind.SITE
    )
    bookable_by = models.CharField(
        _("who may book"), max_length=10, choices=BookableBy.choices, default=BookableBy.EVERYONE
    )
    min_delay_minutes = models.PositiveIntegerField(_("not before (minutes from now)"), default=120)
    max_delay_days = models.PositiveSmallIntegerField(_("not beyond (days from now)"), default=90)
    cancel_delay_minutes = models.PositiveIntegerField(_("cancellable until (minutes before)"), default=240)
    instructions = models.JSONField(_("instructions to the person"), default=dict, blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#1d4e89")
    follow_up_only = models.BooleanField(
        _("follow-up only"), default=False, help_text=_("Only people already seen by the service may book it online.")
    )
    is_collective = models.BooleanField(
        _("collective sessions"),
        default=False,
        help_text=_("People book a seat in a session (workshop, information meeting), not a time of their own."),
    )
    seats = models.PositiveSmallIntegerField(_("seats per session"), default=10)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MotifQuerySet.as_manager()

    class Meta:
        verbose_name = _("motif")
        verbose_name_plural = _("motifs")
        ordering = ["service", "pk"]

    def __str__(self):
        return translate(self.name)

    @property
    def instructions_text(self):
        """The instructions to the person, in the current language (French when missing)."""
        return translate(self.instructions) if self.instructions else ""


class OpeningSchedule(models.Model):
    """When an agent receives at a site: weekdays and hours, repeated every N weeks between two dates."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="opening_schedules"
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="opening_schedules")
    motifs = models.ManyToManyField(Motif, verbose_name=_("motifs"), related_name="opening_schedules")
    weekdays = models.JSONField(_("weekdays"), help_text=_("0 = Monday … 6 = Sunday, e.g. [0, 2, 3]"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    every_n_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)

    class Meta:
        verbose_name = _("opening schedule")
        verbose_name_plural = _("opening schedules")
        constraints = [
            models.CheckConstraint(condition=Q(start_time__lt=models.F("end_time")), name="schedule_starts_before_end")
        ]

    def __str__(self):
        return f"{self.agent} — {self.site} — {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class Absence(models.Model):
    """Time an agent is away (any site); `weekly_until` repeats it every week (part-time)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="absences"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    weekly_until = models.DateField(_("repeat every week until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="absence_starts_before_end")
        ]

    def __str__(self):
        return f"{self.agent}: {self.starts_at:%Y-%m-%d %H:%M} → {self.ends_at:%Y-%m-%d %H:%M}"


class CollectiveSessionQuerySet(models.QuerySet):
    def for_agent(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(site__in=Site.objects.for_agent(user)) | Q(agent=user)).filter(
            motif__service__in=Service.objects.for_agent(user)
        )

    def open(self):
        return self.filter(cancelled_at__isnull=True)

    def with_taken(self):
        """Annotate each session with `taken`: its seats held by booked, arrived, seen or no-show people."""
        return self.annotate(taken=models.Count("participants", filter=Q(participants__status__in=ACTIVE_STATUSES)))


class CollectiveSession(models.Model):
    """A group meeting (PMI workshop, RSA information meeting): one agent's time, a number of seats."""

    motif = models.ForeignKey(
        Motif, verbose_name=_("motif"), on_delete=models.PROTECT, related_name="sessions",
        limit_choices_to={"is_collective": True},
    )  # fmt: skip
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="sessions")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = CollectiveSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("collective session")
        verbose_name_plural = _("collective sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="session_starts_before_end")
        ]

    def __str__(self):
        return f"{self.motif} — {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} — {self.site}"


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def for_agent(self, user):
        """Return the appointments of the sites and services the agent belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(site__in=Site.objects.for_agent(user)) | Q(agent=user)).filter(
            motif__service__in=Service.objects.for_agent(user)
        )


class Appointment(models.Model):
    """A meeting of a person with an agent for a motif, at a site, by phone or at home."""

    motif = models.ForeignKey(Motif, verbose_name=_("motif"), on_delete=models.PROTECT, related_name="appointments")
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="agent_appointments"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="appointments",
    )  # fmt: skip
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    relative = models.ForeignKey(
        "portal.Relative", verbose_name=_("for"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="appointments",
    )  # fmt: skip
    session = models.ForeignKey(
        CollectiveSession, verbose_name=_("collective session"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="participants",
    )  # fmt: skip
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_via = models.CharField(_("booked"), max_length=12, choices=BookedVia.choices, default=BookedVia.ONLINE)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["agent", "starts_at"], name="appointment_agent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="appointment_starts_before_end"
            )
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.motif} — {self.first_name} {self.last_name}"


class InvitationQuerySet(models.QuerySet):
    def for_agent(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(motif__service__in=Service.objects.for_agent(user))

    def funnel(self, *, now=None):
        """Count the invitations at each step (see Invitation.step) in one query."""
        now = now or timezone.now()
        pending = Q(appointment__isnull=True)
        steps = {
            "invited": pending & Q(expires_at__gt=now, reminded_at__isnull=True),
            "reminded": pending & Q(expires_at__gt=now, reminded_at__isnull=False),
            "expired": pending & Q(expires_at__lte=now),
            "booked": Q(appointment__status__in=[AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED]),
            "seen": Q(appointment__status=AppointmentStatus.SEEN),
            "no_show": Q(appointment__status=AppointmentStatus.NO_SHOW),
            "excused": Q(appointment__status__in=[AppointmentStatus.EXCUSED, AppointmentStatus.CANCELLED]),
        }
        counts = self.order_by().aggregate(
            **{step: Count("pk", filter=condition) for step, condition in steps.items()}
        )
        return {step: count for step, count in counts.items() if count}


class Invitation(models.Model):
    """An invitation to book (RSA orientation): a personal link valid N days, with one reminder."""

    motif = models.ForeignKey(Motif, verbose_name=_("motif"), on_delete=models.PROTECT, related_name="invitations")
    token = models.CharField(_("link key"), max_length=64, unique=True)
    reference = models.CharField(_("beneficiary number"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address_line = models.CharField(_("street address"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "portal.Commune", verbose_name=_("commune"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("link valid until"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("appointment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.first_name} {self.last_name} — {self.motif}"

    @property
    def step(self):
        """Return where the person stands: invited, reminded, expired, booked, seen, no_show, excused."""
        if self.appointment_id:
            status = self.appointment.status
            return {"arrived": "booked", "cancelled": "excused"}.get(status, status)
        if self.expires_at <= timezone.now():
            return "expired"
        return "reminded" if self.reminded_at else "invited"


class WaitlistEntry(models.Model):
    """A booked person who wants an earlier time at the same place, should one free up."""

    appointment = models.OneToOneField(
        Appointment, verbose_name=_("appointment"), on_delete=models.CASCADE, related_name="waitlist_entry"
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    offers = models.PositiveSmallIntegerField(_("earlier times offered"), default=0)
    last_offered_at = models.DateTimeField(_("last offer at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["created_at"]

    def __str__(self):
        return str(self.appointment)
