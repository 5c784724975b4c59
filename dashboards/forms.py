from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.enums import Score


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(score.value, f"{score.value} – {score.label}") for score in reversed(Score)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Would you like to tell us more? (optional)"),
        help_text=_("Do not write your name, address or phone number: comments are read by the service."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
