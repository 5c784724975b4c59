from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal import notifications
from portal.enums import WebhookEvent
from portal.models import (
    AuditEvent,
    Commune,
    Intercommunality,
    Membership,
    Organisation,
    OutboxMessage,
    Service,
    Site,
    User,
    WebhookEndpoint,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["service", "site"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "memberships__role"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    autocomplete_fields = ["organisation", "commune"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Identity"),
            {"fields": ("first_name", "last_name", "phone", "address_line", "postal_code", "city", "commune")},
        ),
        (_("Organisation"), {"fields": ("organisation",)}),
        (_("Preferences"), {"fields": ("language",)}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "deletion_requested_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "phone"]
    list_filter = ["kind", "services"]
    search_fields = ["name", "city"]
    filter_horizontal = ["services"]


@admin.register(Intercommunality)
class IntercommunalityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren"]
    search_fields = ["name", "siren"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "intercommunality", "site", "population"]
    list_filter = ["site", "intercommunality"]
    search_fields = ["name", "insee_code"]
    list_select_related = ["intercommunality", "site"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "service", "site"]
    list_filter = ["role", "service", "site"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "service", "site"]
    list_select_related = ["user", "service", "site"]


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=500, assume_scheme="https",
                         help_text=_("HTTPS address that receives the events."))  # fmt: skip
    events = forms.MultipleChoiceField(label=_("events"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip

    class Meta:
        model = WebhookEndpoint
        fields = ["service", "url", "events", "description", "is_active", "secret"]


class DeliveryInline(admin.TabularInline):
    """The delivery log: each event sent to this address, its attempts and the last error."""

    model = OutboxMessage
    fields = ["created_at", "template", "status", "attempts", "sent_at", "next_attempt_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]
    verbose_name_plural = _("deliveries")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["service", "url", "is_active", "created_at"]
    list_filter = ["service", "is_active"]
    inlines = [DeliveryInline]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["recipient", "subject"]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry delivery now"))
    def retry_now(self, request, queryset):
        count = 0
        for message in queryset.filter(status__in=["pending", "failed"]):
            OutboxMessage.objects.filter(pk=message.pk).update(status="pending", next_attempt_at=message.created_at)
            count += notifications.enqueue_delivery(message.pk)
        self.message_user(request, _("%(count)s messages queued again.") % {"count": count})


class ReadOnlyAdminMixin:
    """Records written by the application only (audit, mail history): shown, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor__email", "object_id", "action"]
    date_hierarchy = "created_at"
