from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    SITE = "site", _("At the centre")
    PHONE = "phone", _("By phone")
    HOME = "home", _("Home visit")


class BookableBy(models.TextChoices):
    AGENTS = "agents", _("Agents only")
    INVITED = "invited", _("Agents and invited people")
    EVERYONE = "everyone", _("Everyone")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    SEEN = "seen", _("Seen")
    EXCUSED = "excused", _("Cancelled by the person")
    CANCELLED = "cancelled", _("Cancelled by the service")
    NO_SHOW = "no_show", _("Did not come")


class BookedVia(models.TextChoices):
    ONLINE = "online", _("Online by the person")
    AGENT = "agent", _("By an agent")
    INVITATION = "invitation", _("Through an invitation")
