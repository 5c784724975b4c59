from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    YEAR = "year", _("This year")
    CUSTOM = "custom", _("Chosen dates")


class Journey(models.TextChoices):
    """The moment after which a person is asked how it went."""

    SUBMITTED = "submitted", _("Request filed")
    DECIDED = "decided", _("Decision received")
    APPOINTMENT = "appointment", _("Appointment")
    MAIL = "mail", _("Reply to mail")


class SurveyChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    ASSISTED = "assisted", _("Helped by an agent")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    HOME = "home", _("Home visit")
    EMAIL = "email", _("By email")
    POST = "post", _("By post")


class Score(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class CommentStatus(models.TextChoices):
    NONE = "none", _("No comment")
    PENDING = "pending", _("To moderate")
    PUBLISHED = "published", _("Shown on the dashboard")
    HIDDEN = "hidden", _("Hidden")
