import re

from allauth.account.models import EmailAddress

from portal.models import OutboxMessage, User
from tests.browser.conftest import axe_violations
from tests.conftest import first_link


def press_tab_until(page, predicate, *, limit=60, key="Tab"):
    """Press Tab until the focused element matches; fail if it never does (a keyboard trap or a missing target)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(predicate):
            return
    raise AssertionError(f"focus never reached {predicate!r}")


def choose_file_with_keyboard(page, path, *, attempts=3):
    """Open the focused file input's dialog with Space and give it the file.

    Under load, headless Chromium now and then drops the dialog a key press asks for (microsoft/playwright#19051,
    seen here in CI): a person would press Space again, and so does the test.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press("Space")
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError(f"Space never opened the file dialog of {page.evaluate('document.activeElement.name')}")


def focused_id(page):
    return page.evaluate("document.activeElement.id")


def test_the_accessibility_checker_does_report_violations(page):
    page.set_content('<html lang="fr"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')
    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}


def test_a_citizen_signs_up_verifies_and_signs_in_with_the_keyboard_only(page):
    page.goto("/")
    # From the top of the home page, reach the sign-up link with Tab and follow it with Enter.
    press_tab_until(page, "document.activeElement.getAttribute('href') === '/compte/signup/'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compte/signup/")

    press_tab_until(page, "document.activeElement.id === 'id_first_name'")
    page.keyboard.type("Nadia")
    page.keyboard.press("Tab")
    page.keyboard.type("Keller")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_email"
    page.keyboard.type("nadia.keller@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("une phrase de passe solide")
    page.keyboard.press("Tab")
    page.keyboard.type("une phrase de passe solide")
    press_tab_until(page, "document.activeElement.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compte/confirm-email/")

    message = OutboxMessage.objects.get(recipient="nadia.keller@example.org")
    page.goto(first_link(message.body_text))  # as when following the link in the email
    press_tab_until(page, "document.activeElement.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/mon-espace/$"))
    assert EmailAddress.objects.get(email="nadia.keller@example.org").verified

    # Sign out, then sign in again, still with the keyboard only.
    press_tab_until(page, "document.activeElement.getAttribute('href') === '/compte/logout/'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compte/logout/")
    press_tab_until(page, "document.activeElement.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))  # back on the home page
    press_tab_until(page, "document.activeElement.getAttribute('href') === '/compte/login/'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compte/login/")
    press_tab_until(page, "document.activeElement.id === 'id_login'")
    page.keyboard.type("nadia.keller@example.org")
    press_tab_until(page, "document.activeElement.id === 'id_password'")  # past the "forgotten password" link
    page.keyboard.type("une phrase de passe solide")
    press_tab_until(page, "document.activeElement.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/mon-espace/$"))
    assert "Nadia" in page.inner_text("main")
    assert User.objects.get(email="nadia.keller@example.org").last_login is not None


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
