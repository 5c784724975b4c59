import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mailroom.enums import ActivityKind, Channel, ContactKind, Direction, MailStatus, Priority
from mailroom.workflow import OPEN_STATUSES
from portal.enums import ServiceKind
from portal.models import Service, StoredFile
from teleprocedures.enums import SilenceRule


DEFAULT_ALERT_DAYS = 3


class ContactQuerySet(models.QuerySet):
    def search(self, text):
        """Contacts whose name, organisation, email, phone or city contains every word typed."""
        contacts = self
        for word in text.split()[:5]:
            contacts = contacts.filter(
                Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(organisation_name__icontains=word)
                | Q(email__icontains=word) | Q(phone__icontains=word) | Q(city__icontains=word)
            )  # fmt: skip
        return contacts


class Contact(models.Model):
    """Someone who writes to the Département or is written to: a person or an organisation."""

    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices, default=ContactKind.PERSON)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True, db_index=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address_line = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mail_contacts",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "organisation_name", "pk"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        person = f"{self.first_name} {self.last_name}".strip()
        if self.kind == ContactKind.ORGANISATION and self.organisation_name:
            return f"{self.organisation_name} ({person})" if person else self.organisation_name
        return person or self.organisation_name or self.email

    @property
    def postal_address(self):
        return "\n".join(part for part in (self.address_line, f"{self.postal_code} {self.city}".strip()) if part)


class MailCategory(models.Model):
    """A kind of mail: it routes to a service and sets the processing deadline in working days."""

    name = models.JSONField(_("name"), help_text=_('{"fr": "…", "en": "…", "ar": "…"}'))
    service = models.ForeignKey(
        Service, verbose_name=_("routed to"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mail_categories",
    )  # fmt: skip
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (working days)"), null=True, blank=True, default=15, help_text=_("Empty: no deadline.")
    )
    alert_days = models.PositiveSmallIntegerField(_("warn (working days before)"), default=DEFAULT_ALERT_DAYS)
    is_request = models.BooleanField(
        _("request to the administration"), default=False,
        help_text=_("Gets the acknowledgement of receipt required by the CRPA (L112-3)."),
    )  # fmt: skip
    silence_rule = models.CharField(
        _("silence rule"), max_length=12, choices=SilenceRule.choices, default=SilenceRule.NONE
    )
    silence_months = models.PositiveSmallIntegerField(_("implicit decision after (months)"), default=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mail category")
        verbose_name_plural = _("mail categories")
        ordering = ["pk"]

    def __str__(self):
        from teleprocedures.definitions import translate

        return translate(self.name)


def late_condition(today):
    """Open mail past its deadline (a paused deadline is not late); with `open()` or inside a count."""
    return Q(paused_since__isnull=True, due_date__lt=today)


def due_soon_condition(today):
    """Open mail past its warning date (the category's alert days before the deadline) and not yet late."""
    return Q(paused_since__isnull=True, alert_on__lte=today, due_date__gte=today)


class MailItemQuerySet(models.QuerySet):
    def for_agent(self, user):
        """Mail of the agent's services (in charge or in copy), assigned to them or registered by them.

        The mail office (a service of kind "mail") registers and routes everything: its members see all mail.
        """
        if not user.is_authenticated:
            return self.none()
        services = Service.objects.for_agent(user)
        if services.filter(kind=ServiceKind.MAIL).exists():
            return self.all()
        in_copy = MailItem.copies.through.objects.filter(service__in=services).values("mailitem_id")
        return self.filter(Q(service__in=services) | Q(pk__in=in_copy) | Q(assignee=user) | Q(created_by=user))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(late_condition(today or timezone.localdate()))

    def due_soon(self, today=None):
        return self.open().filter(due_soon_condition(today or timezone.localdate()))

    def matching(self, text):
        """Items matching a number, a sender, or words of the subject, content and notes (see mailroom.search)."""
        from mailroom.search import matching_items

        return matching_items(self, text)


def attachment_path(instance, filename):
    return f"mail/{instance.item.year}/{instance.item_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename}"


class MailItem(models.Model):
    """A letter, email, web message, phone call or counter visit: numbered, routed, tracked and answered."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCOMING)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    contact = models.ForeignKey(Contact, verbose_name=_("sender"), on_delete=models.PROTECT, related_name="items")
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("content or summary"), blank=True)
    category = models.ForeignKey(
        MailCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices, default=Priority.NORMAL)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT, related_name="mail_items"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_mail",
    )  # fmt: skip
    copies = models.ManyToManyField(Service, verbose_name=_("copies to"), blank=True, related_name="mail_copies")
    status = models.CharField(_("status"), max_length=12, choices=MailStatus.choices, default=MailStatus.REGISTERED)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    alert_on = models.DateField(_("warn from"), null=True, blank=True)
    paused_since = models.DateField(_("waiting for the sender since"), null=True, blank=True)
    in_reply_to = models.ForeignKey(
        "self", verbose_name=_("in reply to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    dossier = models.ForeignKey(
        "teleprocedures.Dossier", verbose_name=_("request"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mail_items",
    )  # fmt: skip
    appointment = models.ForeignKey(
        "appointments.Appointment", verbose_name=_("appointment"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mail_items",
    )  # fmt: skip
    close_reason = models.TextField(_("reason for closing"), blank=True)
    search_text = models.TextField(editable=False, blank=True, help_text="Subject, content and notes, for search.")
    external_id = models.CharField(_("message id"), max_length=255, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # Set with the registration, cleared once the receipt is written (its PDF is rendered outside the numbering lock).
    acknowledgement_pending = models.BooleanField(_("receipt to send"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = MailItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("mail item")
        verbose_name_plural = _("mail items")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["service", "status", "due_date"], name="mail_queue_idx"),
            models.Index(fields=["contact", "created_at"], name="mail_contact_idx"),
            models.Index(fields=["service", "created_at"], name="mail_service_recent_idx"),
            models.Index(fields=["created_at"], name="mail_recent_idx"),
            models.Index(fields=["service", "received_on"], name="mail_service_received_idx"),
            models.Index(
                fields=["created_at"], condition=Q(acknowledgement_pending=True), name="mail_receipt_due_idx"
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.subject}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None):
        return bool(self.is_open and self.due_date and not self.paused_since
                    and self.due_date < (today or timezone.localdate()))  # fmt: skip

    def is_due_soon(self, today=None):
        today = today or timezone.localdate()
        return bool(
            self.is_open and self.alert_on and not self.paused_since and self.alert_on <= today <= self.due_date
        )


class MailAttachment(StoredFile):
    """A scanned letter, a file received by email, or the PDF of a reply: served only through a checked view."""

    item = models.ForeignKey(
        MailItem, verbose_name=_("mail item"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    is_reply = models.BooleanField(_("reply"), default=False)

    class Meta(StoredFile.Meta):
        pass


class MailActivity(models.Model):
    """The item's history: notes, routing, acknowledgements, replies, status changes (who, when, what)."""

    item = models.ForeignKey(MailItem, verbose_name=_("mail item"), on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.item.number}: {self.get_kind_display()}"


PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")
PLACEHOLDERS = {
    "contact_name": _("the sender's name"),
    "contact_address": _("the sender's postal address"),
    "number": _("the mail number"),
    "subject": _("the subject of the mail"),
    "received_on": _("the date it was received"),
    "today": _("today's date"),
    "service": _("the service answering"),
    "signature": _("the signature block (agent and service)"),
}


def validate_placeholders(text):
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Available: %(available)s.")
            % {"names": ", ".join(unknown), "available": ", ".join(PLACEHOLDERS)}
        )
    if "{%" in text:
        raise ValidationError(_("Template tags are not allowed; use only {{ placeholders }}."))


class ReplyTemplate(models.Model):
    """A reply letter with {{ placeholders }}, filled in for each mail item and rendered to PDF or sent by email."""

    name = models.CharField(_("name"), max_length=150)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.CASCADE,
        help_text=_("Empty: every service may use it."),
    )  # fmt: skip
    body = models.TextField(_("text"), validators=[validate_placeholders])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["name"]

    def __str__(self):
        return self.name
