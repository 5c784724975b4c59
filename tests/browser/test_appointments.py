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
