"""API tokens of service accounts (finance, social information system, archives), stored hashed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key for another software of the Département, scoped to services, read-only or read/write.

    Each token acts through its own service account (a user without password whose memberships are the token's
    services), so the API reads through the same scoped querysets and writes through the same services as the
    agent screens, and the audit log names the token.
    """

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which software uses it, e.g. Finance (Grand Angle).")
    )
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token",
                                   editable=False)  # fmt: skip
    services = models.ManyToManyField("portal.Service", verbose_name=_("services"), related_name="api_tokens")
    can_write = models.BooleanField(_("may write"), default=False,
                                    help_text=_("Otherwise the token may only read."))  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)  # fmt: skip
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
