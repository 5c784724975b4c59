"""Business rules of the portal: accounts, profiles, personal data, audit log."""

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone

from portal.models import AuditEvent, ExportJob, Organisation, OutboxMessage, User
from portal.notifications import enqueue_safely, queue_email


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


def log_events(*, actor, action, objects, request=None, **data):
    """Write one audit entry per object (None: no object): who did what on which object, from which address."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    ip_address = client_ip(request)
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            ip_address=ip_address,
            data=data,
        )
        for obj in objects
    )


def log_event(*, actor, action, obj=None, request=None, **data):
    """Write one audit entry (see log_events)."""
    return log_events(actor=actor, action=action, objects=[obj], request=request, **data)[0]


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


@transaction.atomic
def find_or_create_person(*, email, first_name, last_name, actor, request=None):
    """Return the account of the person helped at a counter, creating it (without password) if needed."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, first_name=first_name, last_name=last_name)
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        log_event(actor=actor, action="account.created_at_counter", obj=user, request=request)
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
        "birth_date": user.birth_date.isoformat() if user.birth_date else None,
        "identity_certified_by_franceconnect_on": (
            user.identity_certified_at.isoformat() if user.identity_certified_at else None
        ),
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
        "second_factors": [
            {
                "kind": authenticator.type,
                "added_on": authenticator.created_at.isoformat(),
                "last_used": authenticator.last_used_at.isoformat() if authenticator.last_used_at else None,
            }
            for authenticator in Authenticator.objects.filter(user=user)
        ],
        "connected_accounts": [
            {
                "provider": account.provider,
                "identifier": account.uid,
                "connected_on": account.date_joined.isoformat(),
                "last_sign_in": account.last_login.isoformat(),
                "identity_received": (account.extra_data or {}).get("userinfo", {}),
            }
            for account in SocialAccount.objects.filter(user=user)
        ],
        "relatives": [
            {
                "first_name": r.first_name,
                "last_name": r.last_name,
                "kind": r.kind,
                "birth_date": r.birth_date.isoformat() if r.birth_date else None,
            }
            for r in user.relatives.all()
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


def purge_past_retention(*, now=None):
    """Empty the contents of notifications sent long ago, delete old audit entries and old exports' files."""
    now = now or timezone.now()
    sent_before = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    counts = {
        "notifications": OutboxMessage.objects.filter(created_at__lt=sent_before)
        .exclude(body_text="", body_html="", recipient="")
        .update(recipient="", subject="", body_text="", body_html="", attachments=[]),
        "audit_entries": AuditEvent.objects.filter(
            created_at__lt=now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
        ).delete()[0],
        "exports": 0,
    }
    for job in ExportJob.objects.filter(created_at__lt=now - timedelta(days=settings.EXPORT_RETENTION_DAYS)):
        job.file.delete(save=False)
        job.delete()
        counts["exports"] += 1
    return counts


def erase_accounts_past_grace_period():
    """Anonymise accounts whose deletion request is older than the grace period; return how many."""
    limit = timezone.now() - timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)
    erased = 0
    for user in User.objects.filter(deletion_requested_at__lte=limit).exclude(email__endswith="@erased.invalid"):
        with transaction.atomic():
            EmailAddress.objects.filter(user=user).delete()
            SocialAccount.objects.filter(user=user).delete()  # FranceConnect's identifier and identity
            Authenticator.objects.filter(user=user).delete()  # second factors and their secrets
            user.relatives.all().delete()
            OutboxMessage.objects.filter(user=user).update(recipient="", body_text="", body_html="", attachments=[])
            user.email = f"erased-{user.pk}@erased.invalid"
            user.first_name = user.last_name = user.phone = user.address_line = user.postal_code = user.city = ""
            user.commune = None
            user.birth_date = user.identity_certified_at = None
            user.set_unusable_password()
            user.save()
            log_event(actor=None, action="account.erased", obj=user)
            erased += 1
    if erased:
        logger.info("Erased %s accounts past their deletion grace period", erased)
    return erased


def add_relative(*, user, data, request=None):
    relative = user.relatives.create(**data)
    log_event(actor=user, action="account.relative.add", obj=relative, request=request)
    return relative


def remove_relative(*, relative, request=None):
    """Forget a relative; their past appointments keep the names given at the time."""
    log_event(actor=relative.user, action="account.relative.remove", obj=relative, request=request)
    relative.delete()


# --- Exports ------------------------------------------------------------------------------------------------------

EXPORT_SYNC_LIMIT = 5000
EXPORT_BUILDERS = {
    "dossiers": "teleprocedures.exports.dossier_table",
    "mail": "mailroom.exports.mail_table",
}


def export_table(kind, user, params):
    from django.utils.module_loading import import_string

    return import_string(EXPORT_BUILDERS[kind])(user, params)


def start_export(*, user, kind, params, fmt, request=None):
    """Create an export job and queue it; return the job."""
    from portal.models import ExportJob
    from portal.tasks import build_export

    job = ExportJob.objects.create(user=user, kind=kind, params=params, format=fmt)
    log_event(actor=user, action="export.queued", obj=job, request=request, kind=kind, format=fmt)
    transaction.on_commit(lambda: enqueue_safely(build_export, job.pk))
    return job


def build_export(*, job_id):
    import tempfile

    from django.core.files import File

    from portal.exports import write_file
    from portal.models import ExportJob

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return job.status
    name, header, rows, total = export_table(job.kind, job.user, job.params)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, total=total)

    def progress(count):
        ExportJob.objects.filter(pk=job.pk).update(progress=count)

    try:
        with tempfile.TemporaryFile() as handle:
            write_file(handle, job.format, header, rows, progress=progress)
            handle.seek(0)
            job.file.save(f"{name}.{job.format}", File(handle), save=False)
    except Exception as error:  # noqa: BLE001 (the agent sees the failure instead of waiting forever)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(error)[:1000])
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, progress=total, file=job.file.name, finished_at=timezone.now()
    )
    return ExportJob.Status.DONE


def requeue_stale_exports():
    """Queue again the exports still waiting after 5 minutes (the queue was down when they were asked for)."""
    from datetime import timedelta

    from portal.models import ExportJob
    from portal.tasks import build_export

    stale = ExportJob.objects.filter(
        status=ExportJob.Status.QUEUED, created_at__lt=timezone.now() - timedelta(minutes=5)
    )
    return sum(enqueue_safely(build_export, job.pk) for job in stale)
