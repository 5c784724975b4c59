from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Membership, Service, StoredFile
from teleprocedures.definitions import translate
from teleprocedures.enums import (
    AttachmentKind,
    Audience,
    DeadlineUnit,
    DossierState,
    SilenceRule,
    Theme,
    VersionStatus,
)
from teleprocedures.workflow import DECIDED_STATES, OPEN_STATES


class ProcedureQuerySet(models.QuerySet):
    def published(self):
        """Return the procedures a person can see in the catalogue."""
        return self.filter(is_active=True, versions__status=VersionStatus.PUBLISHED).distinct()

    def for_agent(self, user):
        return self.filter(service__in=Service.objects.for_agent(user))


class Procedure(models.Model):
    """A kind of request the département handles, whose form is defined by its versions."""

    slug = models.SlugField(_("identifier"), unique=True)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="procedures"
    )
    title = models.JSONField(_("title"), help_text=_('{"fr": "…", "en": "…", "ar": "…"}'))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    who_can_file = models.JSONField(_("who can file"), default=dict, blank=True)
    documents = models.JSONField(_("documents to prepare"), default=list, blank=True)
    duration = models.JSONField(_("how long it takes"), default=dict, blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.CITIZEN)
    deadline_value = models.PositiveSmallIntegerField(_("processing deadline"), default=2)
    deadline_unit = models.CharField(
        _("deadline unit"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.MONTHS
    )
    silence_rule = models.CharField(
        _("silence rule"), max_length=5, choices=SilenceRule.choices, default=SilenceRule.NONE
    )
    retention_months = models.PositiveSmallIntegerField(_("retention (months)"), default=60)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    late_after = models.CharField(
        _("late after (month-day)"),
        max_length=5,
        blank=True,
        help_text=_("Requests filed after this day of the year are flagged late, e.g. 06-30."),
    )
    draft_lifetime_days = models.PositiveSmallIntegerField(_("drafts expire after (days)"), default=90)
    number_prefix = models.CharField(_("number prefix"), max_length=6)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["slug"]

    def __str__(self):
        return self.get_title()

    def get_title(self):
        return translate(self.title)

    def published_version(self):
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()

    def is_open(self, day=None):
        day = day or timezone.localdate()
        return (
            self.is_active
            and (not self.opens_on or self.opens_on <= day)
            and (not self.closes_on or day <= self.closes_on)
        )

    def is_late(self, day):
        if not self.late_after:
            return False
        month, day_of_month = (int(part) for part in self.late_after.split("-"))
        return (day.month, day.day) > (month, day_of_month)


class ProcedureVersion(models.Model):
    """One version of a procedure's form; immutable once published."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")]

    def __str__(self):
        return f"{self.procedure} v{self.number} ({self.get_status_display()})"


class DossierQuerySet(models.QuerySet):
    def for_applicant(self, user):
        """Return the person's own dossiers (those filed for them by an agent included)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(applicant=user)

    def drafts_editable_by(self, user):
        """Return the drafts a user may fill in: their own, and those they file for someone at a counter."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(state=DossierState.DRAFT).filter(Q(applicant=user) | Q(filed_by=user))

    def for_agent(self, user):
        """Return the dossiers of the procedures of the agent's services (drafts are never shown)."""
        if not user.is_authenticated or not Membership.objects.filter(user=user).exists():
            return self.none()
        return self.exclude(state=DossierState.DRAFT).filter(procedure__service__in=Service.objects.for_agent(user))

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def decided(self):
        return self.filter(state__in=DECIDED_STATES)


class Dossier(models.Model):
    """One request by one person for one procedure, from draft to decision."""

    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="dossiers"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by (agent)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=20, choices=DossierState.choices, default=DossierState.DRAFT)
    data = models.JSONField(_("answers"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    # Set with the submission, cleared once the acknowledgement is written (its PDF renders outside the number lock).
    acknowledgement_pending = models.BooleanField(_("acknowledgement to send"), default=False)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_duration = models.DurationField(
        _("time paused"),
        default=timedelta,
        help_text=_("Time spent waiting for the applicant, not counted as processing."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    is_late_filing = models.BooleanField(_("filed late"), default=False)
    commune = models.ForeignKey(
        "portal.Commune", verbose_name=_("commune"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("followed by"), blank=True, related_name="followed_dossiers"
    )
    expiry_warned_at = models.DateTimeField(_("expiry warning sent at"), null=True, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "applicant"], condition=Q(state="draft"), name="one_draft_per_procedure"
            )
        ]
        indexes = [
            models.Index(fields=["procedure", "state", "submitted_at"], name="dossier_queue_idx"),
            models.Index(
                fields=["submitted_at"], condition=Q(acknowledgement_pending=True), name="dossier_ack_due_idx"
            ),
            models.Index(fields=["procedure", "decided_at"], name="dossier_decided_idx"),
        ]

    def __str__(self):
        return self.number or _("Draft %(id)s") % {"id": self.pk}

    @property
    def definition(self):
        return self.version.definition

    @property
    def is_overdue(self):
        return (
            self.state in OPEN_STATES and self.paused_at is None and self.due_on and self.due_on < timezone.localdate()
        )


def attachment_path(instance, filename):
    return f"dossiers/{instance.dossier_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename}"


class Attachment(StoredFile):
    """A file of a dossier: an answer, a message attachment, or a generated PDF. Served only through a checked view."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.ANSWER)
    field_id = models.CharField(_("field"), max_length=50, blank=True)
    message = models.ForeignKey(
        "teleprocedures.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(StoredFile.Meta):
        pass


class Message(models.Model):
    """A message between the applicant and the service, visible to both."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_applicant = models.BooleanField(_("from the applicant"))
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class Annotation(models.Model):
    """A private note of the agents on a dossier, never shown to the applicant."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="annotations"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class InfoRequest(models.Model):
    """A request for missing items; the processing deadline is paused until the applicant answers."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="info_requests"
    )
    items = models.JSONField(_("missing items"))
    respond_by = models.DateField(_("answer expected by"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.dossier} — {self.requested_at:%Y-%m-%d}"


class Decision(models.Model):
    """The outcome of a dossier with its reasons and the notified PDF."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DossierState.choices)
    reasons = models.TextField(_("reasons"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_silence = models.BooleanField(_("implicit decision (silence)"), default=False)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.dossier} — {self.get_outcome_display()}"


class StatusChange(models.Model):
    """One step of the dossier's history, as shown to the applicant and the agents."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(_("from"), max_length=20, choices=DossierState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=DossierState.choices)
    transition = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.dossier}: {self.from_state} → {self.to_state}"
