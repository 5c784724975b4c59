"""Business rules of the portal: accounts, profiles, personal data, audit log."""

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone

from portal.models import AuditEvent, Organisation, OutboxMessage, User
from portal.notifications import queue_email


logger = logging.getLogger("portal")


def client_ip(request):
    """Return the client's IP address (the proxy's X-Forwarded-For is trusted only behind SECURE_PROXY_SSL_HEADER)."""
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def log_event(*, actor, action, obj=None, request=None, **data):
    """Write one audit entry: who did what on which object, from which address."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=client_ip(request),
        data=data,
    )


@transaction.atomic
def complete_signup(*, user, first_name, last_name, language, organisation=None):
    """Store what the sign-up form asked besides the email and password."""
    user.first_name = first_name
    user.last_name = last_name
    user.language = language
    if organisation:
        user.organisation = Organisation.objects.create(**organisation)
    user.save(update_fields=["first_name", "last_name", "language", "organisation"])
    log_event(actor=user, action="account.signup", obj=user, professional=bool(organisation))
    return user


PROFILE_FIELDS = {"first_name", "last_name", "phone", "address_line", "postal_code", "city", "commune", "language"}


@transaction.atomic
def update_profile(*, user, changes, request=None):
    """Save the profile fields a person may change themselves; return the names of those changed."""
    changed = sorted(name for name in changes if name in PROFILE_FIELDS)
    for name in changed:
        setattr(user, name, changes[name])
    if changed:
        user.save(update_fields=changed)
        log_event(actor=user, action="profile.update", obj=user, request=request, fields=changed)
    return changed


# Each app adds the personal data it holds with `register_personal_data(label, function(user) -> JSON-able)`.
PERSONAL_DATA_SOURCES = {}


def register_personal_data(label, function):
    PERSONAL_DATA_SOURCES[label] = function


def _account_data(user):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "address_line": user.address_line,
        "postal_code": user.postal_code,
        "city": user.city,
        "commune": user.commune.name if user.commune else None,
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "organisation": (
            {"name": user.organisation.name, "kind": user.organisation.kind, "siret": user.organisation.siret}
            if user.organisation
            else None
        ),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "memberships": [
            {"role": m.role, "service": str(m.service or ""), "site": str(m.site or "")}
            for m in user.memberships.select_related("service", "site")
        ],
    }


def _notifications_data(user):
    return [
        {
            "channel": m.channel,
            "recipient": m.recipient,
            "subject": m.subject,
            "body": m.body_text,
            "status": m.status,
            "created_at": m.created_at.isoformat(),
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
        }
        for m in OutboxMessage.objects.filter(user=user).order_by("created_at")
    ]


def _activity_data(user):
    return [
        {"action": e.action, "date": e.created_at.isoformat(), "ip_address": e.ip_address}
        for e in user_audit_events(user)
    ]


def user_audit_events(user):
    return AuditEvent.objects.filter(actor=user).order_by("created_at")


register_personal_data("account", _account_data)
register_personal_data("notifications", _notifications_data)
register_personal_data("activity", _activity_data)


def export_personal_data(*, user, request=None):
    """Return everything the platform holds about the person, as a JSON-ready dict."""
    data = {"generated_at": timezone.now().isoformat(), "controller": settings.PLATFORM["organisation"]}
    for label, function in PERSONAL_DATA_SOURCES.items():
        data[label] = function(user)
    log_event(actor=user, action="personal_data.export", obj=user, request=request)
    return data


@transaction.atomic
def request_account_deletion(*, user, request):
    """Close the account now, tell the person, and erase it once the grace period has passed."""
    user.deletion_requested_at = timezone.now()
    user.is_active = False
    user.save(update_fields=["deletion_requested_at", "is_active"])
    log_event(actor=user, action="account.deletion_requested", obj=user, request=request)
    queue_email(
        to=user.email,
        template="portal/email/account_deletion_requested",
        context={"user": user, "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS},
        user=user,
    )
    logout(request)


def erase_accounts_past_grace_period():
    """Anonymise accounts whose deletion request is older than the grace period; return how many."""
    limit = timezone.now() - timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)
    erased = 0
    for user in User.objects.filter(deletion_requested_at__lte=limit).exclude(email__endswith="@erased.invalid"):
        with transaction.atomic():
            EmailAddress.objects.filter(user=user).delete()
            OutboxMessage.objects.filter(user=user).update(recipient="", body_text="", body_html="", attachments=[])
            user.email = f"erased-{user.pk}@erased.invalid"
            user.first_name = user.last_name = user.phone = user.address_line = user.postal_code = user.city = ""
            user.commune = None
            user.set_unusable_password()
            user.save()
            log_event(actor=None, action="account.erased", obj=user)
            erased += 1
    if erased:
        logger.info("Erased %s accounts past their deletion grace period", erased)
    return erased
