import pytest
from django.urls import reverse

from api import services
from portal.enums import Role
from tests.factories import UserFactory, agent
from tests.teleprocedures.fixtures import make_dossier


@pytest.fixture
def transport(procedures):
    return procedures["transport-scolaire-adapte"]


def figures(body, section):
    return {figure["label"]: figure for figure in body["sections"][section]["figures"]}


def test_a_token_reads_the_indicators_of_its_services(client, transport, procedures):
    for _ in range(3):
        make_dossier(transport, UserFactory())
    make_dossier(procedures["permission-voirie"], UserFactory())
    key = services.create_token(name="Pilotage", services=[transport.service])[1]
    response = client.get(reverse("api:indicators"), {"period": "year"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body["sections"]) == {"requests", "appointments", "mail", "satisfaction"}
    assert figures(body, "requests")["Demandes reçues"]["value"] == 3  # the roads permit is not counted
    table = next(t for t in body["sections"]["requests"]["tables"] if t["key"] == "requests_by_procedure")
    assert table["rows"][0][:2] == [transport.get_title(), 3]
    assert body["period"]["start"].endswith("-01-01")


@pytest.mark.parametrize(
    ("query", "status"),
    [({"period": "decade"}, 400), ({"period": "custom", "start": "2026-05-01", "end": "2026-04-01"}, 400),
     ({"colour": "red"}, 400)],
)  # fmt: skip
def test_bad_periods_get_a_400(client, transport, query, status):
    key = services.create_token(name="Pilotage", services=[transport.service])[1]
    response = client.get(reverse("api:indicators"), query, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == status and response.json()["error"]["fields"]


def test_another_service_is_not_found_and_agents_must_manage(client, transport, procedures):
    key = services.create_token(name="Pilotage", services=[transport.service])[1]
    roads = procedures["permission-voirie"].service
    response = client.get(reverse("api:indicators"), {"service": roads.pk}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404
    client.force_login(agent(role=Role.INSTRUCTOR, service=transport.service))
    assert client.get(reverse("api:indicators")).status_code == 403
    client.force_login(agent(role=Role.MANAGER, service=transport.service))
    assert client.get(reverse("api:indicators")).status_code == 200
