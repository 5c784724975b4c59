from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import AuditEvent
from teleprocedures import services
from teleprocedures.enums import DeadlineUnit, DossierState, SilenceRule
from teleprocedures.models import Dossier, StatusChange
from teleprocedures.workflow import TRANSITIONS, TransitionNotAllowed, allowed_transitions, target_state
from tests.teleprocedures.fixtures import make_dossier


pytestmark = pytest.mark.django_db

ALL_STATES = list(DossierState)


@pytest.mark.parametrize("transition", list(TRANSITIONS))
@pytest.mark.parametrize("state", ALL_STATES)
def test_every_transition_is_allowed_only_from_its_source_states(transition, state):
    sources, target = TRANSITIONS[transition]
    dossier = Dossier(state=state)
    if state in sources:
        assert target_state(dossier, transition) == target
        assert transition in allowed_transitions(state)
    else:
        with pytest.raises(TransitionNotAllowed):
            target_state(dossier, transition)


def test_decided_and_withdrawn_dossiers_allow_nothing():
    for state in (DossierState.ACCEPTED, DossierState.REJECTED, DossierState.CLOSED, DossierState.WITHDRAWN):
        assert allowed_transitions(state) == []


def test_submission_numbers_dates_and_logs(submitted, citizen):
    assert submitted.state == DossierState.SUBMITTED
    assert submitted.number.startswith("TSA-")
    assert StatusChange.objects.filter(dossier=submitted, to_state=DossierState.SUBMITTED, actor=citizen).exists()
    assert AuditEvent.objects.filter(action="dossier.submit", actor=citizen, object_id=str(submitted.pk)).exists()


def test_numbers_follow_each_other_without_gaps(procedures, citizen):
    from tests.factories import UserFactory
    from tests.teleprocedures.fixtures import TRANSPORT_DATA

    numbers = []
    for person in (citizen, UserFactory(), UserFactory()):
        draft, _ = services.start_draft(procedure=procedures["transport-scolaire-adapte"], applicant=person)
        draft.data = {**TRANSPORT_DATA, "timetable": [1], "notification_file": [2]}
        draft.save()
        numbers.append(int(services.submit_dossier(dossier=draft, actor=person).number.rsplit("-", 1)[1]))
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_an_incomplete_draft_cannot_be_submitted(procedures, citizen):
    draft, _ = services.start_draft(procedure=procedures["transport-scolaire-adapte"], applicant=citizen)
    with pytest.raises(ValidationError, match="Des réponses obligatoires manquent"):
        services.submit_dossier(dossier=draft, actor=citizen)
    draft.refresh_from_db()
    assert draft.state == DossierState.DRAFT and draft.number is None


def test_hidden_answers_are_dropped_at_submission(procedures, citizen):
    from tests.teleprocedures.fixtures import TRANSPORT_DATA

    draft, _ = services.start_draft(procedure=procedures["transport-scolaire-adapte"], applicant=citizen)
    # The person first chose the mileage allowance (bank page shown), then changed their mind.
    draft.data = {**TRANSPORT_DATA, "timetable": [1], "notification_file": [2], "iban": "FR7630006000011234567890189"}
    draft.save()
    dossier = services.submit_dossier(dossier=draft, actor=citizen)
    assert "iban" not in dossier.data


@pytest.mark.parametrize(
    ("unit", "value", "start", "due"),
    [
        (DeadlineUnit.MONTHS, 2, date(2026, 12, 31), date(2027, 2, 28)),
        (DeadlineUnit.DAYS, 30, date(2026, 4, 1), date(2026, 5, 1)),
        # 15 working days from Thursday 30 April 2026: weekends, 1 May, 8 May, Ascension (14 May) and
        # Whit Monday (25 May) do not count.
        (DeadlineUnit.WORKING_DAYS, 15, date(2026, 4, 30), date(2026, 5, 27)),
    ],
)
def test_due_dates_follow_the_procedures_deadline(procedures, unit, value, start, due):
    procedure = procedures["transport-scolaire-adapte"]
    procedure.deadline_unit, procedure.deadline_value = unit, value
    assert services.compute_due_on(procedure, start) == due


def test_requesting_information_pauses_the_deadline_and_the_answer_extends_it(submitted, instructor, citizen):
    due = submitted.due_on
    services.request_information(
        dossier=submitted, items=["Pièce"], respond_by=timezone.localdate() + timedelta(days=15), actor=instructor
    )
    submitted.refresh_from_db()
    assert submitted.state == DossierState.AWAITING_INFO
    # Ten days pass while the person looks for the document.
    Dossier.objects.filter(pk=submitted.pk).update(paused_at=timezone.now() - timedelta(days=10))
    submitted.refresh_from_db()
    assert not submitted.is_overdue
    services.provide_information(dossier=submitted, answer="Voici", uploads=[], actor=citizen)
    submitted.refresh_from_db()
    assert submitted.state == DossierState.SUBMITTED
    assert submitted.due_on == due + timedelta(days=10)
    assert submitted.info_requests.get().answered_at is not None


@pytest.mark.parametrize(
    ("rule", "outcome"), [(SilenceRule.SVA, DossierState.ACCEPTED), (SilenceRule.SVR, DossierState.REJECTED)]
)
def test_silence_decides_on_expiry(procedures, citizen, rule, outcome):
    procedure = procedures["transport-scolaire-adapte"]
    procedure.silence_rule = rule
    procedure.save()
    late = make_dossier(procedure, citizen, due_on=timezone.localdate() - timedelta(days=1))
    on_time = make_dossier(procedure, citizen, due_on=timezone.localdate())
    paused = make_dossier(procedure, citizen, due_on=timezone.localdate() - timedelta(days=5),
                          state=DossierState.AWAITING_INFO, paused_at=timezone.now())  # fmt: skip

    assert services.decide_by_silence() == 1

    late.refresh_from_db()
    assert late.state == outcome and late.decision.by_silence and late.decision.decided_by is None
    assert late.attachments.filter(kind="decision").exists()
    assert AuditEvent.objects.filter(
        action=f"dossier.{'accept' if rule == 'sva' else 'reject'}", object_id=str(late.pk)
    ).exists()
    on_time.refresh_from_db()
    paused.refresh_from_db()
    assert on_time.state == DossierState.SUBMITTED and paused.state == DossierState.AWAITING_INFO
    assert services.decide_by_silence() == 0  # once only


def test_without_a_silence_rule_nothing_is_decided_automatically(procedures, citizen):
    procedure = procedures["transport-scolaire-adapte"]
    procedure.silence_rule = SilenceRule.NONE
    procedure.save()
    make_dossier(procedure, citizen, due_on=timezone.localdate() - timedelta(days=30))
    assert services.decide_by_silence() == 0


def test_two_agents_deciding_at_once_one_wins_the_other_is_told(submitted, instructor):
    seen_revision = submitted.revision
    services.decide(dossier=submitted, transition="accept", reasons="OK", actor=instructor,
                    data={"mode_granted": "adapted_circuit", "start_date": "2026-09-01"},
                    expected_revision=seen_revision)  # fmt: skip
    with pytest.raises(services.StaleDossier):
        services.decide(dossier=submitted, transition="reject", reasons="Non", actor=instructor,
                        expected_revision=seen_revision)  # fmt: skip
    submitted.refresh_from_db()
    assert submitted.state == DossierState.ACCEPTED
    assert submitted.decision.reasons == "OK"


def test_retention_purges_files_and_personal_data_but_keeps_the_statistics(procedures, citizen, submitted, instructor):
    services.decide(dossier=submitted, transition="reject", reasons="Dossier incomplet", actor=instructor)
    procedure = submitted.procedure
    file_path = submitted.attachments.first().file.path
    assert services.purge_past_retention() == 0

    Dossier.objects.filter(pk=submitted.pk).update(
        decided_at=timezone.now() - timedelta(days=31 * procedure.retention_months)
    )
    assert services.purge_past_retention() == 1

    submitted.refresh_from_db()
    assert submitted.data == {} and not submitted.attachments.exists()
    assert submitted.decision.reasons == ""
    assert (submitted.state, submitted.number, submitted.procedure_id) == (
        DossierState.REJECTED,
        submitted.number,
        procedure.pk,
    )
    assert not __import__("os").path.exists(file_path)
    assert services.purge_past_retention() == 0


def test_drafts_are_warned_then_deleted(procedures, citizen):
    draft, _ = services.start_draft(procedure=procedures["transport-scolaire-adapte"], applicant=citizen)
    lifetime = draft.procedure.draft_lifetime_days
    Dossier.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=lifetime - 3))
    assert services.expire_drafts() == {"warned": 1, "deleted": 0}
    assert services.expire_drafts() == {"warned": 0, "deleted": 0}
    Dossier.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=lifetime + 1))
    assert services.expire_drafts() == {"warned": 0, "deleted": 1}
    assert not Dossier.objects.exists()


def test_late_filing_is_flagged_after_the_campaign_date(procedures):
    procedure = procedures["transport-scolaire-adapte"]
    assert procedure.late_after == "06-30"
    assert not procedure.is_late(date(2026, 6, 30))
    assert procedure.is_late(date(2026, 7, 1))


def test_the_acknowledgement_is_written_in_the_applicants_language(procedures):
    import io

    from pypdf import PdfReader

    from tests.factories import UserFactory
    from tests.teleprocedures.fixtures import TRANSPORT_DATA

    english = UserFactory(language="en")
    draft, _ = services.start_draft(procedure=procedures["transport-scolaire-adapte"], applicant=english)
    draft.data = {**TRANSPORT_DATA, "timetable": [1], "notification_file": [2]}
    draft.save()
    dossier = services.submit_dossier(dossier=draft, actor=english)  # the request itself is in French
    with dossier.attachments.get(kind="acknowledgement").file.open("rb") as handle:
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages).split())
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("en"):
        due = date_format(dossier.due_on, "DATE_FORMAT")  # e.g. "Jan. 23, 2027"
    assert "Acknowledgement of receipt" in text
    assert f"Without an answer from the administration by {due}, your request will be considered rejected" in text
    assert text.count(due) >= 2  # also in the "decision expected by" line, not in French
    assert "Accusé" not in text


def submit_transport(procedures, person):
    from tests.teleprocedures.fixtures import TRANSPORT_DATA

    draft, _ = services.start_draft(procedure=procedures["transport-scolaire-adapte"], applicant=person)
    draft.data = {**TRANSPORT_DATA, "timetable": [1], "notification_file": [2]}
    draft.save()
    return services.submit_dossier(dossier=draft, actor=person)


@pytest.mark.django_db(transaction=True)
def test_the_acknowledgement_renders_once_the_number_is_committed(procedures, citizen, monkeypatch):
    """Submissions do not queue behind one another's PDF: the numbering row is free while the PDF renders."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the row lock is PostgreSQL's")
    render, seen = services.acknowledgement_pdf, []

    def render_and_try_the_lock(dossier):
        settings = connection.settings_dict
        with psycopg.connect(dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
                             host=settings["HOST"], port=settings["PORT"], autocommit=True) as other:  # fmt: skip
            key = f"dossier-{dossier.submitted_at.year}"
            seen.append(
                other.execute("SELECT value FROM portal_counter WHERE key = %s FOR UPDATE NOWAIT", [key]).fetchone()
            )
        return render(dossier)

    monkeypatch.setattr(services, "acknowledgement_pdf", render_and_try_the_lock)
    dossier = submit_transport(procedures, citizen)
    assert seen == [(int(dossier.number.rsplit("-", 1)[1]),)]
    assert dossier.attachments.filter(kind="acknowledgement").count() == 1


def test_an_acknowledgement_interrupted_after_the_submission_is_sent_once_by_the_periodic_job(
    procedures, citizen, monkeypatch
):
    from django.core.management import call_command

    from portal.models import OutboxMessage

    monkeypatch.setattr(services, "send_due_acknowledgement", lambda dossier: dossier)  # the process stops here
    dossier = submit_transport(procedures, citizen)
    monkeypatch.undo()
    assert not dossier.attachments.exists() and not OutboxMessage.objects.exists()
    assert services.send_due_acknowledgements() == 0  # too recent: its own request may still be writing it
    Dossier.objects.filter(pk=dossier.pk).update(submitted_at=timezone.now() - timedelta(minutes=3))
    for _run in range(2):
        call_command("run_periodic_jobs", "--only", "teleprocedures.jobs.send_due_acknowledgements")
    dossier.refresh_from_db()
    assert not dossier.acknowledgement_pending
    assert dossier.attachments.filter(kind="acknowledgement").count() == 1
    assert OutboxMessage.objects.filter(template__endswith="dossier_submitted").count() == 1
