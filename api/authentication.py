from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from api.services import token_for_key


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer pdt_…`: the request acts as the token's service account."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Give the token after “Bearer ” and nothing else."))
        token = token_for_key(header[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed(_("This token is unknown or revoked."))
        return token.account, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """Describe the token in the OpenAPI schema (an HTTP bearer scheme)."""

    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A token `pdt_…` created in the admin."}
