"""Create, find and revoke API tokens: the key is shown once, only its SHA-256 is kept."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from portal.enums import Role
from portal.models import Membership, User
from portal.services import log_event


KEY_PREFIX = "pdt"
# A token's last use is written at most this often (not one write per request).
LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(*, name, services, can_write=False, actor=None):
    """Return (token, key): the key reads `pdt_<prefix>_<secret>` and is never stored."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    account = User(email=f"api-{prefix}@api.invalid", first_name=name[:150], last_name="(API)")
    account.set_unusable_password()
    account.save()
    token = ApiToken.objects.create(name=name, prefix=prefix, key_hash=_hash(key), account=account,
                                    can_write=can_write, created_by=actor)  # fmt: skip
    set_services(token=token, services=services, actor=actor)
    log_event(actor=actor, action="api.token.create", obj=token, prefix=prefix, can_write=can_write)
    return token, key


@transaction.atomic
def set_services(*, token, services, actor=None):
    """Scope the token to these services (its account's memberships follow)."""
    services = list(services)
    token.services.set(services)
    token.account.memberships.exclude(service__in=services).delete()
    for service in services:
        Membership.objects.get_or_create(user=token.account, service=service, site=None, role=Role.INSTRUCTOR)
    log_event(actor=actor, action="api.token.scope", obj=token, services=[s.slug for s in services])


@transaction.atomic
def revoke_token(*, token, actor=None):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        token.account.is_active = False
        token.account.save(update_fields=["is_active"])
        log_event(actor=actor, action="api.token.revoke", obj=token)
    return token


def token_for_key(key, *, now=None):
    """The active token of this key (its last use noted), or None; the comparison takes constant time."""
    parts = (key or "").split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    token = ApiToken.objects.active().select_related("account").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    now = now or timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
