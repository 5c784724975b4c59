from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiToken


class ApiAccess(BasePermission):
    """Agents (session) and tokens may read; only tokens that may write, and agents, may change things."""

    message = _("This token may only read.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.memberships.exists()):
            self.message = _("The API is open to the Département's agents and to API tokens only.")
            return False
        if isinstance(request.auth, ApiToken) and request.method not in SAFE_METHODS:
            self.message = _("This token may only read.")
            return request.auth.can_write
        return True
