import re

import pytest
from django.urls import reverse

from appointments import services
from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from tests.appointments.fixtures import schedule
from tests.browser.conftest import assert_accessible
from tests.browser.test_keyboard import press_tab_until
from tests.factories import CommuneFactory


def localised(url, language):
    return url if language == "fr" else f"/{language}{url}"


@pytest.fixture
def bookable(motif, nurse, cdas):
    # Free times far enough ahead to be moved or cancelled online, whatever the hour the test runs.
    motif.min_delay_minutes = motif.cancel_delay_minutes + 60
    motif.save(update_fields=["min_delay_minutes"])
    schedule(nurse, cdas, motif, weekdays=(0, 1, 2, 3, 4, 5, 6))
    CommuneFactory(insee_code="35360", name="Vitré", site=cdas)
    return motif


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_appointment_pages_have_no_axe_violations(page, bookable, cdas, language):
    for url in (reverse("appointments:start"), reverse("appointments:search", args=[bookable.pk]) + "?commune=Paris",
                reverse("appointments:search", args=[bookable.pk]) + "?commune=Vitré"):  # fmt: skip
        response = page.goto(localised(url, language))
        assert response.status == 200
        assert_accessible(page)
    page.click("ul.slots a >> nth=0")
    assert_accessible(page)
    page.click("form.form button[type=submit]")  # empty form: errors
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
    page.fill("#id_first_name", "Yasmine")
    page.fill("#id_last_name", "Benali")
    page.fill("#id_email", "parent@example.org")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r".*/rendez-vous/gerer/.*"))
    assert_accessible(page)


def test_a_parent_books_moves_and_cancels_with_the_keyboard_only(page, bookable, cdas):
    page.goto(reverse("appointments:start"))
    press_tab_until(
        page, f"document.activeElement.getAttribute('href') === '{reverse('appointments:search', args=[bookable.pk])}'"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/rendez-vous/\d+/$"))
    press_tab_until(page, "document.activeElement.id === 'commune'")
    page.keyboard.type("Vitré")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*commune=.*"))
    page.wait_for_selector("ul.slots")
    press_tab_until(page, "document.activeElement.closest('ul.slots') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/reserver/.*"))
    for field, value in (("id_first_name", "Yasmine"), ("id_last_name", "Benali"), ("id_email", "parent@example.org")):
        press_tab_until(page, f"document.activeElement.id === '{field}'")
        page.keyboard.type(value)
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Réserver ce rendez-vous'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/rendez-vous/gerer/.*"))
    first = Appointment.objects.get()

    # Move it to another time, through the signed link's page.
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Le déplacer'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*deplacer=.*"))
    page.wait_for_selector("ul.slots")
    press_tab_until(page, "document.activeElement.closest('ul.slots') !== null")
    page.keyboard.press("Tab")  # the second free time
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/deplacer/.*"))
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Confirmer le nouvel horaire'")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Votre rendez-vous a été déplacé")
    moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert moved.pk != first.pk and moved.starts_at != first.starts_at

    press_tab_until(page, "document.activeElement.textContent.trim() === 'L’annuler'")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Votre rendez-vous est annulé")
    moved.refresh_from_db()
    assert moved.status == AppointmentStatus.EXCUSED
    assert services.appointment_from_token(page.url.rstrip("/").rsplit("/", 1)[1]) == moved


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_agent_appointment_pages_have_no_axe_violations(page, sign_in, bookable, nurse, cdas, pmi, language):
    from datetime import timedelta

    from django.utils import timezone

    from portal.enums import Role
    from tests.factories import agent

    start = timezone.now() + timedelta(hours=3)
    end = start + timedelta(minutes=30)
    Appointment.objects.create(motif=bookable, site=cdas, agent=nurse, starts_at=start, ends_at=end,
                               first_name="Lina", last_name="Moreau")  # fmt: skip
    sign_in(agent(role=Role.SECRETARY, service=pmi, site=cdas))
    day = timezone.localdate(start).isoformat()
    for url in (f"{reverse('appointments:agent_day')}?site={cdas.pk}&jour={day}", reverse("appointments:agent_book"),
                f"{reverse('appointments:agent_book')}?motif={bookable.pk}&site={cdas.pk}&jour={day}"):  # fmt: skip
        response = page.goto(localised(url, language))
        assert response.status == 200
        assert_accessible(page)
    page.click("ul.slots a >> nth=0")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_invitation_pages_have_no_axe_violations(page, sign_in, bookable, pmi, cdas, language):
    from appointments import invitations
    from portal.enums import Role
    from tests.factories import agent

    bookable.bookable_by = "invited"
    bookable.save()
    referent = agent(role=Role.SECRETARY, service=pmi, site=cdas)
    person = invitations.clean_person({"last_name": "Benali", "first_name": "Yasmine", "email": "y@example.org",
                                       "commune": "Vitré"})  # fmt: skip
    invitation = invitations.invite(motif=bookable, person=person, actor=referent)
    response = page.goto(localised(reverse("appointments:invitation", args=[invitation.token]), language))
    assert response.status == 200
    assert_accessible(page)
    page.goto(localised(reverse("appointments:invitation", args=["forged"]), language))
    assert_accessible(page)
    sign_in(referent)
    page.goto(localised(reverse("appointments:agent_invitations"), language))
    assert_accessible(page)
    page.click("text=" + {"fr": "Envoyer l’invitation", "en": "Send the invitation", "ar": "إرسال الدعوة"}[language])
    page.wait_for_selector("#error-summary")
    assert_accessible(page)


def test_a_secretary_books_for_a_caller_with_the_keyboard_only(page, sign_in, bookable, nurse, cdas, pmi):
    from datetime import timedelta

    from django.utils import timezone

    from appointments.enums import BookedVia
    from portal.enums import Role
    from tests.factories import agent

    past = timezone.now() - timedelta(days=20)
    Appointment.objects.create(motif=bookable, site=cdas, agent=nurse, starts_at=past,
                               ends_at=past + timedelta(minutes=30), first_name="Inès", last_name="Garnier",
                               phone="+33611111111", status=AppointmentStatus.SEEN)  # fmt: skip
    secretary = sign_in(agent(role=Role.SECRETARY, service=pmi, site=cdas))
    page.goto(reverse("appointments:agent_book"))
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Voir les horaires libres'")
    page.keyboard.press("Enter")
    page.wait_for_selector("ul.slots")
    press_tab_until(page, "document.activeElement.closest('ul.slots') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/reserver/confirmer/.*"))
    press_tab_until(page, "document.activeElement.id === 'q'")
    page.keyboard.type("garnier")
    page.keyboard.press("Enter")
    page.wait_for_selector("ul.person-matches")
    press_tab_until(page, "document.activeElement.textContent.trim().startsWith('Utiliser')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*personne=a\d+.*"))
    assert page.input_value("#id_phone") == "+33611111111"
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Réserver ce rendez-vous'")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Le rendez-vous est réservé")
    booked = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert (booked.first_name, booked.booked_via, booked.booked_by) == ("Inès", BookedVia.AGENT, secretary)


def test_an_rsa_beneficiary_follows_the_invitation_link_and_books(page, bookable, pmi, cdas):
    from appointments import invitations
    from appointments.enums import BookedVia
    from portal.enums import Role
    from tests.factories import agent

    bookable.bookable_by = "invited"
    bookable.save()
    person = invitations.clean_person({"last_name": "Benali", "first_name": "Yasmine", "email": "y@example.org",
                                       "commune": "Vitré", "reference": "RSA-35-0042"})  # fmt: skip
    invitation = invitations.invite(motif=bookable, person=person, actor=agent(role=Role.SECRETARY, service=pmi))
    page.goto(reverse("appointments:invitation", args=[invitation.token]))
    page.wait_for_selector("ul.slots")
    assert "vous êtes invitée" in page.content() or "Yasmine" in page.content()
    press_tab_until(page, "document.activeElement.closest('ul.slots') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/reserver/.*"))
    assert page.input_value("#id_last_name") == "Benali"
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Réserver ce rendez-vous'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/rendez-vous/gerer/.*"))
    invitation.refresh_from_db()
    assert invitation.appointment.booked_via == BookedVia.INVITATION and invitation.step == "booked"


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_sessions_week_and_relatives_pages_have_no_axe_violations(page, sign_in, bookable, nurse, cdas, pmi,
                                                                   language):  # fmt: skip
    from datetime import timedelta

    from django.utils import timezone

    from appointments.models import Motif
    from portal.enums import Role
    from tests.factories import UserFactory, agent

    workshop = Motif.objects.create(service=pmi, name={"fr": "Atelier portage", "en": "Babywearing workshop"},
                                    is_collective=True, seats=6, duration_minutes=90, min_delay_minutes=0)  # fmt: skip
    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
    session = services.create_session(motif=workshop, site=cdas, agent=nurse, starts_at=start)
    services.book_seat(session=session, person={"first_name": "Anna", "last_name": "Martin", "email": "a@example.org"})
    parent = UserFactory(first_name="Yasmine", last_name="Benali")
    parent.relatives.create(first_name="Adam", last_name="Benali")
    sign_in(parent)
    page.goto(localised(reverse("portal:relatives"), language))
    assert_accessible(page)
    page.click("form.form button[type=submit]")  # the relative form, empty: errors next to the fields
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
    for url in (reverse("appointments:search", args=[workshop.pk]) + f"?site={cdas.pk}",
                reverse("appointments:book", args=[workshop.pk]) + f"?seance={session.pk}"):  # fmt: skip
        assert page.goto(localised(url, language)).status == 200
        assert_accessible(page)

    sign_in(agent(role=Role.SECRETARY, service=pmi, site=cdas))
    day = timezone.localdate(start).isoformat()
    week = f"{reverse('appointments:agent_week')}?site={cdas.pk}&jour={day}"
    for url in (week, reverse("appointments:agent_sessions"),
                reverse("appointments:agent_session", args=[session.pk]) + "?q=martin"):  # fmt: skip
        assert page.goto(localised(url, language)).status == 200
        assert_accessible(page)
    page.click("#seat-title ~ form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
