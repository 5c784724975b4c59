from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from portal.franceconnect import services
from portal.franceconnect.views import PROVIDER_ID, FranceConnectAdapter


class FranceConnectProvider(OpenIDConnectProvider):
    """FranceConnect as an OpenID Connect provider: its discovery URL comes from the settings (integration, production
    or any other server), it asks for an eIDAS level, sends a nonce it checks on return, and only the identity claims
    the procedures use."""

    id = PROVIDER_ID
    name = "FranceConnect"
    oauth2_adapter_class = FranceConnectAdapter

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = "FranceConnect"

    def get_login_url(self, request, **kwargs):
        url = reverse("franceconnect_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("franceconnect_callback")

    def get_oauth2_adapter(self, request):
        return FranceConnectAdapter(request)

    def get_default_scope(self):
        return services.SCOPES

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(services.RANDOM_LENGTH)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params.update({"nonce": nonce, "acr_values": services.REQUESTED_LEVEL, "prompt": "login consent"})
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)

    def extract_uid(self, data):
        return str(data["id_token"]["sub"])

    def extract_email_addresses(self, data):
        email = data["userinfo"].get("email")
        # The address comes from the identity provider the person chose (tax, health insurance, La Poste...), which
        # checked it: it counts as verified, and joins the verified local account that has it.
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []


provider_classes = [FranceConnectProvider]
