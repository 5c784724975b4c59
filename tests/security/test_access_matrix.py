"""The access-control matrix: every named URL of the configuration (pages, downloads, form targets, API endpoints,
allauth's views, the admin's) requested as each kind of person, on the demo data; the expected answer is declared
once per URL below, and a URL that is not declared makes the test fail (so a new view must be classified).

Roles, in this order: anonymous, citizen A (parent@: owns the dossiers, draft and appointment used), citizen B
(usager@: owns the web message used), agent of the adapted transport service (instructeur@), agent of the PMI/RSA
services (secretaire@), agent of the mail service (accueil@), manager of transport and PMI (manager@), administrator.

Answers: 200; L = sent to the sign-in page; A = sent to the admin's sign-in; R = sent elsewhere (a confirmation, the
page the form belongs to); 401, 403, 404 (as if the object did not exist: nothing about another person's objects
leaks), 405, 415 (an API write without JSON).
"""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accessibility.audit.pages import ACCOUNTS, ANONYMOUS
from portal.models import User
from tests.security.urls import admin_requests, requests_to_make


ROLES = (ANONYMOUS, "citizen", "citizen_mail", "instructor", "secretary", "reception", "manager", "administrator")
assert set(ROLES) == {ANONYMOUS, *ACCOUNTS}

PUBLIC = "200 200 200 200 200 200 200 200"
SIGNED_IN = "L 200 200 200 200 200 200 200"
AGENTS = "L 403 403 200 200 200 200 200"  # lists and forms of the agent space, scoped to each agent's services
OF_CITIZEN_A = "L 200 404 404 404 404 404 404"  # a citizen's own object: the same 404 for everyone else
MANAGERS = "L 403 403 403 403 403 200 200"
ADMIN_ONLY = "A A A A A A A 200"
API_LIST = "401 403 403 200 200 200 200 200"  # each agent sees their services' items

EXPECTED = {
    # Public pages and links with a key
    "healthz": PUBLIC,
    "portal:home": PUBLIC,
    "portal:legal_notice": PUBLIC,
    "portal:privacy": PUBLIC,
    "portal:cookies": PUBLIC,
    "portal:contact": PUBLIC,
    "portal:site_map": PUBLIC,
    "teleprocedures:catalogue": PUBLIC,
    "teleprocedures:procedure": PUBLIC,
    "appointments:start": PUBLIC,
    "appointments:search": PUBLIC,
    "appointments:book": PUBLIC,
    "appointments:manage": PUBLIC,  # the signed link of the booking is the key
    "appointments:move": PUBLIC,
    "appointments:cancel": "R R R R R R R R",
    "appointments:waitlist": "R R R R R R R R",
    "appointments:invitation": "R R R R R R R R",  # on to the booking of the invitation's motif
    "mailroom:write": PUBLIC,
    "dashboards:public": PUBLIC,
    "dashboards:open_data": PUBLIC,
    "dashboards:survey": PUBLIC,  # signed link, one answer per event
    "accessibility:statement": PUBLIC,
    "accessibility:plan": PUBLIC,
    "accessibility:report": PUBLIC,
    "accessibility:display": PUBLIC,
    "accessibility:ecodesign": PUBLIC,
    # Citizen space
    "portal:home_redirect": "L R R R R R R R",
    "portal:my_space": SIGNED_IN,
    "portal:profile": SIGNED_IN,
    "portal:relatives": SIGNED_IN,
    "portal:personal_data": SIGNED_IN,
    "portal:personal_data_download": SIGNED_IN,  # each person's own data only (tests/portal)
    "portal:account_deletion": SIGNED_IN,
    "teleprocedures:start": "L R R R R R R R",
    "teleprocedures:dossier_list": SIGNED_IN,
    "teleprocedures:dossier": OF_CITIZEN_A,
    "teleprocedures:draft_page": OF_CITIZEN_A,
    "teleprocedures:draft_summary": OF_CITIZEN_A,
    "teleprocedures:discard": "L R 404 404 404 404 404 404",
    "teleprocedures:file": OF_CITIZEN_A,
    "mailroom:my_mail": SIGNED_IN,
    "mailroom:my_attachment": "L 404 200 404 404 404 404 404",
    # Agent space
    "portal:agent_home": AGENTS,
    "portal:export": "L 403 403 200 404 404 404 404",  # the agent's own export
    "portal:export_download": "L 403 403 200 404 404 404 404",
    "teleprocedures:queue": AGENTS,
    "teleprocedures:export": AGENTS,
    "teleprocedures:bulk": "L 403 403 R R R R R",
    "teleprocedures:assisted_start": AGENTS,
    "teleprocedures:agent_dossier": "L 403 403 200 404 404 200 200",
    "teleprocedures:agent_act": "L 403 403 R 404 404 R R",
    "teleprocedures:agent_request_info": "L 403 403 200 404 404 200 200",
    "teleprocedures:agent_decide": "L 403 403 200 404 404 200 200",
    "teleprocedures:agent_file": "L 403 403 200 404 404 200 200",
    "teleprocedures:preview": "L 403 403 403 403 403 403 200",
    "appointments:agent_day": AGENTS,
    "appointments:agent_week": AGENTS,
    "appointments:agent_sessions": AGENTS,
    "appointments:agent_session": "L 403 403 404 200 404 200 200",
    "appointments:agent_book": AGENTS,
    "appointments:agent_book_confirm": "L 403 403 404 200 404 200 200",
    "appointments:agent_invitations": AGENTS,
    "appointments:agent_status": "L 403 403 404 R 404 R R",
    "appointments:agent_convocation": "L 403 403 404 200 404 200 200",
    "mailroom:queue": AGENTS,
    "mailroom:register": AGENTS,
    "mailroom:sender_matches": AGENTS,
    "mailroom:bulk": "L 403 403 R R R R R",
    "mailroom:export": AGENTS,
    "mailroom:item": "L 403 403 200 404 200 200 200",  # the demo letter is routed to adapted transport
    "mailroom:reply": "L 403 403 200 404 200 200 200",
    "mailroom:contact": "L 403 403 200 404 200 200 200",
    "mailroom:attachment": "L 403 403 200 404 200 200 200",
    "dashboards:dashboard": MANAGERS,
    "dashboards:export": MANAGERS,
    "dashboards:comments": MANAGERS,
    "dashboards:moderate": "L 403 403 403 403 403 R R",
    # Open API (session of an agent here; tokens in tests/api)
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:procedures": API_LIST,
    "api:procedure": "401 403 403 200 404 404 200 200",
    "api:dossiers": API_LIST,
    "api:dossier": "401 403 403 200 404 404 200 200",
    "api:dossier_messages": "401 403 403 200 404 404 200 200",
    "api:dossier_transition": "401 403 403 415 404 404 415 415",
    "api:dossier_file": "401 403 403 200 404 404 200 200",
    "api:motifs": API_LIST,
    "api:availability": "401 403 403 404 200 404 200 200",
    "api:sites": API_LIST,
    "api:appointments": API_LIST,
    "api:appointment_cancel": "401 403 403 404 415 404 415 415",
    "api:mail_items": API_LIST,
    "api:mail_item": "401 403 403 200 404 200 200 200",
    "api:mail_item_status": "401 403 403 415 404 415 415 415",
    "api:contacts": API_LIST,
    "api:indicators": "401 403 403 403 403 403 200 200",
    # Accounts (django-allauth)
    "account_login": "200 R R R R R R R",
    "account_signup": "200 R R R R R R R",
    "account_logout": "R 200 200 200 200 200 200 200",
    "account_inactive": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": "L R R R R R R R",
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_confirm_login_code": "L R R R R R R R",
    "account_request_reauthentication_code": SIGNED_IN,  # a code by email, for accounts made without password
    "account_confirm_reauthentication_code": "L R R R R R R R",
    "account_confirm_email": PUBLIC,  # with a wrong key: "this link is invalid"
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "mfa_index": SIGNED_IN,
    "mfa_authenticate": "L R R R R R R R",
    "mfa_reauthenticate": "L R R 200 200 200 200 200",  # only who has a second factor
    "mfa_activate_totp": "L R R R R R R R",
    "mfa_deactivate_totp": "L 404 404 R R R R R",
    "mfa_view_recovery_codes": "L 404 404 404 404 404 404 404",
    "mfa_generate_recovery_codes": "L R R R R R R R",
    "mfa_download_recovery_codes": "L 404 404 404 404 404 404 404",
    "mfa_list_webauthn": SIGNED_IN,
    "mfa_add_webauthn": "L R R R R R R R",
    "mfa_reauthenticate_webauthn": "L R R R R R R R",
    "mfa_remove_webauthn": "L R R R R R R R",
    "mfa_edit_webauthn": "L R R R R R R R",
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": "401 401 401 401 401 401 401 401",
    "socialaccount_signup": "L L L L L L L L",  # nothing to finish without a FranceConnect sign-in under way
    "socialaccount_connections": SIGNED_IN,
    "franceconnect_login": "404 404 404 404 404 404 404 404",  # FranceConnect not configured here
    "franceconnect_callback": "404 404 404 404 404 404 404 404",
    "franceconnect_logout_return": "R R R R R R R R",
    # Django's admin: every page for administrators only; its own sign-in goes to the platform's (second factor)
    "admin:login": "L L L L L L L L",
    "admin:logout": "R R R R R R R 405",
    "admin:autocomplete": "A A A A A A A 403",  # only from an admin form's fields
    "admin:django_rq_home_json": "401 401 401 401 401 401 401 200",
    "admin:django_rq_stats_json": "401 401 401 401 401 401 401 200",
    # Records written by the platform itself (and the single accessibility statement): no "add" page in the admin.
    **dict.fromkeys(
        [
            "admin:teleprocedures_dossier_add",
            "admin:portal_outboxmessage_add",
            "admin:portal_auditevent_add",
            "admin:mailroom_mailitem_add",
            "admin:django_rq_dashboard_add",
            "admin:dashboards_surveyresponse_add",
            "admin:dashboards_slotdelay_add",
            "admin:accessibility_statement_add",
        ],
        "A A A A A A A 403",
    ),
}
ADMIN_DEFAULT = ADMIN_ONLY


def answer(response):
    if response.status_code not in (301, 302):
        return str(response.status_code)
    path = urlsplit(response["Location"]).path
    if path.endswith(reverse("account_login")):
        return "L"
    if path.startswith(reverse("admin:login")):
        return "A"
    return "R"


def missing_headers(response):
    """What a response lacks of the headers every answer carries (pages, files, JSON, redirections alike)."""
    policy = response.get("Content-Security-Policy", "")
    checks = {
        "a Content-Security-Policy without 'unsafe-inline'": policy and "'unsafe-inline'" not in policy,
        "frame-ancestors 'none'": "frame-ancestors 'none'" in policy,
        "X-Content-Type-Options: nosniff": response.get("X-Content-Type-Options") == "nosniff",
        "a Referrer-Policy": bool(response.get("Referrer-Policy")),
        "X-Frame-Options: DENY": response.get("X-Frame-Options") == "DENY",
    }
    return [name for name, ok in checks.items() if not ok]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo_data", stdout=io.StringIO())


def test_every_url_answers_each_role_as_declared(demo):
    found, unknown = requests_to_make()
    requests = found + admin_requests()
    undeclared = sorted({name for name, _m, _p in found if name not in EXPECTED} | set(unknown))
    assert not undeclared, f"Declare the expected answers of these URLs in {__name__}: {undeclared}"
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if role != ANONYMOUS:
            clients[role].force_login(User.objects.get(email=ACCOUNTS[role]))

    unexpected = []
    for name, method, path in requests:
        expected = EXPECTED.get(name.split("[")[0]) or ADMIN_DEFAULT
        got = []
        for role in ROLES:
            with transaction.atomic():  # nothing a request changes is kept for the next role
                response = getattr(clients[role], method.lower())(path)
                transaction.set_rollback(True)
            got.append(answer(response))
            missing = missing_headers(response)
            assert not missing, f"{method} {path} as {role}: {missing}"
        if " ".join(got) != expected:
            unexpected.append(f"{name} ({method} {path}): expected {expected}, got {' '.join(got)}")
    print(f"\naccess matrix: {len(requests)} URLs x {len(ROLES)} roles = {len(requests) * len(ROLES)} requests")
    assert not unexpected, "\n".join(unexpected)
