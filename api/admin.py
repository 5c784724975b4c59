from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api import services
from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "can_write", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["can_write", "revoked_at"]
    fields = ["name", "services", "can_write", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    filter_horizontal = ["services"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = services.create_token(name=obj.name, services=form.cleaned_data["services"],
                                           can_write=obj.can_write, actor=request.user)  # fmt: skip
        obj.pk, obj.prefix = token.pk, token.prefix
        messages.warning(request, _("Copy the token now, it will not be shown again: %(key)s") % {"key": key})

    def save_related(self, request, form, formsets, change):
        if change:
            services.set_services(token=form.instance, services=form.cleaned_data["services"], actor=request.user)

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token=token, actor=request.user)
