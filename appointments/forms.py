from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.validators import normalize_french_phone


class PersonForm(forms.Form):
    """Who the appointment is for and how to reach them; an account holder may book for a relative."""

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

    def __init__(self, *args, account=None, relatives=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.relatives = {str(r.pk): r for r in account.relatives.all()} if account and relatives else {}
        if self.relatives:
            choices = [("", _("Myself"))] + [(pk, str(r)) for pk, r in self.relatives.items()]
            self.fields = {
                "for_whom": forms.ChoiceField(
                    label=_("Who is the appointment for?"),
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=_("For a relative, the names below are replaced by theirs; we write to you."),
                ),  # fmt: skip
                **self.fields,
            }

    def person(self):
        """Return the person to book for: the account holder, a relative, or someone without an account."""
        person = {**self.cleaned_data, "user": self.account, "relative": None}
        relative = self.relatives.get(person.pop("for_whom", "") or "")
        if relative is not None:
            person.update(relative=relative, first_name=relative.first_name, last_name=relative.last_name)
        return person

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
