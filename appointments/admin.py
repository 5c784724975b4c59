from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appointments import services
from appointments.models import Absence, Appointment, Motif, OpeningSchedule


@admin.register(Motif)
class MotifAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "duration_minutes", "location_kind", "bookable_by", "is_active"]
    list_filter = ["service", "location_kind", "bookable_by", "is_active"]


class OpeningScheduleForm(forms.ModelForm):
    class Meta:
        model = OpeningSchedule
        fields = [
            "agent",
            "site",
            "motifs",
            "weekdays",
            "start_time",
            "end_time",
            "valid_from",
            "valid_to",
            "every_n_weeks",
        ]

    def clean_weekdays(self):
        weekdays = self.cleaned_data["weekdays"]
        if (
            not isinstance(weekdays, list)
            or not weekdays
            or not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays)
        ):
            raise ValidationError(_("Give a list of days from 0 (Monday) to 6 (Sunday), for example [0, 2, 3]."))
        return sorted(set(weekdays))

    def clean(self):
        cleaned = super().clean()
        needed = ("agent", "weekdays", "start_time", "end_time", "valid_from")
        if all(cleaned.get(name) is not None for name in needed) and cleaned["start_time"] < cleaned["end_time"]:
            clashes = services.overlapping_schedules(
                agent=cleaned["agent"], weekdays=cleaned["weekdays"], start_time=cleaned["start_time"],
                end_time=cleaned["end_time"], valid_from=cleaned["valid_from"], valid_to=cleaned.get("valid_to"),
                exclude_pk=self.instance.pk,
            )  # fmt: skip
            if clashes:
                raise ValidationError(
                    _("This agent already receives at that time: %(schedules)s.")
                    % {"schedules": "; ".join(str(clash) for clash in clashes)}
                )
        elif cleaned.get("start_time") and cleaned.get("end_time") and cleaned["start_time"] >= cleaned["end_time"]:
            self.add_error("end_time", _("The end must come after the start."))
        return cleaned


@admin.register(OpeningSchedule)
class OpeningScheduleAdmin(admin.ModelAdmin):
    form = OpeningScheduleForm
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
