"""The pages the automated audit visits: every named URL of the configuration, classified once here.

A page is either visited (with the demo account that may see it and URL arguments read from the demo data) or
skipped with the reason (a file download, a form target without a page of its own, a link sent by email). A URL
the configuration gains without being classified here makes `unclassified()` non-empty, and a test fails.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from portal.sitemap import named_patterns


ANONYMOUS = "anonymous"
# Demo accounts (manage.py load_demo_data) by role.
ACCOUNTS = {
    "citizen": "parent@demo.ille-et-vilaine.example",
    "citizen_mail": "usager@demo.ille-et-vilaine.example",
    "instructor": "instructeur@demo.ille-et-vilaine.example",
    "secretary": "secretaire@demo.ille-et-vilaine.example",
    "reception": "accueil@demo.ille-et-vilaine.example",
    "manager": "manager@demo.ille-et-vilaine.example",
    "administrator": "admin@demo.ille-et-vilaine.example",
}
CITIZEN_ROLES = {ANONYMOUS, "citizen", "citizen_mail"}
# The agent space may stay in French only (said in the accessibility statement); its pages are still audited.


@dataclass(frozen=True)
class AuditPage:
    name: str
    path: str  # without the language prefix
    role: str

    @property
    def citizen_facing(self):
        return self.role in CITIZEN_ROLES

    def localised(self, language):
        return self.path if language == "fr" else f"/{language}{self.path}"


# --- URL arguments read from the demo data --------------------------------------------------------------------


def _user(role):
    from portal.models import User

    return User.objects.get(email=ACCOUNTS[role])


def _procedure():
    return {"slug": "transport-scolaire-adapte"}


def _version():
    from teleprocedures.models import Procedure

    return {"version_pk": Procedure.objects.get(slug="transport-scolaire-adapte").published_version().pk}


def _citizen_dossier():
    from teleprocedures.models import Dossier

    dossier = Dossier.objects.filter(applicant=_user("citizen")).exclude(state="draft").order_by("pk").first()
    return {"pk": dossier.pk}


def _draft():
    """The demo citizen's draft of the roads permit (started once; a draft is what these pages show)."""
    from teleprocedures.models import Procedure
    from teleprocedures.services import start_draft

    draft, _created = start_draft(
        procedure=Procedure.objects.get(slug="permission-voirie"), applicant=_user("citizen")
    )
    return draft


def _draft_page():
    draft = _draft()
    return {"pk": draft.pk, "page_id": draft.definition["pages"][0]["id"]}


def _draft_summary():
    return {"pk": _draft().pk}


def _agent_dossier():
    from teleprocedures.models import Dossier

    return {"pk": Dossier.objects.filter(procedure__slug="transport-scolaire-adapte", state="submitted").first().pk}


def _decision():
    return {**_agent_dossier(), "transition": "accept"}


def _public_motif():
    from appointments.models import Motif

    return Motif.objects.public().filter(is_collective=False).order_by("pk").first()


def _motif():
    return {"motif_pk": _public_motif().pk}


def _free_slot_query():
    from appointments.slots import next_available

    slot = next_available(motif=_public_motif())
    return {"debut": slot.starts_at.isoformat(), "site": slot.site_id}


def _demo_appointment():
    from appointments.models import Appointment

    return Appointment.objects.filter(user=_user("citizen"), status="booked").order_by("starts_at").first()


def _manage_token():
    from appointments.services import manage_token

    return {"token": manage_token(_demo_appointment())}


def _invitation_token():
    from appointments.models import Invitation

    return {"token": Invitation.objects.filter(appointment__isnull=True).order_by("pk").first().token}


def _session():
    from appointments.models import CollectiveSession

    return {"pk": CollectiveSession.objects.order_by("-starts_at").first().pk}


def _agent_book_query():
    slot = _free_slot_query()
    from appointments.slots import next_available

    found = next_available(motif=_public_motif())
    return {"motif": _public_motif().pk, "site": slot["site"], "agent": found.agent_id, "debut": slot["debut"]}


def _mail_item():
    from mailroom.models import MailItem

    return {"pk": MailItem.objects.filter(direction="incoming").order_by("pk").first().pk}


def _contact():
    from mailroom.models import Contact

    return {"pk": Contact.objects.order_by("pk").first().pk}


def _survey_token():
    from dashboards.enums import Journey
    from dashboards.survey import survey_token
    from teleprocedures.models import Dossier

    decided = Dossier.objects.filter(state="accepted").order_by("pk").first()
    return {"token": survey_token(Journey.DECIDED, decided)}


# URL name → (role, URL arguments, query string), each a function of the demo data (or None).
VISITED = {
    "portal:home": (ANONYMOUS, None, None),
    "portal:legal_notice": (ANONYMOUS, None, None),
    "portal:privacy": (ANONYMOUS, None, None),
    "portal:cookies": (ANONYMOUS, None, None),
    "portal:contact": (ANONYMOUS, None, None),
    "portal:site_map": (ANONYMOUS, None, None),
    "account_login": (ANONYMOUS, None, None),
    "account_signup": (ANONYMOUS, None, None),
    "account_reset_password": (ANONYMOUS, None, None),
    "account_reset_password_done": (ANONYMOUS, None, None),
    "account_email_verification_sent": (ANONYMOUS, None, None),
    "teleprocedures:catalogue": (ANONYMOUS, None, None),
    "teleprocedures:procedure": (ANONYMOUS, _procedure, None),
    "appointments:start": (ANONYMOUS, None, None),
    "appointments:search": (ANONYMOUS, _motif, None),
    "appointments:book": (ANONYMOUS, _motif, _free_slot_query),
    "appointments:manage": (ANONYMOUS, _manage_token, None),
    "appointments:move": (ANONYMOUS, _manage_token, _free_slot_query),
    "appointments:invitation": (ANONYMOUS, _invitation_token, None),
    "mailroom:write": (ANONYMOUS, None, None),
    "dashboards:public": (ANONYMOUS, None, None),
    "dashboards:survey": (ANONYMOUS, _survey_token, None),
    "accessibility:statement": (ANONYMOUS, None, None),
    "accessibility:plan": (ANONYMOUS, None, None),
    "accessibility:report": (ANONYMOUS, None, None),
    "accessibility:display": (ANONYMOUS, None, None),
    "accessibility:ecodesign": (ANONYMOUS, None, None),
    "portal:my_space": ("citizen", None, None),
    "portal:profile": ("citizen", None, None),
    "portal:relatives": ("citizen", None, None),
    "portal:personal_data": ("citizen", None, None),
    "portal:account_deletion": ("citizen", None, None),
    "account_email": ("citizen", None, None),
    "account_change_password": ("citizen", None, None),
    "account_logout": ("citizen", None, None),
    "mfa_index": ("citizen", None, None),
    "teleprocedures:dossier_list": ("citizen", None, None),
    "teleprocedures:dossier": ("citizen", _citizen_dossier, None),
    "teleprocedures:draft_page": ("citizen", _draft_page, None),
    "teleprocedures:draft_summary": ("citizen", _draft_summary, None),
    "mailroom:my_mail": ("citizen_mail", None, None),
    "portal:agent_home": ("instructor", None, None),
    "teleprocedures:queue": ("instructor", None, None),
    "teleprocedures:assisted_start": ("instructor", None, None),
    "teleprocedures:agent_dossier": ("instructor", _agent_dossier, None),
    "teleprocedures:agent_request_info": ("instructor", _agent_dossier, None),
    "teleprocedures:agent_decide": ("instructor", _decision, None),
    "teleprocedures:preview": ("administrator", _version, None),
    "appointments:agent_day": ("secretary", None, None),
    "appointments:agent_week": ("secretary", None, None),
    "appointments:agent_sessions": ("secretary", None, None),
    "appointments:agent_session": ("secretary", _session, None),
    "appointments:agent_book": ("secretary", None, None),
    "appointments:agent_book_confirm": ("secretary", None, _agent_book_query),
    "appointments:agent_invitations": ("secretary", None, None),
    "mailroom:queue": ("reception", None, None),
    "mailroom:register": ("reception", None, None),
    "mailroom:item": ("reception", _mail_item, None),
    "mailroom:reply": ("reception", _mail_item, None),
    "mailroom:contact": ("reception", _contact, None),
    "dashboards:dashboard": ("manager", None, None),
    "dashboards:comments": ("manager", None, None),
}

DOWNLOAD = "a file download, not a page"
POST_ONLY = "the target of a form (POST only), not a page"
EMAILED = "opened from a link with a key sent by email; its page is tested in the app's tests"
SKIPPED = {
    "healthz": "a JSON status for the monitoring",
    "portal:home_redirect": "a redirection after sign-in",
    "portal:personal_data_download": DOWNLOAD,
    "portal:export": "the progress of an export started by an agent; covered by tests/portal",
    "portal:export_download": DOWNLOAD,
    "teleprocedures:start": POST_ONLY,
    "teleprocedures:discard": POST_ONLY,
    "teleprocedures:file": DOWNLOAD,
    "teleprocedures:agent_file": DOWNLOAD,
    "teleprocedures:export": DOWNLOAD,
    "teleprocedures:bulk": POST_ONLY,
    "teleprocedures:agent_act": POST_ONLY,
    "appointments:cancel": POST_ONLY,
    "appointments:waitlist": POST_ONLY,
    "appointments:agent_status": POST_ONLY,
    "appointments:agent_convocation": DOWNLOAD,
    "mailroom:my_attachment": DOWNLOAD,
    "mailroom:attachment": DOWNLOAD,
    "mailroom:export": DOWNLOAD,
    "mailroom:bulk": POST_ONLY,
    "mailroom:sender_matches": "a fragment loaded into the registration form",
    "dashboards:export": DOWNLOAD,
    "dashboards:open_data": DOWNLOAD,
    "dashboards:moderate": POST_ONLY,
}
# django-allauth's pages that the platform does not use or that need a key sent by email; Django's admin (an IT
# tool, outside the citizen and agent spaces) is not audited either.
SKIPPED_PREFIXES = {
    "admin:": "Django's administration, an IT tool (said in the accessibility statement)",
    "api:": "the open API (JSON) and its documentation for developers, tested in tests/api",
    "account_": EMAILED,
    "mfa_": "a step of the second factor set-up or sign-in, reached from the pages audited",
    "socialaccount_": "an external sign-in step",
    "franceconnect_": "a redirection of the sign-in through FranceConnect, tested in tests/portal",
    "usersessions_": "not enabled",
}


def skip_reason(name):
    if name in SKIPPED:
        return SKIPPED[name]
    if name in VISITED:
        return None
    return next((reason for prefix, reason in SKIPPED_PREFIXES.items() if name.startswith(prefix)), None)


def unclassified():
    """URL names neither visited nor skipped with a reason (a new view must be classified here)."""
    return sorted({name for name, _pattern in named_patterns() if name not in VISITED and skip_reason(name) is None})


def audit_pages(only=None):
    """The pages to visit, in URL configuration order, with their arguments read from the demo data.

    `only`: URL names or paths to keep; an unknown one raises ValueError with the list of known names.
    """
    if only:
        unknown = {item for item in only if not item.startswith("/") and item not in VISITED}
        if unknown:
            raise ValueError(", ".join(sorted(unknown)))
    names = list(dict.fromkeys(name for name, _pattern in named_patterns() if name in VISITED))
    pages = []
    for name in names:
        role, arguments, query = VISITED[name]
        path = reverse(name, kwargs=arguments() if arguments else None)
        if query:
            path += "?" + urlencode(query())
        pages.append(AuditPage(name, path, role))
    if only:
        wanted = set(only)
        unknown = wanted - {page.name for page in pages} - {page.path for page in pages}
        if unknown:
            raise ValueError(", ".join(sorted(unknown)))
        pages = [page for page in pages if page.name in wanted or page.path in wanted]
    return pages
