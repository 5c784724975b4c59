from django import forms
from django.utils.translation import gettext_lazy as _

from accessibility.enums import Motion, Spacing, TextSize, Theme
from portal.forms import SenderForm


class BarrierReportForm(SenderForm):
    """Tell the Département about a page or service one cannot use, and ask for it in another form."""

    email_help = _("We answer you there. Example: nom@exemple.fr")

    page = forms.CharField(label=_("Page or service concerned"), max_length=300, required=False,
                           help_text=_("Its address or its name, for example: booking an appointment."))  # fmt: skip
    problem = forms.CharField(label=_("What did not work?"), max_length=5000, widget=forms.Textarea({"rows": 6}))
    tools = forms.CharField(label=_("Assistive technology and browser used (optional)"), max_length=200,
                            required=False, help_text=_("For example: NVDA with Firefox."))  # fmt: skip
    wanted = forms.CharField(
        label=_("How would you like to receive the information? (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: by phone, in large print, by email."),
    )


class DisplayForm(forms.Form):
    """The display settings; kept in a cookie and applied by the server, so they work without JavaScript."""

    theme = forms.ChoiceField(label=_("Colours"), choices=Theme.choices, widget=forms.RadioSelect)
    text_size = forms.ChoiceField(label=_("Text size"), choices=TextSize.choices, widget=forms.RadioSelect)
    spacing = forms.ChoiceField(label=_("Spacing"), choices=Spacing.choices, widget=forms.RadioSelect)
    motion = forms.ChoiceField(label=_("Animations"), choices=Motion.choices, widget=forms.RadioSelect)
