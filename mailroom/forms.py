from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mailroom.enums import Channel, ContactKind, MailStatus, Priority
from mailroom.models import Contact, MailCategory, validate_placeholders
from portal.files import check_upload
from portal.forms import SenderForm
from portal.models import Service
from portal.validators import normalize_french_phone
from teleprocedures.fields import DEFAULT_ACCEPT, UploadField


def check_mail_upload(upload):
    """Accept a PDF, PNG or JPEG (read from its first bytes) within the size limit, or say why not."""
    check_upload(upload, accept=DEFAULT_ACCEPT, max_size_mb=settings.MAIL_MAX_ATTACHMENT_MB)
    return upload


class WriteForm(SenderForm):
    """The public contact form: a web message registered as mail, with its number sent back at once."""

    email_help = gettext_lazy("We send you the number of your message there.")
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
        return check_mail_upload(upload) if upload else None


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(forms.Form):
    """What a mail clerk or a receptionist types for each letter, email, call or visit (keyboard first)."""

    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=_date_widget(),
                                  input_formats=["%Y-%m-%d", "%d/%m/%Y"])  # fmt: skip
    contact = forms.CharField(required=False, widget=forms.HiddenInput)
    sender = forms.CharField(
        label=gettext_lazy("Find the sender"), required=False, max_length=100,
        help_text=gettext_lazy("Name, organisation, email or phone: matching senders are listed as you type."),
        widget=forms.TextInput({"type": "search", "autocomplete": "off", "data-sender-search": ""}),
    )  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("The sender is"), choices=ContactKind.choices, required=False,
                             initial=ContactKind.PERSON)  # fmt: skip
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    organisation_name = forms.CharField(label=gettext_lazy("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=25, required=False,
                            widget=forms.TextInput({"type": "tel"}))  # fmt: skip
    address_line = forms.CharField(label=gettext_lazy("Street address"), max_length=255, required=False)
    postal_code = forms.RegexField(
        label=gettext_lazy("Postal code"), regex=r"^\d{5}$", required=False,
        error_messages={"invalid": gettext_lazy("A postal code has five digits.")},
    )  # fmt: skip
    city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=255)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    service = forms.ChoiceField(
        label=gettext_lazy("Service in charge"), required=False,
        help_text=gettext_lazy("Leave empty to route by the category."),
    )  # fmt: skip
    copies = forms.MultipleChoiceField(label=gettext_lazy("Copies to"), required=False,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    body = forms.CharField(label=gettext_lazy("Content or summary"), required=False, max_length=50000,
                           widget=forms.Textarea({"rows": 4}))  # fmt: skip
    attachments = UploadField(
        label=gettext_lazy("Scanned documents"), accept=DEFAULT_ACCEPT, max_size_mb=settings.MAIL_MAX_ATTACHMENT_MB,
        multiple=True, required=False, help_text=gettext_lazy("PDF, PNG or JPEG, 10 MB at most per file."),
    )  # fmt: skip
    confirm_duplicate = forms.BooleanField(label=gettext_lazy("It is another mail: register it anyway"),
                                           required=False)  # fmt: skip

    SENDER_FIELDS = ("kind", "first_name", "last_name", "organisation_name", "email", "phone", "address_line",
                     "postal_code", "city")  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.categories = {str(c.pk): c for c in MailCategory.objects.filter(is_active=True).select_related("service")}
        self.fields["category"].choices = [("", _("Choose…"))] + [(pk, str(c)) for pk, c in self.categories.items()]
        self.services = {str(s.pk): s for s in Service.objects.order_by("name")}
        service_choices = [(pk, s.name) for pk, s in self.services.items()]
        self.fields["service"].choices = [("", _("As the category says"))] + service_choices
        self.fields["copies"].choices = service_choices
        self.fields["received_on"].initial = timezone.localdate()
        self.chosen_contact = None

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return received_on

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalize_french_phone(phone) if phone else ""

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_service(self):
        return self.services.get(self.cleaned_data["service"])

    def clean_copies(self):
        return [self.services[pk] for pk in self.cleaned_data["copies"]]

    def clean(self):
        data = super().clean()
        pk = (data.get("contact") or "").strip()
        if pk.isdigit():
            self.chosen_contact = Contact.objects.filter(pk=pk).first()
            if self.chosen_contact is None:
                self.add_error("sender", _("This sender no longer exists: search again."))
        elif not (data.get("last_name") or data.get("organisation_name")):
            self.add_error("sender", _("Choose the sender among those found, or fill in a new sender's name or "
                                       "organisation below."))  # fmt: skip
        return data

    def new_sender(self):
        return {name: self.cleaned_data.get(name) or "" for name in self.SENDER_FIELDS}


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200,
                        help_text=gettext_lazy("A number (2026-123), a sender, or words of the subject, content "
                                               "or notes."))  # fmt: skip
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    received_from = forms.DateField(label=gettext_lazy("Received from"), required=False, widget=_date_widget())
    received_to = forms.DateField(label=gettext_lazy("to"), required=False, widget=_date_widget())
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False)

    def __init__(self, *args, sorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (str(c.pk), str(c)) for c in MailCategory.objects.all()
        ]
        self.fields["channel"].choices = [("", _("All channels"))] + Channel.choices
        self.fields["priority"].choices = [("", _("All priorities"))] + Priority.choices
        self.fields["status"].choices = [("", _("All statuses"))] + MailStatus.choices
        self.fields["sort"].choices = [(key, label) for key, (_order, label) in sorts.items()]

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end date is before the start date."))
        return data


class ReplyForm(forms.Form):
    by = forms.ChoiceField(label=gettext_lazy("Send the reply"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=gettext_lazy("Text of the reply"), max_length=20000, widget=forms.Textarea({"rows": 14}),
        validators=[validate_placeholders],
        help_text=gettext_lazy("Placeholders such as {{ contact_name }} are replaced when the letter is produced."),
    )  # fmt: skip

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(Channel.PAPER, _("As a letter (PDF to print and post)"))]
        if item.contact.email:
            choices.insert(0, (Channel.EMAIL, _("By email, with the letter as PDF")))
        self.fields["by"].choices = choices
        self.fields["by"].initial = choices[0][0]


class NoteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Note"), max_length=5000, widget=forms.Textarea({"rows": 3}),
                           help_text=gettext_lazy("Seen by the agents only."))  # fmt: skip


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=gettext_lazy("Assign to"))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.colleagues = {str(user.pk): user for user in colleagues}
        self.fields["assignee"].choices = [(pk, user.get_full_name() or user.email)
                                           for pk, user in self.colleagues.items()]  # fmt: skip

    def clean_assignee(self):
        return self.colleagues[self.cleaned_data["assignee"]]


class ForwardForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {str(s.pk): s for s in Service.objects.exclude(pk=getattr(exclude, "pk", None))}
        self.fields["service"].choices = [("", _("Choose…"))] + [(pk, s.name) for pk, s in self.services.items()]

    def clean_service(self):
        return self.services[self.cleaned_data["service"]]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (needed when there is no reply)"), max_length=2000,
                             required=False, widget=forms.Textarea({"rows": 2}))  # fmt: skip
