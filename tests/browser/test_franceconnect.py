"""FranceConnect in a real browser, with the keyboard only, against the local OpenID Connect provider."""

import copy
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from portal.settings.base import franceconnect_origin
from tests.browser.conftest import assert_accessible
from tests.browser.test_keyboard import press_tab_until
from tests.portal.oidc_provider import LocalProvider, franceconnect_settings


@pytest.fixture
def provider(settings):
    local = LocalProvider()
    settings.SOCIALACCOUNT_PROVIDERS = franceconnect_settings(local)
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", *franceconnect_origin(local.client_id, local.issuer)]
    settings.CONTENT_SECURITY_POLICY = policy
    yield local
    local.close()


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_sign_in_page_with_franceconnect_is_accessible(page, provider, language):
    prefix = "" if language == "fr" else f"/{language}"
    page.goto(f"{prefix}{reverse('account_login')}")

    assert page.locator(".franceconnect__button").is_visible()
    assert_accessible(page)


def test_a_citizen_signs_in_and_out_through_franceconnect_with_the_keyboard(page, provider):
    page.goto(reverse("account_login"))
    press_tab_until(page, "document.activeElement.classList.contains('franceconnect__button')")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{reverse('portal:my_space')}")
    assert "Angela" in page.content()
    assert provider.authorize_requests[0]["acr_values"] == "eidas1"

    page.goto(reverse("portal:profile"))
    last_name = page.locator("input[name=last_name]")
    assert last_name.input_value() == "DUBOIS" and last_name.get_attribute("readonly") is not None
    assert_accessible(page)

    page.goto(reverse("account_logout"))
    press_tab_until(page, "document.activeElement.type === 'submit' && !!document.activeElement.closest('main')")
    page.keyboard.press("Enter")

    page.wait_for_url(lambda url: urlsplit(url).path == reverse("portal:home"))
    assert provider.logout_requests, "the sign-out did not go through FranceConnect"
    assert "FranceConnect" in page.locator("main").inner_text()  # "You are also signed out of FranceConnect."
