"""The agents' queues: tabs, filters and sorting, shared by the queue page, exports and bulk actions."""

from django import forms
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from teleprocedures.workflow import DECIDED_STATES


TABS = {
    "to_assign": gettext_lazy("To assign"),
    "mine": gettext_lazy("Assigned to me"),
    "followed": gettext_lazy("Followed"),
    "awaiting": gettext_lazy("Awaiting information"),
    "decided": gettext_lazy("Decided"),
    "all": gettext_lazy("All"),
}
SORTS = {
    "oldest": ("submitted_at", gettext_lazy("Oldest first")),
    "newest": ("-submitted_at", gettext_lazy("Newest first")),
    "due": ("due_on", gettext_lazy("Deadline")),
    "number": ("number", gettext_lazy("Number")),
}
PAGE_SIZE = 50


class QueueFilterForm(forms.Form):
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    q = forms.CharField(label=gettext_lazy("Number or name"), required=False, max_length=100)
    commune = forms.CharField(label=gettext_lazy("Commune"), required=False, max_length=100)
    submitted_from = forms.DateField(
        label=gettext_lazy("Submitted from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    submitted_to = forms.DateField(label=gettext_lazy("to"), required=False, widget=forms.DateInput({"type": "date"}))
    late = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    answer = forms.CharField(
        label=gettext_lazy("Any answer contains"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Searches every answer of the form, e.g. a school or a road number."),
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False, choices=[(k, v[1]) for k, v in SORTS.items()])

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("All my procedures"))] + [
            (p.slug, p.get_title()) for p in procedures
        ]
        states = [choice for choice in DossierState.choices if choice[0] != DossierState.DRAFT]
        self.fields["state"].choices = [("", _("All states"))] + states


def filtered_queue(user, tab, cleaned):
    """Return the agent's dossiers for the tab and filters, with what the list shows already joined."""
    dossiers = Dossier.objects.for_agent(user).select_related("procedure", "applicant", "assignee", "commune")
    today = timezone.localdate()
    if tab == "to_assign":
        dossiers = dossiers.filter(assignee__isnull=True, state__in=[DossierState.SUBMITTED, DossierState.IN_REVIEW])
    elif tab == "mine":
        dossiers = dossiers.filter(assignee=user).exclude(state__in=[*DECIDED_STATES, DossierState.WITHDRAWN])
    elif tab == "followed":
        dossiers = dossiers.filter(followers=user)
    elif tab == "awaiting":
        dossiers = dossiers.filter(state=DossierState.AWAITING_INFO)
    elif tab == "decided":
        dossiers = dossiers.filter(state__in=DECIDED_STATES)
    if cleaned.get("procedure"):
        dossiers = dossiers.filter(procedure__slug=cleaned["procedure"])
    if cleaned.get("state"):
        dossiers = dossiers.filter(state=cleaned["state"])
    if cleaned.get("q"):
        query = cleaned["q"]
        dossiers = dossiers.filter(
            Q(number__icontains=query)
            | Q(applicant__last_name__icontains=query)
            | Q(applicant__first_name__icontains=query)
            | Q(applicant__email__icontains=query)
        )
    if cleaned.get("commune"):
        dossiers = dossiers.filter(
            Q(commune__name__icontains=cleaned["commune"]) | Q(commune__insee_code=cleaned["commune"])
        )
    if cleaned.get("submitted_from"):
        dossiers = dossiers.filter(submitted_at__date__gte=cleaned["submitted_from"])
    if cleaned.get("submitted_to"):
        dossiers = dossiers.filter(submitted_at__date__lte=cleaned["submitted_to"])
    if cleaned.get("late"):
        dossiers = dossiers.filter(
            state__in=[DossierState.SUBMITTED, DossierState.IN_REVIEW], due_on__lt=today, paused_at__isnull=True
        )
    if cleaned.get("answer"):
        dossiers = dossiers.annotate(answers_text=Cast("data", TextField())).filter(
            answers_text__icontains=cleaned["answer"]
        )
    return dossiers.order_by(SORTS.get(cleaned.get("sort") or "oldest")[0], "pk")
