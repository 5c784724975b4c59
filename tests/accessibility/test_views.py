import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accessibility import display
from accessibility.models import ActionPlan, MultiYearPlan, Statement
from mailroom.enums import Channel
from mailroom.models import MailItem
from portal.models import Service
from tests.factories import UserFactory


REPORT = {"first_name": "Léa", "last_name": "Morvan", "email": "lea@example.org", "page": "/rendez-vous/",
          "problem": "Le calendrier ne se lit pas avec mon lecteur d'écran.", "tools": "NVDA avec Firefox",
          "wanted": "Par téléphone"}  # fmt: skip


@pytest.mark.django_db
def test_a_report_with_a_missing_field_keeps_what_was_typed(client):
    response = client.post(reverse("accessibility:report"), {**REPORT, "problem": "", "email": "pas-un-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_problem_error"' in html and 'id="id_email_error"' in html
    assert 'value="Morvan"' in html and "NVDA avec Firefox" in html
    assert not MailItem.objects.exists()


@pytest.mark.django_db
def test_a_report_is_registered_as_web_mail_routed_and_acknowledged(client, outbox):
    service = Service.objects.create(slug="courrier", name="Bureau du courrier")
    Statement.objects.create(feedback_service=service)
    response = client.post(reverse("accessibility:report"), REPORT, follow=True)
    item = MailItem.objects.get()
    assert (item.channel, item.service, item.contact.email) == (Channel.WEB, service, "lea@example.org")
    assert item.subject == "Problème d'accessibilité : /rendez-vous/"
    assert "NVDA avec Firefox" in item.body and "Par téléphone" in item.body
    assert item.number in response.content.decode()
    assert outbox("lea@example.org")  # the receipt with the number


@pytest.mark.django_db
def test_display_settings_are_kept_in_a_cookie_and_applied_by_the_server(client):
    response = client.post(
        reverse("accessibility:display"),
        {"theme": "dark", "text_size": "large", "spacing": "wide", "motion": "reduced", "next": "/demarches/"},
    )
    assert response.status_code == 302 and response["Location"] == "/demarches/"
    cookie = response.cookies[display.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="fr" dir="ltr" data-theme="dark" class="text-large spacing-wide motion-reduced">' in html
    page = client.get(reverse("accessibility:display")).content.decode()
    assert re.search(r'value="dark"[^>]*checked', page)


@pytest.mark.django_db
def test_a_tampered_display_cookie_gives_the_defaults_and_a_message(client):
    client.cookies[display.COOKIE] = '{"theme": "dark"}:forged:signature'
    response = client.get(reverse("accessibility:display"))
    assert response.status_code == 200
    assert "n’ont pas pu être lus" in response.content.decode() or "n'ont pas pu être lus" in response.content.decode()
    assert 'data-theme="system"' in response.content.decode()
    assert response.cookies[display.COOKIE].value == ""  # forgotten
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_display_settings_refuse_unknown_values_and_foreign_redirects(client):
    wrong = {"theme": "pink", "text_size": "large", "spacing": "normal", "motion": "system"}
    response = client.post(reverse("accessibility:display"), wrong)
    assert response.status_code == 200 and 'id="id_theme_error"' in response.content.decode()
    response = client.post(reverse("accessibility:display"), {"theme": "light", "text_size": "normal",
                           "spacing": "normal", "motion": "system", "next": "https://evil.example/"})  # fmt: skip
    assert response["Location"] == reverse("accessibility:display")


@pytest.mark.django_db
def test_only_published_plans_are_shown(client):
    plan = MultiYearPlan.objects.create(first_year=2026, last_year=2028, policy="Politique", organisation="Référente",
                                        is_published=True)  # fmt: skip
    published = ActionPlan.objects.create(plan=plan, year=2026, is_published=True, review="Bilan 2025")
    published.actions.create(title="Corriger les formulaires", due="2e trimestre")
    ActionPlan.objects.create(plan=plan, year=2027, is_published=False).actions.create(title="Action secrète")
    MultiYearPlan.objects.create(first_year=2029, last_year=2031, policy="Brouillon", organisation="x")
    html = client.get(reverse("accessibility:plan")).content.decode()
    assert "Schéma 2026–2028" in html and "Corriger les formulaires" in html and "Bilan 2025" in html
    assert "Action secrète" not in html and "Brouillon" not in html
    statement = client.get(reverse("accessibility:statement")).content.decode()
    assert reverse("accessibility:plan") in statement


def test_a_multi_year_plan_covers_three_years_at_most():
    with pytest.raises(ValidationError, match="trois ans"):
        MultiYearPlan(first_year=2026, last_year=2029, policy="x", organisation="y").clean()
    with pytest.raises(ValidationError):
        MultiYearPlan(first_year=2026, last_year=2025, policy="x", organisation="y").clean()


@pytest.mark.django_db
def test_site_map_is_built_from_the_url_configuration_and_the_procedures(client, procedures):
    html = client.get(reverse("portal:site_map")).content.decode()
    for name in ("portal:home", "teleprocedures:catalogue", "appointments:start", "mailroom:write",
                 "dashboards:public", "accessibility:statement", "accessibility:plan", "accessibility:report",
                 "accessibility:display", "account_login", "portal:privacy"):  # fmt: skip
        assert f'href="{reverse(name)}"' in html, name
    assert reverse("teleprocedures:procedure", args=["permission-voirie"]) in html
    assert reverse("portal:agent_home") not in html  # agent pages are not declared
    assert html.index(reverse("teleprocedures:catalogue")) < html.index("/demarches/permission-voirie/")


@pytest.mark.django_db
def test_signed_in_citizen_finds_the_report_form_filled_in(client):
    client.force_login(UserFactory(first_name="Léa", email="lea@example.org"))
    html = client.get(reverse("accessibility:report") + "?page=/rendez-vous/").content.decode()
    assert 'value="lea@example.org"' in html and 'value="/rendez-vous/"' in html
