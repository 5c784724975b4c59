from django.contrib import admin

from dashboards.models import SlotDelay, SurveyResponse
from portal.admin import ReadOnlyAdminMixin


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Answers are written by people through their link; moderation happens on the managers' comments page."""

    list_display = ["created_at", "journey", "channel", "service", "site", "score", "comment_status"]
    list_filter = ["journey", "channel", "score", "comment_status", "service"]
    date_hierarchy = "created_at"


@admin.register(SlotDelay)
class SlotDelayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["measured_on", "motif", "site", "days", "first_free_at", "measured_at"]
    list_filter = ["site", "motif"]
    date_hierarchy = "measured_on"
