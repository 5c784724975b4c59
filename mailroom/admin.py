from django.contrib import admin

from mailroom.models import Contact, MailActivity, MailAttachment, MailCategory, MailItem, ReplyTemplate
from portal.admin import ReadOnlyAdminMixin


@admin.register(MailCategory)
class MailCategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "deadline_days", "alert_days", "is_request", "silence_rule", "is_active"]
    list_filter = ["service", "is_request", "is_active"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "is_active"]
    list_filter = ["service", "is_active"]
    search_fields = ["name", "body"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "email", "phone", "city", "user"]
    list_filter = ["kind"]
    search_fields = ["last_name", "first_name", "organisation_name", "email", "phone"]
    raw_id_fields = ["user"]


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MailAttachment
    fields = ["original_name", "content_type", "size", "is_reply", "created_at"]
    readonly_fields = fields
    extra = 0


class ActivityInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MailActivity
    fields = ["created_at", "kind", "actor", "text"]
    readonly_fields = fields
    extra = 0


@admin.register(MailItem)
class MailItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only here: mail is registered and processed in the agent space, where every change is logged."""

    list_display = ["number", "direction", "channel", "received_on", "contact", "subject", "service", "status",
                    "due_date"]  # fmt: skip
    list_filter = ["direction", "channel", "status", "priority", "service", "category"]
    search_fields = ["number", "subject", "contact__last_name", "contact__organisation_name", "contact__email"]
    date_hierarchy = "received_on"
    inlines = [AttachmentInline, ActivityInline]
    list_select_related = ["contact", "service"]
    show_full_result_count = False
