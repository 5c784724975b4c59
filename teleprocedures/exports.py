"""Export of a filtered queue: one row per dossier, one column per answer when a single procedure is chosen."""

from django.http import QueryDict
from django.utils.translation import gettext as _

from teleprocedures import fields
from teleprocedures.definitions import all_fields, translate
from teleprocedures.enums import DossierState
from teleprocedures.models import Procedure
from teleprocedures.queues import TABS, QueueFilterForm, filtered_queue


def selected_dossiers(user, params):
    """Return the dossiers of the queue that the parameters (a queue URL's query, plus `ids`) describe."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    procedures = list(Procedure.objects.for_agent(user))
    form = QueueFilterForm(query, procedures=procedures)
    cleaned = form.cleaned_data if form.is_valid() else {}
    tab = query.get("tab") if query.get("tab") in TABS else "all"
    dossiers = filtered_queue(user, tab, cleaned)
    ids = [int(pk) for pk in query.getlist("ids") if str(pk).isdigit()]
    if ids:
        dossiers = dossiers.filter(pk__in=ids)
    procedure = next((p for p in procedures if p.slug == cleaned.get("procedure")), None)
    return dossiers, procedure


def dossier_table(user, params):
    """Return (file name, header, rows iterator, row count) for the export."""
    dossiers, procedure = selected_dossiers(user, params)
    header = [
        _("Number"),
        _("Procedure"),
        _("State"),
        _("Applicant"),
        _("Email"),
        _("Commune"),
        _("Submitted"),
        _("Deadline"),
        _("Decided on"),
        _("Assigned to"),
        _("filed late"),
    ]
    answer_fields = []
    if procedure:
        version = procedure.published_version()
        answer_fields = [
            f for f in all_fields(version.definition) if f["type"] not in {"explanation", "file", "group", "total"}
        ]
        header += [translate(f.get("label")) for f in answer_fields]
    else:
        header.append(_("Answers"))

    # Labels computed once, not once per row: a large export has a hundred thousand rows.
    state_labels = {value: str(label) for value, label in DossierState.choices}
    titles = {}
    yes, no = _("Yes"), _("No")

    def rows():
        for dossier in dossiers.iterator(chunk_size=1000):
            if dossier.procedure_id not in titles:
                titles[dossier.procedure_id] = dossier.procedure.get_title()
            row = [
                dossier.number,
                titles[dossier.procedure_id],
                state_labels[dossier.state],
                dossier.applicant.get_full_name(),
                dossier.applicant.email,
                dossier.commune.name if dossier.commune else "",
                dossier.submitted_at.strftime("%Y-%m-%d %H:%M") if dossier.submitted_at else "",
                dossier.due_on.isoformat() if dossier.due_on else "",
                dossier.decided_at.strftime("%Y-%m-%d") if dossier.decided_at else "",
                dossier.assignee.get_full_name() if dossier.assignee else "",
                yes if dossier.is_late_filing else no,
            ]
            if procedure:
                row += [
                    fields.display(spec, dossier.data.get(spec["id"]), data=dossier.data) for spec in answer_fields
                ]
            else:
                row.append("; ".join(f"{key}={value}" for key, value in dossier.data.items()))
            yield row

    name = f"demandes-{procedure.slug}" if procedure else "demandes"
    return name, header, rows(), dossiers.count()
