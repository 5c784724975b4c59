from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accessibility import services
from accessibility.models import (
    ActionPlan,
    Audit,
    AuditedPage,
    CriterionResult,
    MultiYearPlan,
    PlannedAction,
    Statement,
)


class StatusForgettingAdmin(admin.ModelAdmin):
    """Every change here may change the status shown in the footer: forget the cached one."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.forget_conformity()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.forget_conformity()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.forget_conformity()


class AuditedPageInline(admin.TabularInline):
    model = AuditedPage
    fields = ["position", "title", "path"]
    extra = 1
    show_change_link = True


@admin.register(Audit)
class AuditAdmin(StatusForgettingAdmin):
    list_display = ["title", "auditor", "performed_on", "rate"]
    inlines = [AuditedPageInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for page in form.instance.pages.all():
            services.ensure_results(page)

    @admin.display(description=_("compliance rate (%)"))
    def rate(self, audit):
        rate = services.summarise(audit).rate
        return "–" if rate is None else rate


class CriterionResultInline(admin.TabularInline):
    model = CriterionResult
    fields = ["criterion", "criterion_title", "result", "note"]
    readonly_fields = ["criterion", "criterion_title"]
    extra = 0
    can_delete = False
    max_num = 0  # the 106 rows are created with the page

    @admin.display(description=_("RGAA 4.1 criterion"))
    def criterion_title(self, result):
        return result.criterion_title


@admin.register(AuditedPage)
class AuditedPageAdmin(StatusForgettingAdmin):
    list_display = ["title", "path", "audit"]
    list_filter = ["audit"]
    inlines = [CriterionResultInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.ensure_results(obj)


@admin.register(Statement)
class StatementAdmin(StatusForgettingAdmin):
    list_display = ["__str__", "audit", "updated_at"]

    def has_add_permission(self, request):
        return not Statement.objects.exists()


class PlannedActionInline(admin.TabularInline):
    model = PlannedAction
    fields = ["position", "title", "description", "due", "status"]
    extra = 1


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "plan", "is_published"]
    inlines = [PlannedActionInline]


class ActionPlanInline(admin.TabularInline):
    model = ActionPlan
    fields = ["year", "is_published"]
    extra = 0
    show_change_link = True


@admin.register(MultiYearPlan)
class MultiYearPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_published"]
    inlines = [ActionPlanInline]
