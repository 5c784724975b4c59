from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.validators import normalize_french_phone


class PersonForm(forms.Form):
    first_name = forms.CharField(
        label=gettext_lazy("First name"), max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"), max_length=150, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        required=False,
        widget=forms.EmailInput({"autocomplete": "email"}),
        help_text=gettext_lazy("For the confirmation, the reminder and the link to move or cancel."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=25,
        required=False,
        widget=forms.TextInput({"autocomplete": "tel", "type": "tel"}),
        help_text=gettext_lazy("For a text message reminder, for example 06 12 34 56 78."),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalize_french_phone(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error(
                "email", _("Give an email address or a mobile phone so that we can confirm the appointment.")
            )
        return cleaned
