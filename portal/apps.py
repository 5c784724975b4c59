from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal and organisation")


class PlatformAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "portal.admin_site.PlatformAdminSite"
