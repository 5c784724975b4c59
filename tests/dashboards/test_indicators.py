"""Each indicator computed on a small hand-made data set whose expected values are written here.

Time is frozen on Friday 20 November 2026; the period is 2–15 November (11 November is a public holiday), compared with
19 October – 1 November.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from freezegun import freeze_time

from appointments.enums import AppointmentStatus, BookedVia
from appointments.models import Absence, Appointment, Invitation, Motif
from dashboards.enums import Journey, SurveyChannel
from dashboards.indicators.appointments import appointment_indicators, rsa_funnel
from dashboards.indicators.mail import mail_indicators
from dashboards.indicators.requests import request_indicators
from dashboards.indicators.satisfaction import satisfaction_indicators
from dashboards.indicators.stats import percentile_cont
from dashboards.models import SlotDelay, SurveyResponse
from dashboards.scope import DateRange, Scope, resolve_period
from dashboards.services import record_slot_delays
from mailroom.enums import Channel, MailStatus
from mailroom.models import Contact, MailCategory, MailItem
from portal.enums import Role
from portal.models import Service
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from tests.appointments.fixtures import schedule
from tests.factories import CommuneFactory, SiteFactory, UserFactory, agent


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PARIS = ZoneInfo("Europe/Paris")
PERIOD = DateRange(date(2026, 11, 2), date(2026, 11, 15))
PREVIOUS = DateRange(date(2026, 10, 19), date(2026, 11, 1))


@pytest.fixture
def frozen():
    with freeze_time("2026-11-20 11:00:00"), translation.override("en"):
        yield


def at(day, hour=10, minute=0):
    return datetime.combine(day, time(hour, minute), PARIS)


def scope_of(*services, sites=None, current=PERIOD, previous=PREVIOUS):
    return Scope(
        tuple(s.pk for s in services), None if sites is None else tuple(s.pk for s in sites), current, previous
    )


def figures(section):
    return {str(figure.label): figure for figure in section["figures"]}


def table(section, key):
    return next(t for t in section["tables"] if t.key == key)


# --- Téléprocédures -----------------------------------------------------------------------------------------------


def dossier(procedure, *, submitted, state, decided=None, paused=0, due_on, filed_by=None, paused_at=None, **extra):
    return Dossier.objects.create(
        procedure=procedure, version=procedure.published_version(), applicant=UserFactory(), state=state,
        number=f"T-{Dossier.objects.count() + 1}", submitted_at=submitted, decided_at=decided,
        paused_duration=timedelta(days=paused), due_on=due_on, filed_by=filed_by, paused_at=paused_at, **extra,
    )  # fmt: skip


@pytest.fixture
def dossiers(procedures):
    transport = procedures["transport-scolaire-adapte"]
    helper = agent(role=Role.RECEPTION, service=transport.service)
    S = DossierState
    # Decided in the period: 30 days (33 − 3 paused), 10 days (late, filed at a counter), 2 days (4 − 2 paused).
    dossier(transport, submitted=at(date(2026, 10, 1)), decided=at(date(2026, 11, 3)), state=S.ACCEPTED, paused=3,
            due_on=date(2026, 12, 1))  # fmt: skip
    dossier(transport, submitted=at(date(2026, 11, 2), 9), decided=at(date(2026, 11, 12), 9), state=S.REJECTED,
            due_on=date(2026, 11, 10), filed_by=helper)  # fmt: skip
    dossier(transport, submitted=at(date(2026, 11, 5), 12), decided=at(date(2026, 11, 9), 12), state=S.ACCEPTED,
            paused=2, due_on=date(2027, 1, 5))  # fmt: skip
    # Open: one late (due on the 15th), one waiting for the applicant (its deadline is paused, so not late).
    dossier(transport, submitted=at(date(2026, 11, 10)), state=S.IN_REVIEW, due_on=date(2026, 11, 15))
    dossier(transport, submitted=at(date(2026, 9, 10)), state=S.AWAITING_INFO, due_on=date(2026, 11, 1),
            paused_at=at(date(2026, 10, 1)))  # fmt: skip
    # The previous period: received and closed in 10 days, within its deadline.
    dossier(transport, submitted=at(date(2026, 10, 20)), decided=at(date(2026, 10, 30)), state=S.CLOSED,
            due_on=date(2026, 12, 20))  # fmt: skip
    # A draft counts nowhere; neither does another service's request.
    Dossier.objects.create(procedure=transport, version=transport.published_version(), applicant=UserFactory())
    roads = procedures["permission-voirie"]
    dossier(roads, submitted=at(date(2026, 11, 3)), decided=at(date(2026, 11, 4)), state=S.ACCEPTED,
            due_on=date(2026, 12, 1))  # fmt: skip
    return transport


def test_request_indicators_on_a_hand_made_set(dossiers):
    section = request_indicators(scope_of(dossiers.service))
    values = figures(section)
    assert values["Requests received"].value == 3 and values["Requests received"].previous == 1
    assert values["Filed online by the person"].value == 66.7 and values["Filed online by the person"].previous == 100
    assert values["Decided"].value == 3 and values["Decided"].previous == 1
    # Durations [2, 10, 30]: the median is 10; the 90th percentile interpolates 10 + 0.8 × (30 − 10) = 26.
    assert values["Median processing time"].value == 10.0 and values["Median processing time"].previous == 10.0
    assert values["Processing time for 9 requests out of 10"].value == 26.0
    assert (
        values["Decided within the deadline"].value == 66.7 and values["Decided within the deadline"].previous == 100
    )
    assert values["In progress now"].value == 2 and values["Late now"].value == 1

    by_procedure = table(section, "requests_by_procedure")
    assert len(by_procedure.rows) == 1
    assert by_procedure.rows[0][1:] == [3, 66.7, 3, 2, 1, 0, 10.0, 26.0, 66.7]
    outcomes = {str(row[0]): row[1:] for row in table(section, "requests_by_outcome").rows}
    assert outcomes == {"Accepted": [2, 0], "Rejected": [1, 0], "Closed without action": [0, 1]}
    backlog = [row[1] for row in table(section, "requests_backlog").rows]
    assert backlog == [1, 0, 1, 0, 0]  # 10 days old, and 71 days old
    assert [row[0] for row in section["late"]] == ["T-4"] and section["late"][0][3] == 5


def test_a_site_narrows_requests_to_the_communes_of_its_territory(dossiers):
    site = SiteFactory()
    commune = CommuneFactory(site=site)
    Dossier.objects.filter(number="T-2").update(commune=commune)
    values = figures(request_indicators(scope_of(dossiers.service, sites=[site])))
    assert values["Requests received"].value == 1 and values["Decided"].value == 1
    assert values["Median processing time"].value == 10.0


def test_processing_times_over_several_procedures_the_same_on_the_embedded_database(dossiers, procedures, monkeypatch):
    roads = procedures["permission-voirie"]
    scope = scope_of(dossiers.service, roads.service)

    def summary():
        section = request_indicators(scope)
        return ([(str(f.label), f.value, f.previous) for f in section["figures"]],
                {str(row[0]): row[1:] for row in table(section, "requests_by_procedure").rows})  # fmt: skip

    in_postgresql = summary()
    values = {label: (value, previous) for label, value, previous in in_postgresql[0]}
    by_procedure = in_postgresql[1]
    # Decided in the period: 30, 10 and 2 days (adapted transport) and 1 day (roads), over both procedures.
    assert values["Median processing time"] == (6.0, 10.0)
    assert values["Processing time for 9 requests out of 10"] == (24.0, 10.0)
    assert values["Decided"] == (4, 1) and values["Requests received"] == (4, 1)
    # Per procedure, each its own: adapted transport's 2, 10, 30 days; roads' 1 day.
    transport, voirie = (by_procedure[str(p.get_title())] for p in (dossiers, roads))
    assert transport[6:8] == [10.0, 26.0] and voirie[6:8] == [1.0, 1.0]
    assert voirie[:3] == [1, 100.0, 1]
    # The embedded mode (SQLite has no PERCENTILE_CONT nor GROUPING SETS) reads and sorts the durations: same figures.
    monkeypatch.setattr("dashboards.indicators.stats.percentiles_in_sql", lambda alias: False)
    assert summary() == in_postgresql


def test_percentiles_match_postgresql_on_the_embedded_database():
    assert percentile_cont([2, 10, 30], 0.5) == 10
    assert percentile_cont([2, 10, 30], 0.9) == pytest.approx(26)
    assert percentile_cont([1, 2, 3, 4], 0.5) == 2.5
    assert percentile_cont([], 0.5) is None


# --- Appointments -------------------------------------------------------------------------------------------------


@pytest.fixture
def pmi_setup(db):
    pmi = Service.objects.create(slug="pmi", name="PMI")
    cdas = SiteFactory(name="CDAS de Vitré")
    nurse = agent(service=pmi, site=cdas)
    motif = Motif.objects.create(service=pmi, name={"fr": "Consultation"}, duration_minutes=30, min_delay_minutes=0,
                                 max_delay_days=60)  # fmt: skip
    schedule(nurse, cdas, motif, start=time(9), end=time(12), valid_from=date(2026, 1, 5))
    Absence.objects.create(agent=nurse, starts_at=at(date(2026, 11, 3), 9), ends_at=at(date(2026, 11, 3), 10))
    return pmi, cdas, nurse, motif


def appointment(motif, site, nurse, starts_at, status, via=BookedVia.ONLINE):
    return Appointment.objects.create(
        motif=motif, site=site, agent=nurse, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30),
        status=status, booked_via=via, first_name="A", last_name="B",
    )  # fmt: skip


def test_appointment_indicators_on_a_hand_made_set(pmi_setup):
    pmi, cdas, nurse, motif = pmi_setup
    S = AppointmentStatus
    appointment(motif, cdas, nurse, at(date(2026, 11, 2), 9), S.SEEN)
    appointment(motif, cdas, nurse, at(date(2026, 11, 2), 9, 30), S.NO_SHOW, BookedVia.AGENT)
    appointment(motif, cdas, nurse, at(date(2026, 11, 4), 10), S.SEEN, BookedVia.INVITATION)
    appointment(motif, cdas, nurse, at(date(2026, 11, 5), 9), S.EXCUSED)
    appointment(motif, cdas, nurse, at(date(2026, 11, 6), 9), S.CANCELLED, BookedVia.AGENT)
    appointment(motif, cdas, nurse, at(date(2026, 11, 9), 11), S.BOOKED)
    appointment(motif, cdas, nurse, at(date(2026, 10, 20), 9), S.SEEN)  # previous period

    section = appointment_indicators(scope_of(pmi), now=at(date(2026, 11, 20), 11))
    values = figures(section)
    # 10 weekdays − 11 November = 9 mornings of 6 half-hours = 54, minus 2 for the absence of 3 November.
    assert values["Slots offered"].value == 52
    assert values["Slots offered"].previous == 60  # 10 weekdays; 1 November is a Sunday
    assert values["Appointments booked"].value == 4 and values["Appointments booked"].previous == 1
    assert values["Fill rate"].value == 7.7
    assert values["Did not come"].value == 33.3  # 1 out of 2 seen + 1 missed
    assert values["Cancelled by the person"].value == 20.0  # 1 out of 4 held + 1 cancelled by the person
    by_whom = {str(row[0]): row[1] for row in table(section, "appointments_by_whom").rows}
    assert by_whom == {"Online by the person": 3, "By an agent": 1, "Through an invitation": 1}
    assert table(section, "appointments_by_site").rows == [["CDAS de Vitré", 52, 4, 7.7]]
    next_slot = table(section, "appointments_next_slot").rows
    # Friday 20 at 11:00: the 11:00–11:30 slot is still free today.
    assert next_slot[0][:2] == ["Consultation", "CDAS de Vitré"] and next_slot[0][3] == 0


def test_rsa_funnel_counts_seen_within_30_and_45_days(pmi_setup):
    pmi, cdas, nurse, motif = pmi_setup
    september = DateRange(date(2026, 9, 1), date(2026, 9, 30))
    S = AppointmentStatus
    outcomes = [(date(2026, 9, 1), date(2026, 9, 20), S.SEEN), (date(2026, 9, 2), date(2026, 10, 12), S.SEEN),
                (date(2026, 9, 3), date(2026, 9, 10), S.NO_SHOW), (date(2026, 9, 4), None, None)]  # fmt: skip
    for index, (invited, on, status) in enumerate(outcomes):
        booked = appointment(motif, cdas, nurse, at(on), status, BookedVia.INVITATION) if on else None
        Invitation.objects.create(motif=motif, token=f"t{index}", first_name="A", last_name="B",
                                  created_at=at(invited), expires_at=at(invited) + timedelta(days=30),
                                  appointment=booked)  # fmt: skip
    figures_, funnel = rsa_funnel(scope_of(pmi, current=september, previous=september))
    assert [row[1] for row in funnel.rows] == [4, 3, 2, 1, 2]
    assert [row[2] for row in funnel.rows] == [100.0, 75.0, 50.0, 25.0, 50.0]
    values = {str(figure.label): figure.value for figure in figures_}
    assert values["Days from invitation to appointment (median)"] == 19.0  # of 7, 19 and 40 days


# --- Mail ---------------------------------------------------------------------------------------------------------


def mail(service, channel, received_on, *, category=None, acknowledged=None, answered=None, due_date, status=None):
    contact = Contact.objects.create(last_name="Martin")
    return MailItem.objects.create(
        number=f"2026-{MailItem.objects.count() + 1:06d}", year=2026, channel=channel, received_on=received_on,
        contact=contact, subject="Objet", category=category, service=service, due_date=due_date,
        created_at=at(received_on), acknowledged_at=acknowledged, answered_at=answered,
        status=status or (MailStatus.ANSWERED if answered else MailStatus.ROUTED),
    )  # fmt: skip


def test_mail_indicators_on_a_hand_made_set(db):
    roads = Service.objects.create(slug="routes", name="Routes")
    works = MailCategory.objects.create(name={"fr": "Travaux", "en": "Works"}, service=roads, deadline_days=10)
    other = MailCategory.objects.create(name={"fr": "Autre", "en": "Other"}, service=roads, deadline_days=10)
    # Friday 6, acknowledged Monday 9 (the next working day); answered in 4 days, before its deadline.
    mail(roads, Channel.EMAIL, date(2026, 11, 6), category=works, acknowledged=at(date(2026, 11, 9), 9),
         answered=at(date(2026, 11, 10)), due_date=date(2026, 11, 20))  # fmt: skip
    # Tuesday 10, acknowledged Thursday 12: 11 November is a holiday, so still the next working day; answered late.
    mail(roads, Channel.WEB, date(2026, 11, 10), category=works, acknowledged=at(date(2026, 11, 12), 9),
         answered=at(date(2026, 11, 13)), due_date=date(2026, 11, 12))  # fmt: skip
    # Monday 2, acknowledged Wednesday 4 (one day late), still open past its deadline of the 16th.
    mail(roads, Channel.EMAIL, date(2026, 11, 2), category=other, acknowledged=at(date(2026, 11, 4)),
         due_date=date(2026, 11, 16))  # fmt: skip
    mail(roads, Channel.PAPER, date(2026, 11, 3), category=other, due_date=date(2026, 11, 30))
    mail(roads, Channel.EMAIL, date(2026, 11, 12), due_date=date(2026, 11, 30))  # no address: never acknowledged
    mail(
        roads, Channel.PHONE, date(2026, 10, 20), category=works, due_date=date(2026, 11, 5), status=MailStatus.CLOSED
    )
    mail(Service.objects.create(slug="x", name="X"), Channel.EMAIL, date(2026, 11, 5), due_date=date(2026, 11, 6))

    section = mail_indicators(scope_of(roads))
    values = figures(section)
    assert values["Mail received"].value == 5 and values["Mail received"].previous == 1
    assert values["Answered within the deadline"].value == 50.0
    assert values["Mean time to answer"].value == 3.5
    assert values["Overdue now"].value == 1
    assert values["Acknowledged by the next working day"].value == 50.0  # 2 of 4 emails and web messages
    channels = {str(row[0]): row[1:] for row in table(section, "mail_by_channel").rows}
    assert channels["Email"] == [3, 0] and channels["Web form"] == [1, 0] and channels["Letter"] == [1, 0]
    assert channels["Phone call"] == [0, 1]
    categories = {str(row[0]): row[1] for row in table(section, "mail_by_category").rows}
    assert categories == {"Works": 2, "Other": 2, "No category": 1}


# --- Satisfaction -------------------------------------------------------------------------------------------------


def test_satisfaction_indicators_on_a_hand_made_set(db):
    pmi = Service.objects.create(slug="pmi", name="PMI")
    roads = Service.objects.create(slug="routes", name="Routes")
    answers = [(pmi, 5, SurveyChannel.ONLINE, Journey.SUBMITTED, date(2026, 11, 2)),
               (pmi, 4, SurveyChannel.ASSISTED, Journey.DECIDED, date(2026, 11, 2)),
               (roads, 2, SurveyChannel.EMAIL, Journey.MAIL, date(2026, 11, 3)),
               (pmi, 5, SurveyChannel.IN_PERSON, Journey.APPOINTMENT, date(2026, 11, 10)),
               (pmi, 3, SurveyChannel.ONLINE, Journey.SUBMITTED, date(2026, 10, 25))]  # fmt: skip
    for index, (service, score, channel, journey, day) in enumerate(answers):
        SurveyResponse.objects.create(event=f"{journey}:{index}", journey=journey, channel=channel, service=service,
                                      score=score, created_at=at(day), comment="Très bien" if index == 0 else "",
                                      comment_status="published" if index == 0 else "none")  # fmt: skip
    section = satisfaction_indicators(scope_of(pmi, roads))
    values = figures(section)
    assert values["Average score (out of 5)"].value == 4.0 and values["Average score (out of 5)"].previous == 3.0
    assert values["Answers"].value == 4 and values["Satisfied (4 or 5)"].value == 75.0
    assert values["Net satisfaction"].value == 50.0  # 75 % satisfied − 25 % dissatisfied
    assert table(section, "satisfaction_by_service").rows == [["PMI", 4.67, 3], ["Routes", 2.0, 1]]
    channels = {str(row[0]): row[1:] for row in table(section, "satisfaction_by_channel").rows}
    assert channels["Online"] == [5.0, 1] and channels["By email"] == [2.0, 1]
    trend = table(section, "satisfaction_trend").rows
    assert [(row[0], row[1], row[2]) for row in trend] == [(date(2026, 11, 2), 4.5, 2), (date(2026, 11, 3), 2.0, 1),
                                                            (date(2026, 11, 10), 5.0, 1)]  # fmt: skip
    assert [c["comment"] for c in section["comments"]] == ["Très bien"]
    # A manager of PMI alone sees PMI's answers only.
    assert figures(satisfaction_indicators(scope_of(pmi)))["Answers"].value == 3


def test_periods_compare_with_the_one_before():
    today = date(2026, 11, 20)
    assert resolve_period("week", today=today) == (DateRange(date(2026, 11, 16), date(2026, 11, 22)),
                                                   DateRange(date(2026, 11, 9), date(2026, 11, 15)))  # fmt: skip
    assert resolve_period("month", today=today) == (DateRange(date(2026, 11, 1), date(2026, 11, 30)),
                                                    DateRange(date(2026, 10, 1), date(2026, 10, 31)))  # fmt: skip
    assert resolve_period("year", today=today)[1] == DateRange(date(2025, 1, 1), date(2025, 12, 31))
    custom = resolve_period("custom", today=today, start=date(2026, 3, 1), end=date(2026, 3, 10))
    assert custom[1] == DateRange(date(2026, 2, 19), date(2026, 2, 28))


def test_delays_to_the_next_slot_are_read_from_the_periodic_measure(pmi_setup, monkeypatch):
    pmi, cdas, nurse, motif = pmi_setup
    now = at(date(2026, 11, 20), 11)
    assert record_slot_delays(now=now) == 1
    delay = SlotDelay.objects.get()
    assert (delay.measured_on, delay.days, delay.first_free_at) == (date(2026, 11, 20), 0, at(date(2026, 11, 20), 11))
    # Fresh measures are read, not searched again; a stale one (over an hour) is measured again.
    monkeypatch.setattr("appointments.slots.first_free_by_site", fail)
    assert table(appointment_indicators(scope_of(pmi), now=now), "appointments_next_slot").rows[0][3] == 0
    with pytest.raises(AssertionError):
        appointment_indicators(scope_of(pmi), now=now + timedelta(hours=2))


def fail(**kwargs):
    raise AssertionError("the slots were searched")


@pytest.mark.django_db(transaction=True)
def test_sections_computed_side_by_side_are_those_computed_one_by_one(dossiers, pmi_setup, settings):
    """Committed rows (as in production): the sections run on their own connections and find the same figures."""
    from django.db import connection

    from dashboards.indicators import compute_sections

    if connection.vendor != "postgresql":
        pytest.skip("side by side on PostgreSQL only")
    pmi, cdas, nurse, motif = pmi_setup
    appointment(motif, cdas, nurse, at(date(2026, 11, 2), 9), AppointmentStatus.SEEN)
    mail(dossiers.service, Channel.WEB, date(2026, 11, 3), due_date=date(2026, 11, 20))
    scope = scope_of(dossiers.service, pmi)
    settings.DASHBOARD_PARALLEL_SECTIONS = 4
    side_by_side = compute_sections(scope)
    settings.DASHBOARD_PARALLEL_SECTIONS = 1
    one_by_one = compute_sections(scope)
    assert side_by_side == one_by_one
    assert figures(side_by_side["requests"])["Requests received"].value == 3
    assert figures(side_by_side["appointments"])["Appointments booked"].value == 1
    # Formatted texts are made in the thread: in the page's language, not the default one.
    assert figures(side_by_side["requests"])["In progress now"].help.startswith("Of which waiting for the applicant")
