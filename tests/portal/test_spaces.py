import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.enums import Role
from portal.models import AuditEvent, Service, Site, User
from tests.factories import PASSWORD, SiteFactory, UserFactory, agent


pytestmark = pytest.mark.django_db


def test_my_space_requires_sign_in(client):
    response = client.get(reverse("portal:my_space"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_space_shows_the_empty_sections(client):
    client.force_login(UserFactory(first_name="Lina"))
    html = client.get(reverse("portal:my_space")).content.decode()
    for heading in ("My requests", "My appointments", "My mail"):
        assert heading in html or heading.replace("My ", "Mes ") in html or "Mon courrier" in html
    assert 'class="empty-state"' in html


def test_profile_saves_the_changes_and_logs_them(client):
    user = UserFactory(first_name="Lina", last_name="Moreau")
    client.force_login(user)
    response = client.post(
        reverse("portal:profile"),
        {
            "first_name": "Lina",
            "last_name": "Moreau-Diallo",
            "phone": "06 12 34 56 78",
            "address_line": "3 rue de Brest",
            "postal_code": "35000",
            "city": "Rennes",
            "commune": "",
            "language": "ar",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.last_name, user.phone, user.language) == ("Moreau-Diallo", "+33612345678", "ar")
    event = AuditEvent.objects.get(action="profile.update")
    assert event.data["fields"] == ["address_line", "city", "language", "last_name", "phone", "postal_code"]


def test_profile_commune_is_typed_by_name_or_code_and_checked(client):
    from tests.factories import CommuneFactory

    vitre = CommuneFactory(insee_code="35360", name="Vitré")
    user = UserFactory(first_name="Lina", last_name="Moreau")
    client.force_login(user)
    data = {"first_name": "Lina", "last_name": "Moreau", "language": "fr"}
    response = client.post(reverse("portal:profile"), {**data, "commune": "Vitrée"})
    assert response.status_code == 200
    assert 'id="id_commune_error"' in response.content.decode() and 'value="Vitrée"' in response.content.decode()
    assert client.post(reverse("portal:profile"), {**data, "commune": "vitre"}).status_code == 302
    user.refresh_from_db()
    assert user.commune == vitre
    assert 'value="Vitré"' in client.get(reverse("portal:profile")).content.decode()


def test_profile_with_a_bad_phone_and_postal_code_keeps_what_was_typed(client):
    user = UserFactory(first_name="Lina", last_name="Moreau")
    client.force_login(user)
    response = client.post(
        reverse("portal:profile"),
        {"first_name": "Lina", "last_name": "Nouveau", "phone": "12", "postal_code": "3500", "language": "fr"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_phone_error"' in html and 'id="id_postal_code_error"' in html
    assert 'value="Nouveau"' in html and 'value="12"' in html
    user.refresh_from_db()
    assert user.last_name == "Moreau"


def test_personal_data_download_holds_the_persons_data_only(client):
    user = UserFactory(email="lina@example.org", first_name="Lina")
    UserFactory(email="other@example.org")
    client.force_login(user)

    response = client.get(reverse("portal:personal_data_download"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "lina@example.org"
    assert data["account"]["email_addresses"] == [{"email": "lina@example.org", "verified": True, "primary": True}]
    assert "other@example.org" not in response.content.decode()
    assert AuditEvent.objects.filter(action="personal_data.export", actor=user).exists()


def test_account_deletion_needs_the_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("portal:account_deletion"), {"password": "wrong"})
    assert response.status_code == 200
    assert 'id="id_password_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.is_active


def test_account_deletion_closes_the_account_then_erases_it_after_the_grace_period(client, outbox):
    user = UserFactory(email="lina@example.org", phone="+33612345678")
    client.force_login(user)

    response = client.post(reverse("portal:account_deletion"), {"password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.deletion_requested_at
    assert "_auth_user_id" not in client.session
    assert outbox("lina@example.org")[0].template == "portal/email/account_deletion_requested"
    assert services.erase_accounts_past_grace_period() == 0

    User.objects.filter(pk=user.pk).update(deletion_requested_at=timezone.now() - timedelta(days=31))
    assert services.erase_accounts_past_grace_period() == 1

    user.refresh_from_db()
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert (user.first_name, user.phone) == ("", "")
    assert not user.has_usable_password()
    assert outbox()[0].recipient == ""


def test_citizen_cannot_enter_the_agent_space(client):
    client.force_login(UserFactory())
    assert client.get(reverse("portal:agent_home")).status_code == 403


def test_agent_without_second_factor_is_sent_to_enrol_one(client):
    client.force_login(agent(mfa=False))
    response = client.get(reverse("portal:agent_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_agent_with_second_factor_sees_their_services_and_sites(client):
    site = SiteFactory(name="CDAS de Fougères")
    other = SiteFactory(name="CDAS de Redon")
    user = agent(role=Role.SECRETARY, site=site)
    client.force_login(user)

    response = client.get(reverse("portal:agent_home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "CDAS de Fougères" in html and "CDAS de Redon" not in html
    assert list(Site.objects.for_agent(user)) == [site]
    assert other not in Site.objects.for_agent(user)


def test_scoping_querysets_follow_memberships():
    transport = Service.objects.create(slug="transport", name="Transport")
    roads = Service.objects.create(slug="roads", name="Routes")
    site = SiteFactory()
    instructor = agent(service=transport)
    administrator = agent(role=Role.ADMINISTRATOR, service=None, site=site)
    citizen = UserFactory()

    assert list(Service.objects.for_agent(instructor)) == [transport]
    assert set(Service.objects.for_agent(administrator)) >= {transport, roads}
    assert not Service.objects.for_agent(citizen).exists()
    # A service-wide membership (no site) covers every site of the département.
    assert site in Site.objects.for_agent(instructor)
    assert not Site.objects.for_agent(citizen).exists()


def test_wrong_totp_code_at_agent_login_is_refused_with_a_message(client):
    user = agent(email="ines@example.org")
    response = client.post(reverse("account_login"), {"login": "ines@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "Code incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.is_agent


def test_right_totp_code_opens_the_agent_space(client):
    from tests.factories import totp_code

    agent(email="ines@example.org")
    client.post(reverse("account_login"), {"login": "ines@example.org", "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:agent_home")
    assert client.get(reverse("portal:agent_home")).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["portal:home", "accessibility:statement", "accessibility:plan", "accessibility:report", "accessibility:display",
     "portal:legal_notice", "portal:privacy", "portal:cookies", "portal:contact", "portal:site_map"],
)  # fmt: skip
@pytest.mark.parametrize("prefix", ["", "/en", "/ar"])
def test_public_pages_answer_in_every_language(client, url_name, prefix):
    response = client.get(prefix + reverse(url_name))
    assert response.status_code == 200
    lang = (prefix or "/fr").strip("/")
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in html
    assert 'hreflang="ar"' in html


def test_admin_requires_a_second_factor(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1] == (reverse("mfa_index"), 302)
