from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Relative
from tests.factories import UserFactory


pytestmark = pytest.mark.django_db


def test_an_account_holder_adds_and_removes_relatives(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("portal:relatives")
    response = client.post(url, {"first_name": "Adam", "last_name": "Benali", "kind": "child",
                                 "birth_date": (timezone.localdate() + timedelta(days=3)).isoformat()})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "dans le futur" in html and 'value="Adam"' in html
    client.post(url, {"first_name": "Adam", "last_name": "Benali", "kind": "child", "birth_date": "2024-05-02"})
    adam = Relative.objects.get(user=user)
    assert "Adam Benali" in client.get(url).content.decode()

    other = UserFactory()
    client.force_login(other)
    assert client.post(url, {"remove": adam.pk}).status_code == 404
    assert client.post(url, {"remove": "x"}).status_code == 404
    client.force_login(user)
    client.post(url, {"remove": adam.pk})
    assert not Relative.objects.exists()


def test_relatives_are_in_the_personal_data_export(client):
    user = UserFactory()
    user.relatives.create(first_name="Adam", last_name="Benali", kind="child")
    client.force_login(user)
    data = client.get(reverse("portal:personal_data_download")).json()
    assert data["account"]["relatives"][0]["first_name"] == "Adam"
