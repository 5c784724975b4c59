import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import Channel, OrganisationKind, OutboxStatus, Role, ServiceKind, SiteKind
from portal.validators import validate_french_phone, validate_siret


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)

    def agents(self):
        return self.filter(memberships__isnull=False).distinct()


class Organisation(models.Model):
    """A company, farm, notary office, association or local authority that files requests."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.COMPANY
    )
    siret = models.CharField(_("SIRET"), max_length=14, validators=[validate_siret], db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.siret})"


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address: citizen, professional or agent."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    identity_certified_at = models.DateTimeField(
        _("identity certified by FranceConnect on"),
        null=True,
        blank=True,
        help_text=_("Names and date of birth come from FranceConnect and cannot be changed here."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_french_phone])
    address_line = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    commune = models.ForeignKey(
        "portal.Commune", verbose_name=_("commune"), null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    deletion_requested_at = models.DateTimeField(_("deletion requested at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_professional(self):
        return self.organisation_id is not None

    @property
    def is_agent(self):
        return self.memberships.exists()

    def certified_identity(self):
        """The identity values FranceConnect certified, by prefill key; empty when the identity is not certified."""
        if self.identity_certified_at is None:
            return {}
        values = {"first_name": self.first_name, "last_name": self.last_name}
        if self.birth_date:
            values["birth_date"] = self.birth_date.isoformat()
        return values


class StoredFile(models.Model):
    """What every kept file records (its name as sent, type, size, date); each app adds its `file` and owner."""

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name


class Relative(models.Model):
    """A person an account holder acts for: a child, or an adult they help (appointments, requests)."""

    class Kind(models.TextChoices):
        CHILD = "child", _("Child")
        OTHER = "other", _("Other relative")

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="relatives")
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    kind = models.CharField(_("relationship"), max_length=10, choices=Kind.choices, default=Kind.CHILD)

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        ordering = ["first_name", "pk"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Intercommunality(models.Model):
    """An EPCI (métropole, communauté d'agglomération or de communes)."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10)

    class Meta:
        verbose_name = _("intercommunality")
        verbose_name_plural = _("intercommunalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def for_agent(self, user):
        """Return the services the agent belongs to (all of them for administrators)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists():
            return self.all()
        return self.filter(memberships__user=user).distinct()


class Service(models.Model):
    """A service of the département that handles requests, appointments or mail."""

    slug = models.SlugField(_("identifier"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ServiceKind.choices, default=ServiceKind.OTHER)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.TextField(_("postal address"), blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SiteQuerySet(models.QuerySet):
    def for_agent(self, user):
        """Return the sites where the agent works; a service-wide membership covers every site."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if user.is_superuser or memberships.filter(Q(role=Role.ADMINISTRATOR) | Q(site__isnull=True)).exists():
            return self.all()
        return self.filter(memberships__user=user).distinct()


class Site(models.Model):
    """A place that receives the public: a CDAS, an agency, the headquarters."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices, default=SiteKind.CDAS)
    address = models.CharField(_("street address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=5)
    city = models.CharField(_("city"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    accessibility_info = models.TextField(_("accessibility information"), blank=True)
    services = models.ManyToManyField(Service, verbose_name=_("services"), blank=True, related_name="sites")

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(models.Model):
    """A commune of the département, attached to the CDAS whose sector it belongs to."""

    insee_code = models.CharField(_("INSEE code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    population = models.PositiveIntegerField(_("population"), default=0)
    intercommunality = models.ForeignKey(
        Intercommunality, verbose_name=_("intercommunality"), on_delete=models.PROTECT, related_name="communes"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("sector site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sector_communes",
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"


class Membership(models.Model):
    """An agent's role in a service, at a site, or both."""

    user = models.ForeignKey(User, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="memberships")
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(site__isnull=False) | Q(role=Role.ADMINISTRATOR),
                name="membership_has_service_or_site",
            ),
            models.UniqueConstraint(fields=["user", "service", "site", "role"], name="membership_unique"),
        ]

    def __str__(self):
        where = " / ".join(str(x) for x in (self.service, self.site) if x) or _("whole département")
        return f"{self.user} — {self.get_role_display()} — {where}"


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        """Return pending messages whose next attempt time has come."""
        return self.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now or timezone.now())


def new_webhook_secret():
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """An address of another software told of a service's events, by signed POST requests sent through the outbox."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("address"), max_length=500, help_text=_("HTTPS address that receives the events."))
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=64, default=new_webhook_secret,
                              help_text=_("Shared with the receiver, which checks signatures with it."))  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["service", "url"]

    def __str__(self):
        return f"{self.service} → {self.url}"


class OutboxMessage(models.Model):
    """A notification to deliver, written in the same transaction as the change that causes it."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox_messages"
    )
    template = models.CharField(_("template"), max_length=200)
    language = models.CharField(_("language"), max_length=5, default="fr")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    webhook = models.ForeignKey(WebhookEndpoint, verbose_name=_("webhook"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="deliveries")  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject or self.template}"


class AuditEvent(models.Model):
    """Who did what, when and from where: written by services for every change and sensitive access."""

    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor or '-'} {self.action}"


class Counter(models.Model):
    """A gapless sequence (dossier numbers, mail chrono numbers), incremented under a row lock."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.PositiveIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self):
        return f"{self.key} = {self.value}"


class ExportJob(models.Model):
    """A large export built in the background; the agent downloads it once it is ready."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("filters"), default=dict)
    format = models.CharField(_("format"), max_length=5)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.format} ({self.get_status_display()})"

    @property
    def percent(self):
        return 100 if self.status == self.Status.DONE else int(100 * self.progress / self.total) if self.total else 0
