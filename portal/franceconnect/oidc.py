"""FranceConnect's discovery document and signing keys (kept an hour in the cache), and the checks of its JWTs.

FranceConnect v2 signs the ID token and the userinfo response with ES256 or RS256 and rotates its keys: a token signed
by a key we have not seen yet makes us fetch the key set again before refusing it.
"""

import hashlib

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.core.cache import cache


ALGORITHMS = ["ES256", "RS256"]
CACHE_SECONDS = 3600
TIMEOUT_SECONDS = 10
LEEWAY_SECONDS = 60


def _cache_key(kind, url):
    return f"franceconnect:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def fetch_json(url):
    with get_adapter().get_requests_session() as session:
        response = session.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()


def configuration(discovery_url):
    key = _cache_key("configuration", discovery_url)
    config = cache.get(key)
    if config is None:
        config = fetch_json(discovery_url)
        cache.set(key, config, CACHE_SECONDS)
    return config


def _key_set(jwks_uri, *, refresh):
    key = _cache_key("jwks", jwks_uri)
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = fetch_json(jwks_uri)
        cache.set(key, keys, CACHE_SECONDS)
    return keys


def signing_key(jwks_uri, token):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise OAuth2Error("malformed token") from error
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise OAuth2Error(f"token signed with {algorithm!r}, expected one of {ALGORITHMS}")
    for refresh in (False, True):
        for jwk in _key_set(jwks_uri, refresh=refresh).get("keys", []):
            if jwk.get("kid") == header.get("kid"):
                try:
                    return jwt.PyJWK(jwk, algorithm=algorithm).key
                except jwt.PyJWTError as error:
                    raise OAuth2Error("unusable signing key") from error
    raise OAuth2Error(f"unknown signing key {header.get('kid')!r}")


def decode(token, *, config, audience, required):
    """Check the signature, issuer, audience and dates of a JWT from the provider; return its claims."""
    key = signing_key(config["jwks_uri"], token)
    try:
        return jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=config["issuer"],
            leeway=LEEWAY_SECONDS,
            options={"require": required},
        )
    except jwt.PyJWTError as error:
        raise OAuth2Error(f"invalid token: {error}") from error
