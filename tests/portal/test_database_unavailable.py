"""When PostgreSQL does not answer, people get a plain 503 saying nothing was saved, drawn without the database."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from portal.middleware import ServiceUnavailableMiddleware


@pytest.fixture
def middleware():
    return ServiceUnavailableMiddleware(lambda request: None)


def test_a_page_says_the_service_is_briefly_unavailable_without_querying(middleware, django_assert_num_queries, db):
    request = RequestFactory().post("/ecrire-au-departement/")
    with django_assert_num_queries(0):
        response = middleware.process_exception(request, OperationalError("terminating connection"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "<h1>" in page and ("not saved" in page or "pas été enregistré" in page)


def test_the_api_answers_in_its_error_format(middleware):
    response = middleware.process_exception(RequestFactory().get("/api/v1/dossiers/"), OperationalError("gone"))
    assert response.status_code == 503
    assert json.loads(response.content)["error"]["code"] == "unavailable"


def test_other_errors_are_left_to_django(middleware):
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None
