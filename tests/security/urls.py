"""How to request every named URL on the demo data: the audit's page list (accessibility.audit.pages.VISITED) plus
the URLs it skips (downloads, form targets, API endpoints, links with a key), each with its arguments and method."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from accessibility.audit import pages
from accessibility.audit.pages import VISITED, _user
from portal.sitemap import named_patterns


def _dossier_with_answer_file():
    from teleprocedures.models import Attachment

    attachment = (
        Attachment.objects.filter(
            dossier__applicant=_user("citizen"), dossier__procedure__slug="transport-scolaire-adapte"
        )
        .exclude(dossier__state="draft")
        .order_by("pk")
        .first()
    )
    return attachment


def _citizen_file():
    attachment = _dossier_with_answer_file()
    return {"pk": attachment.dossier_id, "attachment_pk": attachment.pk}


def _export_job():
    from django.core.files.base import ContentFile

    from portal.models import ExportJob

    job = ExportJob.objects.filter(user=_user("instructor")).first()
    if job is None:
        job = ExportJob(user=_user("instructor"), kind="dossiers", format="csv", status=ExportJob.Status.DONE)
        job.file.save("export.csv", ContentFile(b"number\r\n"))
    return {"pk": job.pk}


def _my_mail_attachment():
    """A file of the demo citizen's own web message (attached here if the demo has none)."""
    from django.core.files.base import ContentFile

    from mailroom.models import MailAttachment
    from mailroom.services import items_of_citizen

    item = items_of_citizen(_user("citizen_mail")).order_by("pk").first()
    attachment = item.attachments.order_by("pk").first()
    if attachment is None:
        attachment = MailAttachment(item=item, original_name="photo.pdf", content_type="application/pdf", size=9)
        attachment.file.save("photo.pdf", ContentFile(b"%PDF-1.4\n"))
    return {"pk": item.pk, "attachment_pk": attachment.pk}


def _appointment_pk():
    return {"pk": pages._demo_appointment().pk}


def _survey_answer():
    from dashboards.models import SurveyResponse

    answer = SurveyResponse.objects.exclude(comment_status="none").order_by("pk").first()
    return {"pk": answer.pk}


def _dashboard_table():
    return {"key": "requests_by_procedure"}


def _api_dossier():
    from teleprocedures.models import Dossier

    return {"number": Dossier.objects.get(pk=pages._agent_dossier()["pk"]).number}


def _api_dossier_file():
    attachment = _dossier_with_answer_file()
    return {"number": attachment.dossier.number, "pk": attachment.pk}


def _api_motif():
    return {"pk": pages._public_motif().pk}


def _api_mail_item():
    from mailroom.models import MailItem

    return {"number": MailItem.objects.get(pk=pages._mail_item()["pk"]).number}


def _email_key():
    return {"key": "not-a-real-key"}


def _reset_key():
    return {"uidb36": "1", "key": "not-a-real-key"}


def _missing_key():
    return {"pk": 999999}


GET, POST = "GET", "POST"
# URL name → (URL arguments, query string, method) for the URLs the audit does not visit.
OTHERS = {
    "healthz": (None, None, GET),
    "portal:home_redirect": (None, None, GET),
    "portal:personal_data_download": (None, None, GET),
    "portal:export": (_export_job, None, GET),
    "portal:export_download": (_export_job, None, GET),
    "teleprocedures:start": (pages._procedure, None, POST),
    "teleprocedures:discard": (pages._draft_summary, None, POST),
    "teleprocedures:file": (_citizen_file, None, GET),
    "teleprocedures:agent_file": (_citizen_file, None, GET),
    "teleprocedures:export": (None, {"format": "csv"}, GET),
    "teleprocedures:bulk": (None, None, POST),
    "teleprocedures:agent_act": (pages._agent_dossier, None, POST),
    "appointments:cancel": (pages._manage_token, None, POST),
    "appointments:waitlist": (pages._manage_token, None, POST),
    "appointments:agent_status": (_appointment_pk, None, POST),
    "appointments:agent_convocation": (_appointment_pk, None, GET),
    "mailroom:my_attachment": (_my_mail_attachment, None, GET),
    "mailroom:attachment": (_my_mail_attachment, None, GET),
    "mailroom:sender_matches": (None, {"last_name": "Martin"}, GET),
    "mailroom:bulk": (None, None, POST),
    "mailroom:export": (None, {"format": "csv"}, GET),
    "dashboards:export": (_dashboard_table, {"format": "csv"}, GET),
    "dashboards:moderate": (_survey_answer, None, POST),
    "dashboards:open_data": (None, None, GET),
    "api:schema": (None, None, GET),
    "api:docs": (None, None, GET),
    "api:procedures": (None, None, GET),
    "api:procedure": (pages._procedure, None, GET),
    "api:dossiers": (None, None, GET),
    "api:dossier": (_api_dossier, None, GET),
    "api:dossier_messages": (_api_dossier, None, GET),
    "api:dossier_transition": (_api_dossier, None, POST),
    "api:dossier_file": (_api_dossier_file, None, GET),
    "api:motifs": (None, None, GET),
    "api:availability": (_api_motif, None, GET),
    "api:sites": (None, None, GET),
    "api:appointments": (None, None, GET),
    "api:appointment_cancel": (_appointment_pk, None, POST),
    "api:mail_items": (None, None, GET),
    "api:mail_item": (_api_mail_item, None, GET),
    "api:mail_item_status": (_api_mail_item, None, POST),
    "api:contacts": (None, None, GET),
    "api:indicators": (None, None, GET),
    "account_inactive": (None, None, GET),
    "account_reauthenticate": (None, None, GET),
    "account_set_password": (None, None, GET),
    "account_confirm_login_code": (None, None, GET),
    "account_request_reauthentication_code": (None, None, GET),
    "account_confirm_reauthentication_code": (None, None, GET),
    "account_confirm_email": (_email_key, None, GET),
    "account_reset_password_from_key_done": (None, None, GET),
    "account_reset_password_from_key": (_reset_key, None, GET),
    "mfa_authenticate": (None, None, GET),
    "mfa_reauthenticate": (None, None, GET),
    "mfa_activate_totp": (None, None, GET),
    "mfa_deactivate_totp": (None, None, GET),
    "mfa_view_recovery_codes": (None, None, GET),
    "mfa_generate_recovery_codes": (None, None, GET),
    "mfa_download_recovery_codes": (None, None, GET),
    "mfa_list_webauthn": (None, None, GET),
    "mfa_add_webauthn": (None, None, GET),
    "mfa_reauthenticate_webauthn": (None, None, GET),
    "mfa_remove_webauthn": (_missing_key, None, GET),
    "mfa_edit_webauthn": (_missing_key, None, GET),
    "socialaccount_login_cancelled": (None, None, GET),
    "socialaccount_login_error": (None, None, GET),
    "socialaccount_signup": (None, None, GET),
    "socialaccount_connections": (None, None, GET),
    "franceconnect_login": (None, None, POST),
    "franceconnect_callback": (None, {"code": "x", "state": "y"}, GET),
    "franceconnect_logout_return": (None, None, GET),
}


def requests_to_make():
    """(URL name, method, path) for every named URL; admin URLs that need an object are left to `admin_requests`."""
    found, unknown = [], []
    for name, _pattern in named_patterns():
        if name.startswith("admin:"):
            continue
        if name in VISITED:
            _role, args, query = VISITED[name]
            method = GET
        elif name in OTHERS:
            args, query, method = OTHERS[name]
        else:
            unknown.append(name)
            continue
        path = reverse(name, kwargs=args() if args else None)
        if query:
            path += "?" + urlencode(query() if callable(query) else query)
        found.append((name, method, path))
    return found, unknown


def admin_requests():
    """(URL name, GET, path) for the admin's URLs that take no object (index, lists, add forms, app pages)."""
    from django.contrib import admin

    found = []
    for name, _pattern in named_patterns():
        if not name.startswith("admin:"):
            continue
        try:
            found.append((name, GET, reverse(name)))
        except NoReverseMatch:
            if name == "admin:app_list":
                for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
                    found.append((f"{name}[{app_label}]", GET, reverse(name, kwargs={"app_label": app_label})))
    return found
