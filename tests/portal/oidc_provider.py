"""A small OpenID Connect provider that behaves like FranceConnect v2, started by the tests on a free local port.

Built on PyJWT and cryptography (ES256 keys); it checks what FranceConnect checks (client, redirect URI, scopes,
`acr_values`, nonce and state of at least 32 characters, client secret in the body, codes used once), signs the ID
token and the userinfo answer, and offers RP-initiated sign-out. Knobs let a test make it misbehave.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec


BASE = "/api/v2"


def new_key(kid):
    private = ec.generate_private_key(ec.SECP256R1())
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    return private, {**public, "kid": kid, "alg": "ES256", "use": "sig"}


class LocalProvider:
    client_id = "portail-departement-test"
    client_secret = "a-secret-of-at-least-thirty-two-characters"

    def __init__(self):
        self.key, self.jwk = new_key("key-1")
        self.person = {
            "sub": "b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1",
            "given_name": "Angela Claire Louise",
            "family_name": "DUBOIS",
            "birthdate": "1962-08-24",
            "email": "angela.dubois@example.org",
        }
        self.id_token_claims = {}  # added to (or replacing) the ID token's claims
        self.userinfo_key = None  # sign the userinfo answer with another key
        self.userinfo_claims = {}
        self.authorize_error = None  # answer the authorization with this error instead of a code
        self.token_status = 200
        self.authorize_requests = []
        self.logout_requests = []
        self.codes = {}
        self.tokens = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.handle(self, "GET")

            def do_POST(self):
                provider.handle(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}{BASE}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # --- HTTP -------------------------------------------------------------------------------------------------

    def handle(self, request, method):
        url = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            query = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        routes = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/authorize"): self.authorize,
            ("POST", "/token"): self.token,
            ("GET", "/userinfo"): self.userinfo,
            ("GET", "/session/end"): self.end_session,
        }
        route = routes.get((method, url.path.removeprefix(BASE)))
        if route is None:
            return self.send(request, 404, {"error": "not_found"})
        return route(request, query)

    @staticmethod
    def send(request, status, body=None, *, content_type="application/json", location=None):
        payload = (json.dumps(body) if content_type == "application/json" else body or "").encode()
        request.send_response(status)
        if location:
            request.send_header("Location", location)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    # --- endpoints --------------------------------------------------------------------------------------------

    def discovery(self, request, query):
        self.send(request, 200, {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "response_types_supported": ["code"],
            "acr_values_supported": ["eidas1"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        })  # fmt: skip

    def jwks(self, request, query):
        self.send(request, 200, {"keys": [self.jwk]})

    def authorize(self, request, query):
        self.authorize_requests.append(query)
        problems = [
            name
            for name, ok in {
                "client_id": query.get("client_id") == self.client_id,
                "response_type": query.get("response_type") == "code",
                "scope": "openid" in query.get("scope", "").split(),
                "acr_values": query.get("acr_values") == "eidas1",
                "nonce": len(query.get("nonce", "")) >= 32,
                "state": len(query.get("state", "")) >= 32,
                "redirect_uri": query.get("redirect_uri", "").startswith("http"),
            }.items()
            if not ok
        ]
        if problems:
            return self.send(request, 400, {"error": "invalid_request", "fields": problems})
        if self.authorize_error:
            result = {"error": self.authorize_error, "state": query["state"]}
        else:
            code = secrets.token_urlsafe(24)
            self.codes[code] = query
            result = {"code": code, "state": query["state"]}
        self.send(request, 302, location=f"{query['redirect_uri']}?{urlencode(result)}")

    def token(self, request, query):
        grant = self.codes.pop(query.get("code", ""), None)  # a code is used once
        if self.token_status != 200:
            return self.send(request, self.token_status, {"error": "server_error"})
        if (
            grant is None
            or query.get("grant_type") != "authorization_code"
            or query.get("client_id") != self.client_id
            or query.get("client_secret") != self.client_secret
            or query.get("redirect_uri") != grant["redirect_uri"]
        ):
            return self.send(request, 400, {"error": "invalid_grant"})
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": self.person["sub"],
            "iat": now,
            "exp": now + 60,
            "nonce": grant["nonce"],
            "acr": "eidas1",
            "amr": ["pwd"],
            **self.id_token_claims,
        }
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant
        self.send(request, 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 60,
            "id_token": self.sign(claims),
        })  # fmt: skip

    def userinfo(self, request, query):
        grant = self.tokens.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if grant is None:
            return self.send(request, 401, {"error": "invalid_token"})
        scopes = set(grant["scope"].split())
        claims = {k: v for k, v in self.person.items() if k == "sub" or k in scopes}
        claims.update({"iss": self.issuer, "aud": self.client_id, **self.userinfo_claims})
        key = self.userinfo_key or (self.key, self.jwk)
        self.send(request, 200, self.sign(claims, key), content_type="application/jwt")

    def end_session(self, request, query):
        self.logout_requests.append(query)
        try:
            jwt.decode(query.get("id_token_hint", ""), self.key.public_key(), algorithms=["ES256"],
                       audience=self.client_id, options={"verify_exp": False})  # fmt: skip
        except jwt.PyJWTError:
            return self.send(request, 400, {"error": "invalid id_token_hint"})
        target = f"{query['post_logout_redirect_uri']}?{urlencode({'state': query['state']})}"
        self.send(request, 302, location=target)

    def sign(self, claims, key=None):
        private, jwk = key or (self.key, self.jwk)
        return jwt.encode(claims, private, algorithm="ES256", headers={"kid": jwk["kid"]})


def franceconnect_settings(provider):
    """SOCIALACCOUNT_PROVIDERS with FranceConnect pointed at this local provider."""
    return {
        "franceconnect": {
            "APPS": [{"client_id": provider.client_id, "secret": provider.client_secret,
                      "settings": {"server_url": provider.issuer}}]
        }
    }  # fmt: skip
