"""Keyboard-only journeys of the accessibility issue: every shipped procedure to its summary page, the display
settings, and on the main pages a focus that is always visible and never trapped."""

import re

import pytest
from django.urls import reverse

from teleprocedures.models import Dossier
from tests.browser.test_keyboard import choose_file_with_keyboard, press_tab_until
from tests.factories import CommuneFactory, UserFactory
from tests.teleprocedures.fixtures import PDF_BYTES


# Values typed into the fields of the procedures, chosen by the field's name, then by its type.
BY_NAME = [
    (r"__road$", "D137"), (r"__pr_start$", "12+350"), (r"__pr_end$", "12+800"), (r"__commune$", "Vitré"),
    (r"__postal_code$", "35500"), (r"__line$", "12 rue de la Gare"), (r"siret", "73282932000074"),
    (r"iban", "FR7630006000011234567890189"), (r"pacage", "035123456"),
    (r"amount|cost|total|granted|asked", "1000"), (r"birth", "2014-09-12"), (r"death", "2026-05-03"),
    (r"notification_date|committee", "2026-03-02"), (r"end", "2027-02-15"),
]  # fmt: skip
BY_TYPE = {"email": "contact@example.org", "tel": "02 99 02 35 35", "date": "2027-01-15", "textarea": "Essai",
           "text": "Essai"}  # fmt: skip


def value_for(name, kind):
    for pattern, value in BY_NAME:
        if re.search(pattern, name):
            return value
    return BY_TYPE.get(kind, "Essai")


def form_fields(page):
    """The fields of the page's form in document order: [(name, type, current value, checked group)]."""
    return page.evaluate(
        """() => {
            const seen = new Set(); const found = [];
            for (const e of document.querySelectorAll('main form input, main form select, main form textarea')) {
                if (!e.name || seen.has(e.name) || e.type === 'hidden' || e.type === 'submit' || e.disabled
                    || e.readOnly || e.name === 'csrfmiddlewaretoken' || e.offsetParent === null) continue;
                seen.add(e.name);
                const group = [...document.getElementsByName(e.name)];
                found.push([e.name, e.tagName === 'TEXTAREA' ? 'textarea' : e.type, e.value,
                            group.some(g => g.checked)]);
            }
            return found;
        }"""
    )


def fill_page_with_keyboard(page, document):
    for name, kind, value, checked in form_fields(page):
        press_tab_until(page, f"document.activeElement.name === {name!r}", limit=120)
        if kind in {"radio", "checkbox"}:
            if not checked:
                page.keyboard.press("Space")  # the first choice of the group
        elif kind == "select-one":
            if not value:
                page.keyboard.press("ArrowDown")
        elif kind == "file":
            choose_file_with_keyboard(page, document)
        elif not value:
            typed = value_for(name, kind)
            if kind == "date":
                year, month, day = typed.split("-")
                typed = f"{day}{month}{year}"
            page.keyboard.type(typed)


@pytest.mark.parametrize(
    "slug", ["transport-scolaire-adapte", "permission-voirie", "subvention-agricole", "contrat-territorial",
             "interrogation-notaire"],
)  # fmt: skip
def test_each_shipped_procedure_is_filed_to_its_summary_with_the_keyboard_only(page, sign_in, procedures, slug,
                                                                                 tmp_path):  # fmt: skip
    CommuneFactory(insee_code="35001", name="Acigné")
    document = tmp_path / "piece.pdf"
    document.write_bytes(PDF_BYTES)
    person = sign_in(UserFactory(professional=slug != "transport-scolaire-adapte"))
    page.goto(reverse("teleprocedures:procedure", args=[slug]))
    press_tab_until(page, "document.activeElement.type === 'submit' && document.activeElement.closest('main')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _step in range(15):
        if "/recapitulatif/" in page.url:
            break
        fill_page_with_keyboard(page, document)
        press_tab_until(page, "document.activeElement.textContent.trim() === 'Enregistrer et continuer'", limit=150)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert not page.locator("#error-summary").count(), f"{page.url}: {page.inner_text('#error-summary')}"
    assert "/recapitulatif/" in page.url, f"the summary was not reached: {page.url}"
    draft = Dossier.objects.get(applicant=person, procedure__slug=slug)
    assert draft.state == "draft" and draft.data
    assert page.locator("#id_certify").count() == 1  # the last step: certify and send


def test_display_settings_are_chosen_with_the_keyboard_only(page):
    page.goto(reverse("portal:contact"))
    press_tab_until(page, 'document.activeElement.textContent.trim() === "Paramètres d\'affichage"', limit=80)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/parametres-d-affichage/.*"))
    press_tab_until(page, "document.activeElement.name === 'theme'")
    while not page.evaluate("document.activeElement.value === 'dark'"):
        page.keyboard.press("ArrowDown")  # the arrows move and check the radio button
    press_tab_until(page, "document.activeElement.name === 'text_size'")
    page.keyboard.press("ArrowDown")
    press_tab_until(page, "document.activeElement.textContent.trim() === 'Enregistrer ces paramètres'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/contact/$"))  # back to the page the person came from
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.locator("html").get_attribute("class") == "text-large"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(18, 20, 23)"


FOCUS_VISIBLE = """() => {
    const e = document.activeElement; const style = getComputedStyle(e);
    return e === document.body || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
        || style.boxShadow !== 'none';
}"""


@pytest.mark.parametrize("path", ["/", "/demarches/", "/rendez-vous/", "/ecrire-au-departement/", "/accessibilite/",
                                  "/parametres-d-affichage/", "/ar/statistiques/"])  # fmt: skip
def test_focus_is_always_visible_and_never_trapped(page, procedures, path):
    page.goto(path)
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        here = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        assert page.evaluate(FOCUS_VISIBLE), f"focus not visible on {path} at {here}"
        if stops and here == stops[0]:
            break  # back to the first stop: the focus went round the whole page
        stops.append(here)
    else:
        raise AssertionError(f"focus never came back to the start on {path}: trapped after {stops[-3:]}")
    assert len(stops) > 5
