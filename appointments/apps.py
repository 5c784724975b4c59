from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from appointments.services import invitations_data, personal_data
        from portal.services import register_personal_data

        register_personal_data("appointments", personal_data)
        register_personal_data("invitations", invitations_data)
