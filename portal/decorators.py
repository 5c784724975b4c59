from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal.models import Membership


def agent_required(view):
    """Open the view to agents only, and only once they have enrolled a second factor."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not Membership.objects.filter(user=request.user).exists():
            raise PermissionDenied
        if not is_mfa_enabled(request.user):
            messages.warning(
                request,
                _("The agent space holds personal data: set up two-factor authentication before you enter it."),
            )
            return redirect("mfa_index")
        return view(request, *args, **kwargs)

    return wrapper
