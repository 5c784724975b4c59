"""Two application nodes sharing PostgreSQL, Redis and the media folder: a person may land on either."""

import re

from tests.load.conftest import Browser
from tests.teleprocedures.fixtures import PDF_BYTES


def test_a_session_and_a_file_made_on_one_node_work_on_the_other(platform):
    first, second = platform["nodes"]
    browser = Browser(first)
    browser.sign_in("parent@demo.ille-et-vilaine.example")
    form = browser.page("/ecrire-au-departement/").text
    category = re.search(r'<option value="(\d+)"', form)[1]
    sent = browser.submit(
        "/ecrire-au-departement/",
        {"first_name": "Yasmine", "last_name": "Benali", "email": "parent@demo.ille-et-vilaine.example",
         "category": category, "subject": "Deux serveurs", "body": "Un message envoyé au premier serveur."},
        files={"attachment": ("ordonnance.pdf", PDF_BYTES, "application/pdf")},
    )  # fmt: skip
    assert sent.status_code == 302, sent.text[:1000]

    browser.base = second  # the next requests land on the other node, with the same cookies
    my_mail = browser.page("/mon-espace/mon-courrier/")
    assert my_mail.status_code == 200 and "Deux serveurs" in my_mail.text  # signed in there too
    link = re.search(r'href="(/mon-espace/mon-courrier/\d+/pieces/\d+/)"', my_mail.text)
    assert link, "the file sent to the first node is not listed on the second"
    download = browser.page(link[1])
    assert download.status_code == 200 and download.content == PDF_BYTES
    print(f"\nscale-out: signed in on {first}, message and file sent there, both served by {second}")
