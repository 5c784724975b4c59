from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    PROFESSIONAL = "professional", _("Professionals")
    EVERYONE = "everyone", _("Citizens and professionals")


class SilenceRule(models.TextChoices):
    NONE = "none", _("No implicit decision")
    SVA = "sva", _("Silence means acceptance")
    SVR = "svr", _("Silence means rejection")


class DeadlineUnit(models.TextChoices):
    MONTHS = "months", _("months")
    DAYS = "days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")


class Theme(models.TextChoices):
    EDUCATION = "education", _("School and transport")
    ROADS = "roads", _("Roads and works")
    AGRICULTURE = "agriculture", _("Agriculture")
    TERRITORIES = "territories", _("Communes and territories")
    SOCIAL = "social", _("Social aid and family")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_INFO = "awaiting_info", _("Awaiting information")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed without action")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AttachmentKind(models.TextChoices):
    ANSWER = "answer", _("Answer to the form")
    MESSAGE = "message", _("Message attachment")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
    DECISION = "decision", _("Decision")
