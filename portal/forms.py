from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import services
from portal.enums import OrganisationKind
from portal.models import Relative, User
from portal.organisation import find_commune
from portal.validators import normalize_french_phone, validate_siret


class AccessibleBoundField(BoundField):
    """Tie the hint and the error message to the input with aria-describedby, and flag invalid inputs."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}_helptext")
        if self.form.is_bound and self.errors:
            described_by.append(f"{self.auto_id}_error")
            attrs["aria-invalid"] = "true"
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs


class PlatformFormRenderer(TemplatesSetting):
    """Render every form with the platform's field template (label, hint, error, error summary)."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
    bound_field_class = AccessibleBoundField


class SenderForm(forms.Form):
    """Who writes to the Département: names and email, with the autocomplete hints that let a browser fill them."""

    email_help = ""

    first_name = forms.CharField(label=_("First name"), max_length=150,
                                 widget=forms.TextInput({"autocomplete": "given-name"}))  # fmt: skip
    last_name = forms.CharField(label=_("Last name"), max_length=150,
                                widget=forms.TextInput({"autocomplete": "family-name"}))  # fmt: skip
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput({"autocomplete": "email"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = self.email_help


class SignupForm(AllauthSignupForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    is_professional = forms.BooleanField(
        label=_("I am signing up for an organisation (company, farm, notary office, association, commune)"),
        required=False,
    )
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200, required=False)
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=OrganisationKind.choices, required=False
    )
    siret = forms.CharField(
        label=_("SIRET number"),
        max_length=20,
        required=False,
        help_text=_("14 digits, found on your Kbis extract or on annuaire-entreprises.data.gouv.fr."),
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "is_professional",
        "organisation_name",
        "organisation_kind",
        "siret",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "email": "email",
            "password1": "new-password",
            "password2": "new-password",
            "organisation_name": "organization",
            "siret": "off",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["email"].help_text = _("We will send you a link to confirm this address.")
        self.fields["siret"].widget.attrs["inputmode"] = "numeric"

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_professional"):
            for name in ("organisation_name", "organisation_kind"):
                if not cleaned.get(name):
                    self.add_error(name, _("This field is required for an organisation."))
            if not cleaned.get("siret"):
                self.add_error("siret", _("This field is required for an organisation."))
            elif "siret" not in self.errors:
                try:
                    validate_siret(cleaned["siret"])
                except forms.ValidationError as error:
                    self.add_error("siret", error)
        return cleaned

    def save(self, request):
        user = super().save(request)
        data = self.cleaned_data
        organisation = None
        if data.get("is_professional"):
            organisation = {
                "name": data["organisation_name"],
                "kind": data["organisation_kind"],
                "siret": data["siret"],
            }
        return services.complete_signup(
            user=user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            language=(get_language() or "fr")[:2],
            organisation=organisation,
        )


def make_read_only(form, name, value, note):
    """Show a value the person cannot change here and ignore any value posted for it.

    `readonly` rather than `disabled`: the field stays in the tab order and is read out by screen readers."""
    field = form.fields[name]
    field.widget.attrs["readonly"] = True
    field.help_text = note
    form.initial[name] = value
    if form.is_bound:
        form.data = form.data.copy()
        form.data[form.add_prefix(name)] = value


def past_birth_date(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date of birth cannot be in the future."), code="future")
    return value


CERTIFIED_NOTE = _("Certified by FranceConnect: it cannot be changed here.")


class ProfileForm(forms.ModelForm):
    # A text field, not a list of the 332 communes: lighter pages (EcoIndex) and easier with a screen reader.
    commune = forms.CharField(
        label=_("Commune"),
        max_length=100,
        required=False,
        help_text=_(
            "Its name or INSEE code. Your commune decides which local social action centre (CDAS) serves you."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "phone",
            "address_line",
            "postal_code",
            "city",
            "commune",
            "language",
        ]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "birth_date": _("Date of birth"),
            "phone": _("Phone"),
            "address_line": _("Street address"),
            "postal_code": _("Postal code"),
            "city": _("City"),
            "language": _("Language of emails and text messages"),
        }
        help_texts = {
            "birth_date": _("For example 15/03/1985."),
            "phone": _("For example 06 12 34 56 78."),
            "postal_code": _("5 digits, for example 35000."),
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "birth_date": forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "address_line": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if self.instance.commune_id and not self.is_bound:
            self.initial["commune"] = self.instance.commune.name
        for name, value in self.instance.certified_identity().items():
            make_read_only(self, name, value, CERTIFIED_NOTE)

    def clean_birth_date(self):
        return past_birth_date(self.cleaned_data["birth_date"])

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        return find_commune(text) if text else None

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalize_french_phone(phone) if phone else ""

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and not (code.isdigit() and len(code) == 5):
            raise forms.ValidationError(_("A postal code has 5 digits."), code="postal_code")
        return code


class AccountDeletionForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm it is really you."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():  # an account opened through FranceConnect has no password
            self.fields["password"] = forms.BooleanField(
                label=_("I confirm that I want to delete my account"),
                help_text=_("You signed in through FranceConnect, so no password is asked."),
            )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user.has_usable_password() and not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."), code="wrong_password")
        return password


class RelativeForm(forms.ModelForm):
    class Meta:
        model = Relative
        fields = ["first_name", "last_name", "birth_date", "kind"]
        widgets = {"birth_date": forms.DateInput({"type": "date"}, format="%Y-%m-%d")}

    def clean_birth_date(self):
        return past_birth_date(self.cleaned_data["birth_date"])
