import pytest
from django.urls import reverse

from portal.enums import Role
from tests.browser.conftest import assert_accessible
from tests.factories import SiteFactory, UserFactory, agent


LANGUAGES = ["fr", "en", "ar"]
PUBLIC_PAGES = [
    "portal:home",
    "account_signup",
    "account_login",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "accessibility:statement",
    "accessibility:plan",
    "accessibility:report",
    "accessibility:display",
    "portal:legal_notice",
    "portal:privacy",
    "portal:cookies",
    "portal:contact",
    "portal:site_map",
]
CITIZEN_PAGES = [
    "portal:my_space",
    "portal:profile",
    "portal:personal_data",
    "portal:account_deletion",
    "account_email",
    "account_change_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "account_logout",
]


def localised(url, language):
    return url if language == "fr" else f"/{language}{url}"


def visit(page, url, language):
    response = page.goto(localised(url, language))
    assert response.status == 200, f"{url} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_axe_violations(page, language):
    SiteFactory(name="CDAS de Rennes Centre", opening_hours="Du lundi au vendredi")
    for name in PUBLIC_PAGES:
        visit(page, reverse(name), language)
        assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_citizen_pages_have_no_axe_violations(page, sign_in, language):
    sign_in(UserFactory(professional=True))
    for name in CITIZEN_PAGES:
        visit(page, reverse(name), language)
        assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_agent_home_has_no_axe_violations(page, sign_in, language):
    sign_in(agent(role=Role.SECRETARY, site=SiteFactory()))
    visit(page, reverse("portal:agent_home"), language)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_forms_in_error_have_no_axe_violations_and_focus_the_summary(page, language):
    UserFactory(email="taken@example.org")
    visit(page, reverse("account_signup"), language)
    page.fill("#id_email", "taken@example.org")
    page.check("#id_is_professional")
    page.fill("#id_siret", "123")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#id_siret").get_attribute("aria-invalid") == "true"
    assert page.input_value("#id_email") == "taken@example.org"
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_rarer_page_states_have_no_axe_violations(page, sign_in, live_server, language):
    """The account closing of an account without password (a box to tick) and the page shown when the database
    is down (made by the middleware itself, served at the site's address so that its stylesheet loads)."""
    from django.db import OperationalError
    from django.test import RequestFactory
    from django.utils import translation

    from portal.middleware import ServiceUnavailableMiddleware

    user = UserFactory()
    user.set_unusable_password()
    user.save()
    sign_in(user)
    visit(page, reverse("portal:account_deletion"), language)
    assert page.locator("input[type=checkbox]").count() == 1 and page.locator("input[type=password]").count() == 0
    assert_accessible(page)

    request = RequestFactory().post("/mes-demarches/")
    request.LANGUAGE_CODE = language
    with translation.override(language):  # as LocaleMiddleware leaves it
        response = ServiceUnavailableMiddleware(None).process_exception(request, OperationalError("server closed"))
    assert response.status_code == 503
    html = {"status": 503, "body": response.content, "content_type": "text/html; charset=utf-8"}
    page.route("**/unavailable-page/", lambda route: route.fulfill(**html))
    page.goto(f"{live_server.url}/unavailable-page/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert_accessible(page)
