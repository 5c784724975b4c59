from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from portal.franceconnect import oidc, services
from portal.franceconnect.services import PROVIDER_ID


class FranceConnectAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter, with the checks FranceConnect v2 calls for.

    The ID token is always verified (signature, issuer, audience, dates) and must carry the nonce sent with the request
    and an eIDAS level; the userinfo answer is a JWT signed by FranceConnect, verified the same way, about the same
    person. The raw ID token is kept in the login state for the sign-out through FranceConnect.
    """

    state = None  # the stashed login state, set by the callback view

    def __init__(self, request):
        super().__init__(request, PROVIDER_ID)

    @property
    def openid_config(self):
        provider = self.get_provider()
        config = dict(oidc.configuration(provider.server_url))
        config.update(provider.app.settings.get("openid_configuration_overrides", {}))
        return config

    get_callback_url = OAuth2Adapter.get_callback_url  # our own URL names, without the OpenID Connect provider id

    @property
    def basic_auth(self):
        return False  # FranceConnect takes the client secret in the body (client_secret_post)

    def complete_login(self, request, app, token, **kwargs):
        raw_id_token = kwargs["response"].get("id_token")
        if not raw_id_token:
            raise OAuth2Error("no ID token in FranceConnect's answer")
        config = self.openid_config
        id_token = oidc.decode(raw_id_token, config=config, audience=app.client_id, required=["exp", "iat", "sub"])
        expected_nonce = (self.state or {}).get("nonce") or ""
        if not expected_nonce or not constant_time_compare(id_token.get("nonce") or "", expected_nonce):
            raise OAuth2Error("the ID token's nonce is not the one of this sign-in")
        if id_token.get("acr") not in services.ACCEPTED_LEVELS:
            raise OAuth2Error(f"eIDAS level {id_token.get('acr')!r} is not accepted")
        userinfo = self._fetch_user_info(token.token, config=config, client_id=app.client_id)
        if userinfo.get("sub") != id_token["sub"]:
            raise OAuth2Error("the userinfo answer is about another person than the ID token")
        self.state["id_token"] = raw_id_token
        return self.get_provider().sociallogin_from_response(request, {"userinfo": userinfo, "id_token": id_token})

    def _fetch_user_info(self, access_token, *, config, client_id):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                config["userinfo_endpoint"],
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=oidc.TIMEOUT_SECONDS,
            )
            response.raise_for_status()
        if not response.headers.get("Content-Type", "").startswith("application/jwt"):
            raise OAuth2Error("FranceConnect's userinfo answer is not a signed JWT")
        return oidc.decode(response.text.strip(), config=config, audience=client_id, required=["sub"])


class FranceConnectCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


def _or_404(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist:
            raise Http404("FranceConnect is not configured") from None

    return login_not_required(wrapped)


login = _or_404(OAuth2LoginView.adapter_view(FranceConnectAdapter))
callback = _or_404(FranceConnectCallbackView.adapter_view(FranceConnectAdapter))


@login_not_required
def logout_return(request):
    """FranceConnect sends the person back here once signed out there too."""
    expected = request.session.pop(services.LOGOUT_STATE_SESSION_KEY, "")
    if expected and constant_time_compare(request.GET.get("state", ""), expected):
        messages.info(request, _("You are also signed out of FranceConnect."))
    return redirect(reverse("portal:home"))
