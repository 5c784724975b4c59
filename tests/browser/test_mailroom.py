import pytest
from django.urls import reverse

from mailroom import services
from mailroom.enums import Channel
from mailroom.models import Contact, MailCategory
from portal.enums import Role
from portal.models import Service
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, agent


def localised(url, language):
    return url if language == "fr" else f"/{language}{url}"


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_mail_pages_have_no_axe_violations(page, sign_in, language):
    roads = Service.objects.create(slug="routes", name="Service des routes")
    MailCategory.objects.create(name={"fr": "Voirie", "en": "Roads"}, service=roads)
    page.goto(localised(reverse("mailroom:write"), language))
    assert_accessible(page)
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
    user = UserFactory()
    contact = Contact.objects.create(first_name="Jeanne", last_name="Durand", email=user.email, user=user)
    item = services.register(contact=contact, subject="Route abîmée", channel=Channel.WEB, body="Texte")
    sign_in(user)
    page.goto(localised(reverse("mailroom:my_mail"), language))
    assert_accessible(page)
    sign_in(agent(role=Role.INSTRUCTOR, service=roads))
    page.goto(localised(reverse("mailroom:item", args=[item.pk]), language))
    assert_accessible(page)
