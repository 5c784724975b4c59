from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeleproceduresConfig(AppConfig):
    name = "teleprocedures"
    verbose_name = _("Online requests")
