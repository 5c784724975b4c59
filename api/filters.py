"""Query-string filters of the list endpoints, checked like a form: a bad value is a 400 naming the parameter."""

from django import forms

from api.errors import checked_form, reject_unknown_params
from teleprocedures.enums import DossierState


class DossierFilters(forms.Form):
    procedure = forms.SlugField(required=False)
    state = forms.ChoiceField(
        required=False, choices=[("", "")] + [c for c in DossierState.choices if c[0] != "draft"]
    )
    submitted_after = forms.DateTimeField(required=False)
    submitted_before = forms.DateTimeField(required=False)
    updated_after = forms.DateTimeField(required=False)

    KNOWN = {"procedure", "state", "submitted_after", "submitted_before", "updated_after", "cursor", "page_size"}

    def apply(self, queryset):
        reject_unknown_params(self.data, self.KNOWN)
        data = checked_form(self)
        if data["procedure"]:
            queryset = queryset.filter(procedure__slug=data["procedure"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["submitted_after"]:
            queryset = queryset.filter(submitted_at__gte=data["submitted_after"])
        if data["submitted_before"]:
            queryset = queryset.filter(submitted_at__lt=data["submitted_before"])
        if data["updated_after"]:
            queryset = queryset.filter(updated_at__gte=data["updated_after"])
        return queryset
