"""FranceConnect sign-in, end to end against a local OpenID Connect provider (tests/portal/oidc_provider.py)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from portal import services as portal_services
from portal.franceconnect import services as franceconnect
from portal.models import AuditEvent, User
from teleprocedures.enums import DossierState
from teleprocedures.models import Dossier
from tests.factories import PASSWORD, UserFactory, agent
from tests.portal.oidc_provider import LocalProvider, franceconnect_settings, new_key


pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    local = LocalProvider()
    settings.SOCIALACCOUNT_PROVIDERS = franceconnect_settings(local)
    cache.clear()
    yield local
    local.close()


def go_to_franceconnect(client, **data):
    """Press the FranceConnect button; return the provider's answer to the authorization request (not followed)."""
    response = client.post(reverse("franceconnect_login"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return requests.get(response["Location"], allow_redirects=False, timeout=5)


def come_back(client, answer):
    """Follow the provider's redirection back to the platform's callback."""
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == reverse("franceconnect_callback")
    return client.get(f"{back.path}?{back.query}")


def sign_in(client, **data):
    return come_back(client, go_to_franceconnect(client, **data))


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_the_authorization_request_carries_what_franceconnect_requires(client, provider):
    go_to_franceconnect(client)

    sent = provider.authorize_requests[0]
    assert sent["acr_values"] == "eidas1"
    assert set(sent["scope"].split()) == {"openid", "given_name", "family_name", "birthdate", "email"}
    assert len(sent["nonce"]) >= 32 and len(sent["state"]) >= 32
    assert sent["prompt"] == "login consent"
    assert sent["redirect_uri"] == "http://testserver" + reverse("franceconnect_callback")


def test_a_first_sign_in_opens_a_verified_account_with_the_certified_identity(client, provider):
    response = sign_in(client)

    assert client.get(response["Location"])["Location"] == reverse("portal:my_space")
    user = signed_in_user(client)
    assert user.email == "angela.dubois@example.org"
    assert (user.first_name, user.last_name, user.birth_date.isoformat()) == (
        "Angela Claire Louise",
        "DUBOIS",
        "1962-08-24",
    )
    assert user.identity_certified_at is not None and not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user, provider="franceconnect").uid == provider.person["sub"]
    assert AuditEvent.objects.filter(actor=user, action="account.identity_certified").exists()


def test_a_second_sign_in_finds_the_same_account_by_its_franceconnect_identifier(client, provider):
    sign_in(client)
    client.logout()
    provider.person["email"] = "nouvelle.adresse@example.org"
    provider.person["family_name"] = "MARTIN"

    sign_in(client)

    user = signed_in_user(client)
    assert User.objects.count() == 1 and user.email == "angela.dubois@example.org"
    assert user.last_name == "MARTIN"  # the certified identity follows FranceConnect


def test_a_verified_account_with_the_same_email_is_joined_on_the_first_sign_in(client, provider):
    existing = UserFactory(email="angela.dubois@example.org", first_name="Angie", last_name="Dubois")

    sign_in(client)

    assert signed_in_user(client) == existing and User.objects.count() == 1
    existing.refresh_from_db()
    assert SocialAccount.objects.filter(user=existing, provider="franceconnect").exists()
    assert existing.first_name == "Angela Claire Louise" and existing.identity_certified_at is not None
    assert existing.check_password(PASSWORD)  # the person may still sign in with the password


def test_an_account_whose_email_was_never_confirmed_is_not_joined(client, provider):
    squatter = UserFactory(email="angela.dubois@example.org", verified=False)

    response = sign_in(client)

    assert signed_in_user(client) is None
    assert response["Location"] == reverse("socialaccount_signup")  # asks for another address
    signup = client.get(response["Location"])
    assert signup.status_code == 200 and 'name="email"' in signup.content.decode()
    assert not SocialAccount.objects.exists()
    squatter.refresh_from_db()
    assert squatter.check_password(PASSWORD) and squatter.identity_certified_at is None


def test_an_agent_cannot_sign_in_with_franceconnect(client, provider):
    instructor = agent(email="angela.dubois@example.org")

    response = sign_in(client)

    assert response["Location"] == reverse("account_login")
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user=instructor).exists()
    page = client.get(response["Location"]).content.decode()
    assert "second factor" in page or "second facteur" in page


@pytest.mark.parametrize(
    "misbehaviour",
    [
        {"id_token_claims": {"nonce": "n" * 43}},  # the ID token of another sign-in
        {"id_token_claims": {"acr": "eidas0"}},  # below the eIDAS level asked
        {"id_token_claims": {"aud": "another-client"}},
        {"id_token_claims": {"exp": 1_000_000_000}},  # expired
        {"userinfo_claims": {"sub": "someone-else"}},  # userinfo about another person
        {"userinfo_key": new_key("key-1")},  # userinfo signed by a key that is not FranceConnect's
        {"token_status": 500},
    ],
    ids=["nonce", "acr", "audience", "expired", "userinfo-sub", "userinfo-signature", "token-endpoint-down"],
)
def test_a_callback_that_fails_a_check_signs_nobody_in(client, provider, misbehaviour):
    for name, value in misbehaviour.items():
        setattr(provider, name, value)

    response = sign_in(client)

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert signed_in_user(client) is None and not User.objects.exists()


def test_a_forged_or_replayed_state_is_refused(client, provider):
    answer = go_to_franceconnect(client)
    back = urlsplit(answer.headers["Location"])
    query = parse_qs(back.query)

    forged = client.get(back.path, {"code": query["code"][0], "state": "x" * 43})
    assert "socialaccount/authentication_error.html" in [t.name for t in forged.templates]
    assert signed_in_user(client) is None

    come_back(client, answer)
    assert signed_in_user(client) is not None
    client.logout()
    replayed = client.get(f"{back.path}?{back.query}")  # the same answer again: its state was used
    assert "socialaccount/authentication_error.html" in [t.name for t in replayed.templates]
    assert signed_in_user(client) is None


@pytest.mark.parametrize(
    ("error", "template"), [("access_denied", "login_cancelled"), ("server_error", "authentication_error")]
)
def test_a_failed_callback_says_so_and_signs_nobody_in(client, provider, error, template):
    provider.authorize_error = error

    response = sign_in(client)

    if response.status_code == 302:  # cancelled: allauth's page for it
        response = client.get(response["Location"])
    assert response.status_code in {200, 401}
    assert f"socialaccount/{template}.html" in [t.name for t in response.templates]
    assert signed_in_user(client) is None


def test_signing_out_goes_through_franceconnect_and_back(client, provider):
    sign_in(client)

    response = client.post(reverse("account_logout"))

    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{provider.issuer}/session/end"
    assert signed_in_user(client) is None
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    sent = provider.logout_requests[0]
    assert sent["post_logout_redirect_uri"] == "http://testserver" + reverse("franceconnect_logout_return")
    back = urlsplit(answer.headers["Location"])
    final = client.get(f"{back.path}?{back.query}", follow=True)
    assert "FranceConnect" in final.content.decode()  # "You are also signed out of FranceConnect."
    assert franceconnect.LOGOUT_STATE_SESSION_KEY not in client.session


def test_a_person_with_a_password_signs_out_here_only(client, provider):
    client.force_login(UserFactory())

    response = client.post(reverse("account_logout"))

    assert not response["Location"].startswith(provider.issuer)
    assert provider.logout_requests == []


def test_the_button_shows_only_when_franceconnect_is_configured(client, settings):
    assert "franceconnect" not in client.get(reverse("account_login")).content.decode()
    assert client.post(reverse("franceconnect_login")).status_code == 404
    assert client.get(reverse("franceconnect_callback"), {"code": "x", "state": "y"}).status_code == 404

    settings.SOCIALACCOUNT_PROVIDERS = {
        "franceconnect": {
            "APPS": [{"client_id": "x", "secret": "y", "settings": {"server_url": "http://127.0.0.1:9"}}]
        }
    }
    page = client.get(reverse("account_login"), {"next": "/mes-demarches/"}).content.decode()
    assert f'action="{reverse("franceconnect_login")}"' in page
    assert 'name="next" value="/mes-demarches/"' in page


def test_certified_names_are_prefilled_read_only_in_procedures(client, provider, procedures):
    sign_in(client)
    client.post(reverse("teleprocedures:start", args=["transport-scolaire-adapte"]))
    draft = Dossier.objects.get(state=DossierState.DRAFT)
    url = reverse("teleprocedures:draft_page", args=[draft.pk, "representative"])

    page = client.get(url).content.decode()
    assert 'value="DUBOIS"' in page and "readonly" in page
    client.post(url, {"rep_last_name": "Autre", "rep_first_name": "Nom", "action": "next"})

    draft.refresh_from_db()
    assert draft.data["rep_last_name"] == "DUBOIS" and draft.data["rep_first_name"] == "Angela Claire Louise"


def test_the_profile_keeps_certified_names_and_birth_date(client, provider):
    sign_in(client)
    user = signed_in_user(client)

    client.post(
        reverse("portal:profile"),
        {"first_name": "Autre", "last_name": "Nom", "birth_date": "2000-01-01", "phone": "", "language": "fr"},
    )

    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.birth_date.isoformat()) == (
        "Angela Claire Louise",
        "DUBOIS",
        "1962-08-24",
    )


def test_an_account_opened_through_franceconnect_can_be_closed_without_a_password(client, provider):
    sign_in(client)

    refused = client.post(reverse("portal:account_deletion"), {})
    assert refused.status_code == 200 and signed_in_user(client) is not None
    client.post(reverse("portal:account_deletion"), {"password": "on"})

    assert User.objects.get().deletion_requested_at is not None


def test_the_personal_data_export_and_the_erasure_cover_franceconnect(client, provider, settings):
    sign_in(client)
    user = signed_in_user(client)

    account = portal_services.export_personal_data(user=user)["account"]
    assert account["birth_date"] == "1962-08-24" and account["identity_certified_by_franceconnect_on"]
    (connected,) = account["connected_accounts"]
    assert connected["provider"] == "franceconnect" and connected["identifier"] == provider.person["sub"]
    assert connected["identity_received"]["family_name"] == "DUBOIS"

    User.objects.filter(pk=user.pk).update(deletion_requested_at=timezone.now() - timedelta(days=365))
    assert portal_services.erase_accounts_past_grace_period() == 1
    user.refresh_from_db()
    assert user.birth_date is None and user.identity_certified_at is None and user.last_name == ""
    assert not SocialAccount.objects.exists()


def test_a_new_signing_key_of_franceconnect_is_fetched_when_tokens_use_it(client, provider):
    sign_in(client)  # FranceConnect's keys are now in the cache
    client.logout()
    provider.key, provider.jwk = new_key("key-2")  # FranceConnect rotates its keys

    sign_in(client)

    assert signed_in_user(client) is not None
