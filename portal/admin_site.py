from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


class PlatformAdminSite(admin.AdminSite):
    """The administration: staff only, signed in through the platform's login, with a second factor enrolled."""

    site_header = _("Administration of the online services")
    site_title = _("Administration")
    index_title = _("Configuration")

    def has_permission(self, request):
        return super().has_permission(request) and is_mfa_enabled(request.user)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and request.user.is_staff and not is_mfa_enabled(request.user):
            return redirect("mfa_index")
        return redirect_to_login(request.get_full_path())
