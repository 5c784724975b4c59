from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appointments import services
from appointments.models import Absence, Appointment, CollectiveSession, Motif, OpeningSchedule


@admin.register(Motif)
class MotifAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "duration_minutes", "location_kind", "bookable_by", "is_collective",
                    "follow_up_only", "is_active"]  # fmt: skip
    list_filter = ["service", "location_kind", "bookable_by", "is_collective", "follow_up_only", "is_active"]


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


class ParticipantInline(admin.TabularInline):
    model = Appointment
    fields = ["last_name", "first_name", "email", "phone", "status", "booked_via"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("participant")
    verbose_name_plural = _("participants")

    def has_add_permission(self, request, obj=None):
        return False


class CollectiveSessionForm(forms.ModelForm):
    class Meta:
        model = CollectiveSession
        fields = ["motif", "site", "agent", "starts_at", "seats"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and all(cleaned.get(name) for name in ("motif", "site", "agent", "starts_at")):
            # Checked here for a clear message; created in save_model through the service, which locks the time.
            motif = cleaned["motif"]
            ends_at = cleaned["starts_at"] + timedelta(minutes=motif.duration_minutes)
            if not services.agent_is_free(cleaned["agent"], cleaned["starts_at"], ends_at):
                raise ValidationError(services.AGENT_BUSY)
        return cleaned


@admin.register(CollectiveSession)
class CollectiveSessionAdmin(admin.ModelAdmin):
    form = CollectiveSessionForm
    list_display = ["starts_at", "motif", "site", "agent", "seats", "cancelled_at"]
    list_filter = ["motif", "site"]
    autocomplete_fields = ["agent", "site"]
    inlines = [ParticipantInline]
    date_hierarchy = "starts_at"

    def get_readonly_fields(self, request, obj=None):
        # Once people have booked, the time and place are theirs: cancel the session from the agent space instead.
        return ["motif", "site", "agent", "starts_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.create_session(motif=obj.motif, site=obj.site, agent=obj.agent, starts_at=obj.starts_at,
                                          seats=obj.seats, actor=request.user, request=request)  # fmt: skip
        obj.pk = created.pk
        obj.ends_at = created.ends_at
