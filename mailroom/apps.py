from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailroomConfig(AppConfig):
    name = "mailroom"
    verbose_name = _("Mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from mailroom.services import contacts_data, personal_data
        from portal.services import register_personal_data

        register_personal_data("mail", personal_data)
        register_personal_data("mail_contacts", contacts_data)
