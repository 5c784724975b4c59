from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeleproceduresConfig(AppConfig):
    name = "teleprocedures"
    verbose_name = _("Online requests")

    def ready(self):
        from portal.services import register_personal_data
        from teleprocedures.services import personal_data

        register_personal_data("dossiers", personal_data)
