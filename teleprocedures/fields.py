"""Field types of procedure definitions: Django form fields, storage as JSON, and display."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban

from portal.files import FILE_SIGNATURES, check_upload
from portal.organisation import find_commune, normalise_name  # noqa: F401 (used by the other modules)
from portal.validators import normalize_french_phone, validate_siret
from teleprocedures.definitions import translate


DEFAULT_ACCEPT = ["pdf", "jpeg", "png"]
DEFAULT_MAX_SIZE_MB = 10
PR_PATTERN = re.compile(r"^\s*(?:PR\s*)?(\d{1,3})\s*\+\s*(\d{1,4})\s*$", re.IGNORECASE)
ROAD_PATTERN = re.compile(r"^\s*(?:R?D\s*)?(\d{1,4})\s*([A-Z]?)\s*$", re.IGNORECASE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """One or several files, each checked by content (not by name) and by size."""

    def __init__(self, *, accept, max_size_mb, multiple, **kwargs):
        self.accept = accept
        self.max_size_mb = max_size_mb
        self.multiple = multiple
        accept_attr = ",".join(FILE_SIGNATURES[kind][0] for kind in accept)
        widget = (MultipleFileInput if multiple else forms.ClearableFileInput)(attrs={"accept": accept_attr})
        super().__init__(widget=widget, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for upload in uploads:
            upload = super().clean(upload, initial)
            check_upload(upload, accept=self.accept, max_size_mb=self.max_size_mb)
            cleaned.append(upload)
        return cleaned


class FrenchDecimalField(forms.DecimalField):
    """A decimal typed the French way: '1 234,50' as well as '1234.50'."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
        return super().to_python(value)


def _hint(spec, default=None):
    return translate(spec.get("help")) or default or ""


def _text(label, max_length, required, help_text="", **attrs):
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text, widget=forms.TextInput(attrs)
    )


def build(spec, name):
    """Return the (form field name, Django field) pairs for one field of a definition."""
    kind = spec["type"]
    label = translate(spec.get("label"))
    required = spec.get("required", False)
    common = {"label": label, "required": required, "help_text": _hint(spec)}
    attrs = {"autocomplete": spec["autocomplete"]} if spec.get("autocomplete") else {}
    if kind == "text":
        return [
            (name, forms.CharField(max_length=spec.get("max_length", 255), widget=forms.TextInput(attrs), **common))
        ]
    if kind == "textarea":
        widget = forms.Textarea(attrs={"rows": 5, **attrs})
        return [(name, forms.CharField(max_length=spec.get("max_length", 5000), widget=widget, **common))]
    if kind == "email":
        return [(name, forms.EmailField(widget=forms.EmailInput({"autocomplete": "email", **attrs}), **common))]
    if kind == "phone":
        common["help_text"] = _hint(spec, _("For example 06 12 34 56 78."))
        return [(name, forms.CharField(max_length=25, widget=forms.TextInput({"type": "tel", **attrs}), **common))]
    if kind == "date":
        common["help_text"] = _hint(spec, _("For example 15/03/2026."))
        widget = forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")
        return [(name, forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=widget, **common))]
    if kind == "number":
        return [(name, forms.IntegerField(min_value=spec.get("min"), max_value=spec.get("max"), **common))]
    if kind == "amount":
        common["help_text"] = _hint(spec, _("In euros, for example 1 250,50."))
        field = FrenchDecimalField(
            max_digits=12,
            decimal_places=2,
            min_value=Decimal(str(spec.get("min", 0))),
            max_value=Decimal(str(spec["max"])) if "max" in spec else None,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )
        return [(name, field)]
    if kind in {"choice", "multiple_choice"}:
        choices = [(c["value"], translate(c["label"])) for c in spec["choices"]]
        if kind == "multiple_choice":
            return [(name, forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common))]
        if len(choices) > 8:
            return [(name, forms.ChoiceField(choices=[("", "—"), *choices], **common))]
        return [(name, forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common))]
    if kind == "yes_no":
        choices = [("yes", _("Yes")), ("no", _("No"))]
        return [(name, forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common))]
    if kind in {"siret", "iban", "pacage"}:
        defaults = {
            "siret": _("14 digits, found on your Kbis extract or on annuaire-entreprises.data.gouv.fr."),
            "iban": _("Starts with FR76 for a French account, as on your bank details (RIB)."),
            "pacage": _("9 digits, as on your CAP declarations (the first three are the département: 035)."),
        }
        common["help_text"] = _hint(spec, defaults[kind])
        widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        return [(name, forms.CharField(max_length=40, widget=widget, **common))]
    if kind == "address":
        return [
            (f"{name}__line", _text(_("Street address"), 255, required, _hint(spec), autocomplete="street-address")),
            (f"{name}__postal_code", _text(_("Postal code"), 5, required, autocomplete="postal-code",
                                           inputmode="numeric")),
            (f"{name}__commune", _text(_("Commune"), 100, required, _("A commune of Ille-et-Vilaine."),
                                       autocomplete="address-level2")),
        ]  # fmt: skip
    if kind == "road_location":
        return [
            (f"{name}__road", _text(_("Departmental road"), 10, required,
                                    _hint(spec, _("Its number, for example RD 137 or 137.")))),
            (f"{name}__pr_start", _text(_("From landmark (PR)"), 12, required, _("For example 12+350."))),
            (f"{name}__pr_end", _text(_("To landmark (PR)"), 12, required, _("For example 12+800."))),
            (f"{name}__commune", _text(_("Commune"), 100, required)),
        ]  # fmt: skip
    if kind == "file":
        accept = spec.get("accept", DEFAULT_ACCEPT)
        limit = spec.get("max_size_mb", DEFAULT_MAX_SIZE_MB)
        common["help_text"] = _hint(spec) or _("%(kinds)s, %(limit)s MB at most per file.") % {
            "kinds": ", ".join(k.upper() for k in accept),
            "limit": limit,
        }
        common["required"] = False  # checked against the files already uploaded, in the page form
        return [(name, UploadField(accept=accept, max_size_mb=limit, multiple=spec.get("multiple", False), **common))]
    raise ValueError(f"no form field for type {kind}")


def compose(spec, cleaned, name):
    """Turn the cleaned form values of one field into the JSON value stored in the dossier."""
    kind = spec["type"]
    if kind == "address":
        line, postal_code, commune_text = (
            cleaned.get(f"{name}__{part}") for part in ("line", "postal_code", "commune")
        )
        if not (line or postal_code or commune_text):
            return None
        errors = {}
        if postal_code and not (postal_code.isdigit() and len(postal_code) == 5):
            errors[f"{name}__postal_code"] = _("A postal code has 5 digits.")
        commune = None
        try:
            commune = find_commune(commune_text)
        except ValidationError as error:
            errors[f"{name}__commune"] = error.messages[0]
        if errors:
            raise FieldErrors(errors)
        return {"line": line, "postal_code": postal_code, "commune": commune.insee_code, "commune_name": commune.name}
    if kind == "road_location":
        parts = {part: cleaned.get(f"{name}__{part}") for part in ("road", "pr_start", "pr_end", "commune")}
        if not any(parts.values()):
            return None
        errors = {}
        road = ROAD_PATTERN.match(parts["road"] or "")
        if not road:
            errors[f"{name}__road"] = _("Give the road number, for example RD 137.")
        bounds = {}
        for part in ("pr_start", "pr_end"):
            match = PR_PATTERN.match(parts[part] or "")
            if match:
                bounds[part] = (int(match.group(1)), int(match.group(2)))
            else:
                errors[f"{name}__{part}"] = _("Write a landmark as kilometre+metres, for example 12+350.")
        if len(bounds) == 2 and bounds["pr_start"] > bounds["pr_end"]:
            errors[f"{name}__pr_end"] = _("The end landmark must come after the start landmark.")
        commune = None
        try:
            commune = find_commune(parts["commune"])
        except ValidationError as error:
            errors[f"{name}__commune"] = error.messages[0]
        if errors:
            raise FieldErrors(errors)
        return {
            "road": f"RD {road.group(1)}{road.group(2).upper()}",
            "pr_start": "{}+{:03d}".format(*bounds["pr_start"]),
            "pr_end": "{}+{:03d}".format(*bounds["pr_end"]),
            "commune": commune.insee_code,
            "commune_name": commune.name,
        }
    value = cleaned.get(name)
    if value in (None, "", []):
        return None
    if kind == "phone":
        try:
            return normalize_french_phone(value)
        except ValidationError as error:
            raise FieldErrors({name: error.messages[0]}) from error
    if kind == "siret":
        compact = "".join(value.split())
        try:
            validate_siret(compact)
        except ValidationError as error:
            raise FieldErrors({name: error.messages[0]}) from error
        return compact
    if kind == "iban":
        compact = stdnum_iban.compact(value)
        if not stdnum_iban.is_valid(compact):
            raise FieldErrors({name: _("This IBAN is not valid: check it against your bank details (RIB).")})
        return compact
    if kind == "pacage":
        compact = "".join(value.split())
        if not (compact.isdigit() and len(compact) == 9):
            raise FieldErrors({name: _("A PACAGE number has 9 digits.")})
        return compact
    if kind == "date":
        return value.isoformat()
    if kind == "amount":
        return str(value.quantize(Decimal("0.01")))
    if kind == "yes_no":
        return value == "yes"
    return value


def initial(spec, value, name):
    """Return the form's initial values for a stored value."""
    kind = spec["type"]
    if value is None:
        return {}
    if kind == "address":
        return {f"{name}__line": value["line"], f"{name}__postal_code": value["postal_code"],
                f"{name}__commune": value["commune_name"]}  # fmt: skip
    if kind == "road_location":
        return {f"{name}__road": value["road"], f"{name}__pr_start": value["pr_start"],
                f"{name}__pr_end": value["pr_end"], f"{name}__commune": value["commune_name"]}  # fmt: skip
    if kind == "yes_no":
        return {name: "yes" if value else "no"}
    if kind == "amount":
        return {name: value.replace(".", ",")}
    if kind == "file":
        return {}
    return {name: value}


class FieldErrors(Exception):
    """Errors of a composite value, keyed by form field name."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(errors)


def to_decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        return Decimal(0)


def format_amount(value):
    return f"{number_format(to_decimal(value), decimal_pos=2, force_grouping=True)} €"


def display(spec, value, *, attachments=None, data=None):
    """Return the answer as text for the summary, the agent's view and the PDFs."""
    kind = spec["type"]
    if kind == "total":
        group_id, member = spec["sum_of"].split(".")
        return format_amount(
            sum((to_decimal(row.get(member)) for row in (data or {}).get(group_id) or []), Decimal(0))
        )
    if value in (None, "", []):
        return ""
    if kind in {"choice", "multiple_choice"}:
        labels = {c["value"]: translate(c["label"]) for c in spec["choices"]}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if kind == "date":
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    if kind == "amount":
        return format_amount(value)
    if kind == "address":
        return f"{value['line']}, {value['postal_code']} {value['commune_name']}"
    if kind == "road_location":
        return f"{value['road']}, PR {value['pr_start']} – PR {value['pr_end']} ({value['commune_name']})"
    if kind == "iban":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    if kind == "file":
        names = {a.pk: a.original_name for a in attachments or []}
        return ", ".join(names.get(pk, "?") for pk in value)
    return str(value)
