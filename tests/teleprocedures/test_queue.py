import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teleprocedures.enums import DossierState
from tests.factories import UserFactory
from tests.teleprocedures.fixtures import make_dossier


pytestmark = pytest.mark.django_db


def count_queries(client, url):
    client.get(url)  # fills the short caches shared by every page (the footer's accessibility status)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_query_count_does_not_grow_with_the_rows(client, procedures, instructor):
    procedure = procedures["transport-scolaire-adapte"]
    client.force_login(instructor)
    url = reverse("teleprocedures:queue") + "?tab=all"
    make_dossier(procedure, UserFactory())
    few = count_queries(client, url)
    for _ in range(30):
        make_dossier(procedure, UserFactory(), assignee=instructor)
    many = count_queries(client, url)
    assert few == many
    assert 5 < few < 20, few


def test_tabs_and_filters(client, procedures, instructor, citizen):
    procedure = procedures["transport-scolaire-adapte"]
    from django.utils import timezone

    mine = make_dossier(procedure, citizen, assignee=instructor)
    free = make_dossier(procedure, UserFactory(last_name="Kerbrat"))
    late = make_dossier(procedure, UserFactory(), due_on=timezone.localdate() - timezone.timedelta(days=2))
    waiting = make_dossier(procedure, UserFactory(), state=DossierState.AWAITING_INFO)
    client.force_login(instructor)

    def numbers(query):
        html = client.get(reverse("teleprocedures:queue") + query).content.decode()
        return {d.number for d in (mine, free, late, waiting) if d.number in html}

    assert numbers("?tab=mine") == {mine.number}
    assert numbers("?tab=to_assign") == {free.number, late.number}
    assert numbers("?tab=awaiting") == {waiting.number}
    assert numbers("?tab=all&q=kerbrat") == {free.number}
    assert numbers("?tab=all&late=on") == {late.number}
    assert numbers("?tab=all&answer=Gayeulles") == {mine.number, free.number, late.number, waiting.number}
    assert numbers("?tab=all&answer=introuvable") == set()
    assert numbers("?tab=all&commune=Rennes") == set()  # commune is set at submission, not by make_dossier
    assert client.get(reverse("teleprocedures:queue") + "?tab=all&submitted_from=pas-une-date").status_code == 200
