from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import CERTIFIED_NOTE, make_read_only
from teleprocedures import fields
from teleprocedures.definitions import translate, visible_fields
from teleprocedures.fields import FieldErrors, UploadField


def _empty(value):
    return value in (None, "", [])


class PageForm(forms.Form):
    """One page of a procedure, built from its definition; `answers` holds the JSON values once valid."""

    def __init__(self, *args, page, dossier, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.dossier = dossier
        self.layout = []
        self.answers = {}
        stored = dossier.data
        initial = {}
        certified = dossier.applicant.certified_identity() if dossier.applicant_id else {}
        for spec in visible_fields(page, stored):
            kind = spec["type"]
            if kind in {"explanation", "total"}:
                self.layout.append({"kind": kind, "spec": spec})
                continue
            if kind == "group":
                self.layout.append(
                    self._add_group(spec, stored.get(spec["id"]) or [], (rows or {}).get(spec["id"]), initial)
                )
                continue
            names = []
            for name, field in fields.build(spec, spec["id"]):
                self.fields[name] = field
                names.append(name)
            initial.update(fields.initial(spec, stored.get(spec["id"]), spec["id"]))
            if spec.get("prefill") in certified and kind in {"text", "date"}:
                make_read_only(self, spec["id"], certified[spec["prefill"]], CERTIFIED_NOTE)
            self.layout.append({"kind": kind, "spec": spec, "names": names})
        self.initial = {**initial, **self.initial}

    def _add_group(self, spec, stored_rows, count, initial):
        if count is None:
            count = max(len(stored_rows), spec.get("min_rows", 1), 1)
        count = max(1, min(count, spec.get("max_rows", 50)))
        row_label = translate(spec.get("row_label")) or translate(spec.get("label"))
        rows = []
        for index in range(count):
            names = []
            for sub in spec["fields"]:
                prefix = f"{spec['id']}-{index}-{sub['id']}"
                for name, field in fields.build(sub, prefix):
                    field.required = False  # required only on the lines that are filled in, checked in clean()
                    field.summary_label = f"{field.label} ({row_label} {index + 1})"
                    self.fields[name] = field
                    names.append(name)
                if index < len(stored_rows):
                    initial.update(fields.initial(sub, stored_rows[index].get(sub["id"]), prefix))
            rows.append({"number": index + 1, "names": names})
        return {"kind": "group", "spec": spec, "rows": rows, "row_label": row_label}

    def items(self):
        """Return the layout with bound fields, for the template."""
        for item in self.layout:
            spec = item["spec"]
            entry = {"kind": item["kind"], "spec": spec, "label": translate(spec.get("label"))}
            if item["kind"] == "explanation":
                entry["text"] = translate(spec["text"])
            elif item["kind"] == "total":
                entry["value"] = fields.display(spec, None, data={**self.dossier.data, **self.answers})
            elif item["kind"] == "group":
                entry["row_label"] = item["row_label"]
                entry["rows"] = [
                    {"number": r["number"], "fields": [self[n] for n in r["names"]]} for r in item["rows"]
                ]
                entry["can_add"] = len(item["rows"]) < spec.get("max_rows", 50)
                entry["help"] = translate(spec.get("help"))
            else:
                entry["fields"] = [self[n] for n in item["names"]]
                if item["kind"] == "file" and self.dossier.pk:
                    ids = set(self.dossier.data.get(spec["id"]) or [])
                    entry["files"] = [a for a in self.dossier.attachments.all() if a.pk in ids]
            yield entry

    def clean(self):
        cleaned = super().clean()
        for item in self.layout:
            spec = item["spec"]
            kind = item["kind"]
            if kind in {"explanation", "total"}:
                continue
            if kind == "file":
                has_files = self.dossier.data.get(spec["id"]) or cleaned.get(spec["id"])
                if spec.get("required") and not has_files and spec["id"] not in self.errors:
                    self.add_error(spec["id"], _("Add at least one file."))
                continue
            if kind == "group":
                self.answers[spec["id"]] = self._clean_group(item, cleaned)
                continue
            if any(name in self.errors for name in item["names"]):
                continue
            try:
                self.answers[spec["id"]] = fields.compose(spec, cleaned, spec["id"])
            except FieldErrors as error:
                for name, message in error.errors.items():
                    self.add_error(name, message)
        return cleaned

    def _clean_group(self, item, cleaned):
        spec = item["spec"]
        values = []
        for row in item["rows"]:
            index = row["number"] - 1
            raw = {sub["id"]: cleaned.get(f"{spec['id']}-{index}-{sub['id']}") for sub in spec["fields"]}
            if all(_empty(v) for v in raw.values()):
                continue
            value = {}
            for sub in spec["fields"]:
                name = f"{spec['id']}-{index}-{sub['id']}"
                if name in self.errors:
                    continue
                if sub.get("required") and _empty(raw[sub["id"]]):
                    self.add_error(name, _("This field is required."))
                    continue
                try:
                    value[sub["id"]] = fields.compose(sub, cleaned, name)
                except FieldErrors as error:
                    for error_name, message in error.errors.items():
                        self.add_error(error_name, message)
            values.append(value)
        minimum = spec.get("min_rows", 1 if spec.get("required") else 0)
        if len(values) < minimum:
            first = item["rows"][0]["names"][0]
            self.add_error(first, _("Fill in at least %(count)s line(s).") % {"count": minimum})
        return values

    def uploads(self):
        """Return the files of this page that passed their checks, by field id, even if the page has errors."""
        return {
            item["spec"]["id"]: self.cleaned_data[item["spec"]["id"]]
            for item in self.layout
            if item["kind"] == "file" and self.cleaned_data.get(item["spec"]["id"])
        }


def initial_from_post(form, post):
    """Rebuild what was typed, so that adding or removing a line does not lose it nor show errors yet."""
    values = {}
    for name, field in form.fields.items():
        if isinstance(field, UploadField):
            continue
        values[name] = post.getlist(name) if isinstance(field, forms.MultipleChoiceField) else post.get(name, "")
    return values


def shift_rows(values, group_id, removed_index):
    """Drop line `removed_index` of a group and move the lines after it up by one."""
    prefix = f"{group_id}-"
    shifted = {}
    for name, value in values.items():
        index, _separator, field = name[len(prefix) :].partition("-")
        if not name.startswith(prefix) or not index.isdigit():
            shifted[name] = value
        elif int(index) != removed_index:
            new_index = int(index) - 1 if int(index) > removed_index else int(index)
            shifted[f"{prefix}{new_index}-{field}"] = value
    return shifted


class MessageForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Your message"), max_length=5000, widget=forms.Textarea({"rows": 4}))
    files = UploadField(
        label=gettext_lazy("Attach files (optional)"),
        accept=["pdf", "jpeg", "png"],
        max_size_mb=10,
        multiple=True,
        required=False,
        help_text=gettext_lazy("PDF, JPEG or PNG, 10 MB at most per file."),
    )


class InformationAnswerForm(MessageForm):
    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=5000,
        widget=forms.Textarea({"rows": 4}),
        help_text=gettext_lazy("Say what you are sending; attach the missing documents below."),
    )


class InformationRequestForm(forms.Form):
    items = forms.CharField(
        label=gettext_lazy("Missing items"),
        widget=forms.Textarea({"rows": 4}),
        help_text=gettext_lazy("One item per line; the person receives this list."),
    )
    respond_by = forms.DateField(
        label=gettext_lazy("Answer expected by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respond_by"].initial = timezone.localdate() + timedelta(days=30)

    def clean_items(self):
        items = [line.strip(" -•\t") for line in self.cleaned_data["items"].splitlines() if line.strip(" -•\t")]
        if not items:
            raise forms.ValidationError(_("List at least one missing item."))
        return items

    def clean_respond_by(self):
        day = self.cleaned_data["respond_by"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return day


class DecisionForm(forms.Form):
    """Accept, reject or close, with reasons and the fields the procedure's decision asks for."""

    def __init__(self, *args, dossier, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.specs = dossier.definition.get("decision", {}).get("fields", []) if transition == "accept" else []
        for spec in self.specs:
            for name, field in fields.build(spec, f"decision_{spec['id']}"):
                self.fields[name] = field
        self.fields["reasons"] = forms.CharField(
            label=_("Reasons"),
            widget=forms.Textarea({"rows": 4}),
            help_text=_("They appear in the decision sent to the person."),
        )
        self.data_values = {}

    def clean(self):
        cleaned = super().clean()
        for spec in self.specs:
            name = f"decision_{spec['id']}"
            if name in self.errors:
                continue
            try:
                self.data_values[spec["id"]] = fields.compose(spec, cleaned, name)
            except FieldErrors as error:
                for error_name, message in error.errors.items():
                    self.add_error(error_name, message)
        return cleaned
