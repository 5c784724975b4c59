import pytest
from django.urls import reverse

from accessibility.models import Audit, CriterionResult
from portal.enums import Role
from tests.factories import agent


pytestmark = pytest.mark.django_db


def test_an_audit_entered_in_the_admin_gets_106_results_per_page_to_fill(client):
    client.force_login(agent(role=Role.ADMINISTRATOR, service=None, site=None, is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:accessibility_audit_add"), {
        "title": "Audit 2026", "auditor": "Access42", "performed_on": "2026-10-15", "method": "",
        "pages-TOTAL_FORMS": "2", "pages-INITIAL_FORMS": "0", "pages-MIN_NUM_FORMS": "0",
        "pages-MAX_NUM_FORMS": "1000",
        "pages-0-position": "0", "pages-0-title": "Accueil", "pages-0-path": "/",
        "pages-1-position": "1", "pages-1-title": "Rendez-vous", "pages-1-path": "/rendez-vous/",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    audit = Audit.objects.get()
    assert CriterionResult.objects.filter(page__audit=audit).count() == 2 * 106
    page = audit.pages.get(title="Rendez-vous")
    assert client.get(reverse("admin:accessibility_auditedpage_change", args=[page.pk])).status_code == 200
