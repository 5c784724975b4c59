from django.db import models
from django.utils.translation import gettext_lazy as _


class Conformity(models.TextChoices):
    """The status the law asks every page to show ("Accessibilité : … conforme")."""

    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class Result(models.TextChoices):
    """An auditor's finding for one criterion on one page."""

    NOT_TESTED = "nt", _("Not tested yet")
    CONFORM = "c", _("Compliant")
    NOT_CONFORM = "nc", _("Not compliant")
    NOT_APPLICABLE = "na", _("Not applicable")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    POSTPONED = "postponed", _("Postponed")


class Theme(models.TextChoices):
    SYSTEM = "system", _("Follow my device")
    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")


class TextSize(models.TextChoices):
    NORMAL = "normal", _("Normal")
    LARGE = "large", _("Larger")
    LARGEST = "largest", _("Largest")


class Spacing(models.TextChoices):
    NORMAL = "normal", _("Normal")
    WIDE = "wide", _("More space between lines, words and letters")


class Motion(models.TextChoices):
    SYSTEM = "system", _("Follow my device")
    REDUCED = "reduced", _("Reduce animations")
