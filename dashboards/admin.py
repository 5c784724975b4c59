from django.contrib import admin

from dashboards.models import SurveyResponse
from portal.admin import ReadOnlyAdminMixin


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Answers are written by people through their link; moderation happens on the managers' comments page."""

    list_display = ["created_at", "journey", "channel", "service", "site", "score", "comment_status"]
    list_filter = ["journey", "channel", "score", "comment_status", "service"]
    date_hierarchy = "created_at"
