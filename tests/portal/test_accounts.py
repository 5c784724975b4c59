import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.enums import OutboxStatus
from portal.models import AuditEvent, Organisation, User
from tests.conftest import first_link
from tests.factories import PASSWORD, UserFactory


pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Lina",
    "last_name": "Moreau",
    "email": "lina.moreau@example.org",
    "password1": "une phrase de passe solide",
    "password2": "une phrase de passe solide",
}


def test_citizen_signs_up_and_gets_a_verification_email_through_the_outbox(
    client, outbox, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="lina.moreau@example.org")
    assert (user.first_name, user.last_name, user.language) == ("Lina", "Moreau", "fr")
    assert not EmailAddress.objects.get(user=user).verified
    [message] = outbox("lina.moreau@example.org")
    assert message.status == OutboxStatus.SENT
    assert "/compte/confirm-email/" in message.body_text
    [email] = mailoutbox
    assert email.to == ["lina.moreau@example.org"] and email.body == message.body_text
    assert AuditEvent.objects.filter(action="account.signup", object_id=str(user.pk)).exists()


def test_following_the_verification_link_verifies_the_email_and_signs_in(client, outbox):
    client.post(reverse("account_signup"), SIGNUP)
    link = first_link(outbox("lina.moreau@example.org")[0].body_text)

    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="lina.moreau@example.org").verified
    assert client.get(reverse("portal:my_space")).status_code == 200


def test_unverified_citizen_cannot_sign_in(client):
    UserFactory(email="new@example.org", verified=False)
    response = client.post(reverse("account_login"), {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_expired_verification_link_says_so(client, outbox, monkeypatch):
    client.post(reverse("account_signup"), SIGNUP)
    link = first_link(outbox("lina.moreau@example.org")[0].body_text)
    import time

    real_time = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() + 4 * 86400)

    response = client.get(link)

    assert response.status_code == 200
    assert "a expiré ou n'est pas valide" in response.content.decode()
    assert not EmailAddress.objects.get(email="lina.moreau@example.org").verified


def test_signup_with_an_existing_email_keeps_what_was_typed(client):
    UserFactory(email="lina.moreau@example.org")
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Un autre utilisateur utilise déjà cette adresse e-mail." in html
    assert 'value="Lina"' in html and 'value="Moreau"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'href="#id_email"' in html  # the error summary links to the field
    assert "une phrase de passe solide" not in html  # passwords are never sent back


def test_signup_with_a_weak_password_is_refused_with_a_message(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "password1": "123456", "password2": "123456"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce mot de passe est trop court" in html
    assert 'id="id_password1_error"' in html
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_professional_signup_with_an_invalid_siret_is_refused_and_keeps_the_organisation(client):
    data = {
        **SIGNUP,
        "is_professional": "on",
        "organisation_name": "EARL du Pré",
        "organisation_kind": "farm",
        "siret": "732 829 320 00075",
    }
    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce numéro SIRET n’est pas valide" in html
    assert 'value="EARL du Pré"' in html
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_professional_signup_requires_the_organisation_fields(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "is_professional": "on"})

    html = response.content.decode()
    # Each message stands next to its field and again in the error summary at the top.
    assert html.count("Ce champ est obligatoire pour une organisation.") == 6
    for field in ("organisation_name", "organisation_kind", "siret"):
        assert f'id="id_{field}_error"' in html and f'href="#id_{field}"' in html


def test_professional_signup_creates_the_organisation(client):
    data = {
        **SIGNUP,
        "is_professional": "on",
        "organisation_name": "EARL du Pré",
        "organisation_kind": "farm",
        "siret": "732 829 320 00074",
    }
    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert user.organisation == Organisation.objects.get(siret="73282932000074", name="EARL du Pré", kind="farm")
    assert user.is_professional


def test_password_reset_sends_a_link_through_the_outbox(client, outbox):
    UserFactory(email="camille@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "camille@example.org"})

    assert response.status_code == 302
    [message] = outbox("camille@example.org")
    link = first_link(message.body_text)
    follow = client.get(link, follow=True)
    assert follow.status_code == 200
    new = "un autre mot de passe robuste"
    response = client.post(follow.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    assert User.objects.get(email="camille@example.org").check_password(new)


def test_failed_logins_are_rate_limited_even_with_the_right_password(client):
    UserFactory(email="camille@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "camille@example.org", "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": "camille@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_login_shows_a_translated_message_and_keeps_the_email(client):
    UserFactory(email="camille@example.org")
    response = client.post(reverse("account_login"), {"login": "camille@example.org", "password": "wrong"})
    html = response.content.decode()
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
    assert 'value="camille@example.org"' in html


def test_english_pages_send_english_emails(client, outbox):
    client.post("/en/compte/signup/", {**SIGNUP, "email": "anna@example.org"})
    [message] = outbox("anna@example.org")
    assert message.language == "en"
    assert User.objects.get(email="anna@example.org").language == "en"
    assert "Please confirm" in message.subject or "Confirm" in message.subject


def test_adding_an_email_address_sends_a_verification_to_it(client, outbox):
    user = UserFactory(email="camille@example.org")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "camille.new@example.org"})

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email="camille.new@example.org", verified=False).exists()
    [message] = outbox("camille.new@example.org")
    assert "/compte/confirm-email/" in message.body_text
