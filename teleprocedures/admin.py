import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from teleprocedures import services
from teleprocedures.definitions import validate_definition
from teleprocedures.enums import VersionStatus
from teleprocedures.models import Dossier, Procedure, ProcedureVersion


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["number", "status", "published_at", "links"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Preview"))
    def links(self, version):
        return format_html('<a href="{}">{}</a>', reverse("teleprocedures:preview", args=[version.pk]), _("Preview"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Procedure file (JSON)"))


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_text", "service", "audience", "silence_rule", "is_active"]
    list_filter = ["service", "audience", "theme", "is_active"]
    search_fields = ["slug"]
    inlines = [VersionInline]
    actions = ["export_files", "create_draft_version"]
    change_list_template = "admin/teleprocedures/procedure/change_list.html"

    @admin.display(description=_("title"))
    def title_text(self, procedure):
        return procedure.get_title()

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="teleprocedures_procedure_import"),
                *super().get_urls()]  # fmt: skip

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                document = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                procedure, outcome = services.import_procedure(document=document, actor=request.user)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                form.add_error("file", _("This file is not valid JSON: %(error)s") % {"error": error})
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                self.message_user(request, f"{procedure.slug}: {outcome}", messages.SUCCESS)
                return redirect("admin:teleprocedures_procedure_change", procedure.pk)
        context = {**self.admin_site.each_context(request), "form": form, "title": _("Import a procedure"),
                   "opts": self.model._meta}  # fmt: skip
        return render(request, "admin/teleprocedures/procedure/import.html", context)

    @admin.action(description=_("Export as files (JSON)"))
    def export_files(self, request, queryset):
        documents = [services.export_procedure(procedure) for procedure in queryset]
        payload = documents[0] if len(documents) == 1 else documents
        response = HttpResponse(json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json")
        name = queryset[0].slug if len(documents) == 1 else "procedures"
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response

    @admin.action(description=_("Create a draft version from the published one"))
    def create_draft_version(self, request, queryset):
        for procedure in queryset:
            published = procedure.published_version()
            if published:
                services.create_draft_version(procedure=procedure, definition=published.definition, actor=request.user)
        self.message_user(request, _("Draft versions created: edit them, preview them, then publish them."))


class VersionForm(forms.ModelForm):
    definition = forms.JSONField(
        label=_("definition"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 120, "spellcheck": "false"}),
        help_text=_("Pages, fields, conditions and groups, in JSON. It is checked when you save."),
    )

    class Meta:
        model = ProcedureVersion
        fields = ["procedure", "number", "definition"]

    def clean_definition(self):
        definition = self.cleaned_data["definition"]
        errors = validate_definition(definition)
        if errors:
            raise ValidationError(errors)
        return definition


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = VersionForm
    list_display = ["procedure", "number", "status", "published_at", "dossier_count", "preview"]
    list_filter = ["status", "procedure"]
    actions = ["publish"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("procedure").annotate(dossier_total=Count("dossiers"))

    @admin.display(description=_("dossiers"))
    def dossier_count(self, version):
        return version.dossier_total

    @admin.display(description=_("Preview"))
    def preview(self, version):
        return format_html('<a href="{}">{}</a>', reverse("teleprocedures:preview", args=[version.pk]), _("Preview"))

    def has_change_permission(self, request, obj=None):
        # A published version is immutable: dossiers refer to it.
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or (obj.status == VersionStatus.DRAFT and not obj.dossiers.exists())

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.publish_version(version=version, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{version}: {'; '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(version)s is published.") % {"version": version}, messages.SUCCESS)


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["number", "procedure", "version_number", "state", "applicant", "submitted_at", "due_on"]
    list_filter = ["state", "procedure"]
    search_fields = ["number", "applicant__email", "applicant__last_name"]
    list_select_related = ["procedure", "version", "applicant"]
    readonly_fields = [f.name for f in Dossier._meta.fields] + ["followers"]

    @admin.display(description=_("version"))
    def version_number(self, dossier):
        return dossier.version.number

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
