from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mailroom.models import MailCategory
from portal.validators import normalize_french_phone
from teleprocedures.fields import FILE_SIGNATURES, detect_file_kind


def check_upload(upload):
    """Accept a PDF, PNG or JPEG (read from its first bytes) within the size limit, or say why not."""
    limit = settings.MAIL_MAX_ATTACHMENT_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(_("“%(name)s” is too large (%(limit)s MB at most).") % {"name": upload.name,
                                                                                     "limit": limit})  # fmt: skip
    kind = detect_file_kind(upload)
    if kind is None:
        raise ValidationError(_("“%(name)s” is not a PDF, PNG or JPEG file.") % {"name": upload.name})
    upload.detected_content_type = FILE_SIGNATURES[kind][0]
    return upload


class WriteForm(forms.Form):
    """The public contact form: a web message registered as mail, with its number sent back at once."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150,
                                 widget=forms.TextInput({"autocomplete": "given-name"}))  # fmt: skip
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150,
                                widget=forms.TextInput({"autocomplete": "family-name"}))  # fmt: skip
    email = forms.EmailField(label=gettext_lazy("Email"), widget=forms.EmailInput({"autocomplete": "email"}),
                             help_text=gettext_lazy("We send you the number of your message there."))  # fmt: skip
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=25, required=False,
                            widget=forms.TextInput({"autocomplete": "tel", "type": "tel"}))  # fmt: skip
    category = forms.ChoiceField(label=gettext_lazy("Your message is about"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Your message"), max_length=10000, widget=forms.Textarea({"rows": 8}))
    attachment = forms.FileField(
        label=gettext_lazy("Document (optional)"), required=False,
        help_text=gettext_lazy("PDF, PNG or JPEG, 10 MB at most."),
        widget=forms.ClearableFileInput({"accept": "application/pdf,image/png,image/jpeg"}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(c.pk): c for c in MailCategory.objects.filter(is_active=True)}
        self.fields["category"].choices = [("", _("Choose…"))] + [(pk, str(c)) for pk, c in self.categories.items()]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalize_french_phone(phone) if phone else ""

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        return check_upload(upload) if upload else None
