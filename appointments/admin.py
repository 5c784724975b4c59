from django.contrib import admin

from appointments.models import Absence, Appointment, Motif, OpeningSchedule


@admin.register(Motif)
class MotifAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "duration_minutes", "location_kind", "bookable_by", "is_active"]
    list_filter = ["service", "location_kind", "bookable_by", "is_active"]


@admin.register(OpeningSchedule)
class OpeningScheduleAdmin(admin.ModelAdmin):
    list_display = ["agent", "site", "weekdays", "start_time", "end_time", "valid_from", "valid_to", "every_n_weeks"]
    list_filter = ["site"]
    filter_horizontal = ["motifs"]
    autocomplete_fields = ["agent", "site"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["agent", "starts_at", "ends_at", "weekly_until", "reason"]
    autocomplete_fields = ["agent"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "motif", "site", "agent", "last_name", "first_name", "status", "booked_via"]
    list_filter = ["status", "booked_via", "site", "motif"]
    search_fields = ["last_name", "first_name", "email", "phone"]
    list_select_related = ["motif", "site", "agent"]
    date_hierarchy = "starts_at"
