from datetime import date
from urllib.parse import urlencode

from allauth.socialaccount.adapter import get_adapter
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from portal.franceconnect import oidc
from portal.services import log_event


PROVIDER_ID = "franceconnect"
SCOPES = ["openid", "given_name", "family_name", "birthdate", "email"]  # what the procedures use, nothing more
REQUESTED_LEVEL = "eidas1"
ACCEPTED_LEVELS = {"eidas1", "eidas2", "eidas3"}
RANDOM_LENGTH = 43  # FranceConnect wants state and nonce of at least 32 characters
ID_TOKEN_SESSION_KEY = "franceconnect_id_token"
LOGOUT_STATE_SESSION_KEY = "franceconnect_logout_state"


def is_enabled(request=None):
    return bool(get_adapter(request).list_apps(request, provider=PROVIDER_ID))


def _birth_date(value):
    try:
        return date.fromisoformat(value or "")
    except ValueError:  # FranceConnect writes an unknown day or month as 00
        return None


@transaction.atomic
def certify_identity(*, user, claims):
    """Take the person's names and date of birth from FranceConnect; they become read-only on the platform."""
    user.first_name = (claims.get("given_name") or user.first_name)[:150]
    user.last_name = (claims.get("family_name") or user.last_name)[:150]
    user.birth_date = _birth_date(claims.get("birthdate"))
    user.identity_certified_at = timezone.now()
    user.save(update_fields=["first_name", "last_name", "birth_date", "identity_certified_at"])
    log_event(actor=user, action="account.identity_certified", obj=user, source=PROVIDER_ID)


def logout_url(request):
    """Where to send a person signing out who came through FranceConnect, so that they leave FranceConnect too.

    Returns None (a local sign-out only) for anyone else, or when FranceConnect cannot be reached. The state sent
    along is kept on the request, for the sign-out to put it into the new session (see `remember_logout_state`)."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not id_token or not is_enabled(request):
        return None
    provider = get_adapter(request).get_provider(request, PROVIDER_ID)
    try:
        endpoint = oidc.configuration(provider.server_url)["end_session_endpoint"]
    except Exception:  # noqa: BLE001 - FranceConnect unreachable or without sign-out: sign out here only
        return None
    state = get_random_string(RANDOM_LENGTH)
    request.franceconnect_logout_state = state
    query = {
        "id_token_hint": id_token,
        "state": state,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("franceconnect_logout_return")),
    }
    return f"{endpoint}?{urlencode(query)}"


def remember_logout_state(request):
    state = getattr(request, "franceconnect_logout_state", None)
    if state:
        request.session[LOGOUT_STATE_SESSION_KEY] = state
