from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    ADAPTED_TRANSPORT = "adapted_transport", _("Adapted school transport")
    ROADS = "roads", _("Roads")
    AGRICULTURE = "agriculture", _("Agriculture")
    TERRITORIAL_CONTRACTS = "territorial_contracts", _("Territorial contracts")
    PMI = "pmi", _("Maternal and child health (PMI)")
    RSA = "rsa", _("RSA and insertion")
    SOCIAL_AID = "social_aid", _("Social aid")
    MAIL = "mail", _("Mail")
    OTHER = "other", _("Other")


class SiteKind(models.TextChoices):
    CDAS = "cdas", _("Local social action centre (CDAS)")
    AGENCY = "agency", _("Departmental agency")
    HEADQUARTERS = "headquarters", _("Headquarters")


class Role(models.TextChoices):
    INSTRUCTOR = "instructor", _("Instructor")
    SECRETARY = "secretary", _("Secretary")
    RECEPTION = "reception", _("Reception")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that watch activity: the dashboards open to them, over the services and sites of these memberships.
MANAGING_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    FARM = "farm", _("Farm")
    NOTARY = "notary", _("Notary office")
    ASSOCIATION = "association", _("Association")
    LOCAL_AUTHORITY = "local_authority", _("Commune or intercommunality")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class WebhookEvent(models.TextChoices):
    DOSSIER_SUBMITTED = "dossier.submitted", _("Request submitted")
    DOSSIER_DECIDED = "dossier.decided", _("Request decided")
    APPOINTMENT_BOOKED = "appointment.booked", _("Appointment booked")
    APPOINTMENT_CANCELLED = "appointment.cancelled", _("Appointment cancelled")
    MAIL_REGISTERED = "mail.registered", _("Mail registered")
    MAIL_ANSWERED = "mail.answered", _("Mail answered")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
