from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class Channel(models.TextChoices):
    PAPER = "paper", _("Letter")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone call")
    COUNTER = "counter", _("Counter visit")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very_urgent", _("Very urgent")


class MailStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Routed to a service")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the sender")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    FORWARDED = "forwarded", _("Forwarded to another body")


class ContactKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class ActivityKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Routed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note")
    FORWARDED = "forwarded", _("Forwarded")
    ACKNOWLEDGED = "acknowledged", _("Acknowledgement sent")
    REPLIED = "replied", _("Reply sent")
    PAUSED = "paused", _("Waiting for the sender")
    RESUMED = "resumed", _("Resumed")
    STATUS = "status", _("Status changed")
    ESCALATED = "escalated", _("Escalated to the manager")
