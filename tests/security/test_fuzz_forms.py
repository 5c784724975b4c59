"""Hypothesis-driven input on every public form (and the citizen's main forms): unicode, very long strings, NUL
characters, HTML and JavaScript. Whatever is sent: no server error, and nothing sent comes back unescaped."""

import io
from html.parser import HTMLParser

from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accessibility.audit import pages
from portal.models import User


MARKER = "<script>alert('x')</script>"
HOSTILE = st.sampled_from(
    [
        MARKER,
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
        "\x00",
        "a\x00b",
        "' OR 1=1 --",
        "${7*7}{{7*7}}",
        "../../etc/passwd",
        "𝕏🙂‮ﷺ",
        "x" * 10_000,
        "",
        " ",
        "-1",
        "2026-02-30",
        "9" * 40,
    ]
)
VALUES = st.one_of(HOSTILE, st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=30))


class FormFields(HTMLParser):
    """The names of the fields of the page's forms that post (CSRF token and buttons apart)."""

    def __init__(self):
        super().__init__()
        self.in_post_form = False
        self.names = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "").lower() == "post"
        elif self.in_post_form and tag in {"input", "select", "textarea"} and attrs.get("name"):
            if attrs.get("type") not in {"hidden", "submit", "file"} and attrs["name"] != "csrfmiddlewaretoken":
                self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


# (role, URL name, URL arguments and query from the demo data, as the audit visits them)
FORMS = [
    (pages.ANONYMOUS, "account_signup"),
    (pages.ANONYMOUS, "account_login"),
    (pages.ANONYMOUS, "account_reset_password"),
    (pages.ANONYMOUS, "mailroom:write"),
    (pages.ANONYMOUS, "accessibility:report"),
    (pages.ANONYMOUS, "accessibility:display"),
    (pages.ANONYMOUS, "appointments:book"),
    (pages.ANONYMOUS, "dashboards:survey"),
    ("citizen", "portal:profile"),
    ("citizen", "portal:relatives"),
    ("citizen", "teleprocedures:draft_page"),
]


def fuzz(client, path):
    page = client.get(path)
    assert page.status_code == 200, path
    parser = FormFields()
    parser.feed(page.content.decode())
    assert parser.names, f"no form fields found on {path}"
    fields = sorted(parser.names)

    @hypothesis_settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(st.fixed_dictionaries({field: VALUES for field in fields}))
    def post(data):
        with transaction.atomic():
            response = client.post(path, data)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{path} answered {response.status_code} to {data!r}"
        assert MARKER not in response.content.decode(errors="replace"), f"{path} sent back unescaped input"

    post()
    return len(fields)


def test_hostile_input_never_breaks_a_form_nor_comes_back_unescaped(db, settings, tmp_path):
    from urllib.parse import urlencode

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo_data", stdout=io.StringIO())
    fuzzed = 0
    for role, name in FORMS:
        client = Client(raise_request_exception=False)
        if role != pages.ANONYMOUS:
            client.force_login(User.objects.get(email=pages.ACCOUNTS[role]))
        _role, args, query = pages.VISITED[name]
        path = reverse(name, kwargs=args() if args else None)
        if query:
            path += "?" + urlencode(query())
        fuzzed += fuzz(client, path)
    print(f"\nfuzzed {len(FORMS)} forms, {fuzzed} fields, 25 examples each")
