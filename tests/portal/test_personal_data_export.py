"""The personal data export holds everything the platform keeps about a person, checked against the models: a new
link to a person, or a new field of the account, that the export does not cover makes these tests fail."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.utils import timezone

from appointments.models import Appointment, Invitation
from mailroom import services as mailroom
from mailroom.enums import Channel
from mailroom.models import Contact
from portal import services
from portal.models import Membership, OutboxMessage, Relative, User
from tests.appointments.fixtures import at
from tests.factories import ServiceFactory, UserFactory
from tests.teleprocedures.fixtures import make_dossier


# Each link from a model to a person → where the export shows it (section, key inside the section or None).
EXPORTED = {
    "account.EmailAddress.user": ("account", "email_addresses"),
    "mfa.Authenticator.user": ("account", "second_factors"),
    "socialaccount.SocialAccount.user": ("account", "connected_accounts"),
    "portal.Relative.user": ("account", "relatives"),
    "portal.Membership.user": ("account", "memberships"),
    "portal.OutboxMessage.user": ("notifications", None),
    "portal.AuditEvent.actor": ("activity", None),
    "teleprocedures.Dossier.applicant": ("dossiers", None),
    "teleprocedures.Message.author": ("dossiers", None),  # messages of the person's requests
    "teleprocedures.Attachment.uploaded_by": ("dossiers", None),  # files of the person's requests
    "teleprocedures.StatusChange.actor": ("dossiers", None),  # their history
    "appointments.Appointment.user": ("appointments", None),
    "appointments.Appointment.booked_by": ("appointments", None),
    "mailroom.Contact.user": ("mail_contacts", None),
}
# Links that record an agent's (or an administrator's) work on other people's files, not data about them.
AGENTS_WORK = {
    "admin.LogEntry.user": "an administrator's change in the admin",
    "portal.ExportJob.user": "an agent's export of a queue",
    "teleprocedures.Dossier.filed_by": "the agent who filed a request for someone",
    "teleprocedures.Dossier.assignee": "the agent in charge of a request",
    "teleprocedures.Dossier.followers": "agents following a request",
    "teleprocedures.Annotation.author": "an agent's internal note",
    "teleprocedures.InfoRequest.requested_by": "the agent asking for documents",
    "teleprocedures.Decision.decided_by": "the agent deciding",
    "appointments.OpeningSchedule.agent": "an agent's opening hours",
    "appointments.Absence.agent": "an agent's absence",
    "appointments.CollectiveSession.agent": "the agent leading a session",
    "appointments.Appointment.agent": "the agent receiving",
    "appointments.Invitation.created_by": "the agent inviting",
    "mailroom.MailItem.assignee": "the agent in charge of a letter",
    "mailroom.MailItem.created_by": "the agent registering a letter",
    "mailroom.MailActivity.actor": "an agent's action on a letter",
    "api.ApiToken.account": "a service account of the API",
    "api.ApiToken.created_by": "the administrator who made the token",
}
# Fields of the account that are not data about the person (or never shown, as the password's hash).
ACCOUNT_FIELDS_NOT_EXPORTED = {"id", "password", "is_superuser", "is_staff", "is_active", "deletion_requested_at"}
ACCOUNT_KEYS = {"identity_certified_at": "identity_certified_by_franceconnect_on"}


def links_to_people():
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is User and field.concrete and not field.auto_created
    }


def test_every_link_to_a_person_is_exported_or_is_an_agents_work():
    undeclared = links_to_people() - set(EXPORTED) - set(AGENTS_WORK)
    assert not undeclared, f"Export these to the person or declare them as agents' work: {sorted(undeclared)}"
    assert not (set(EXPORTED) | set(AGENTS_WORK)) - links_to_people(), "a declared link no longer exists"


@pytest.mark.django_db
def test_every_field_of_the_account_is_exported():
    exported = services.export_personal_data(user=UserFactory())["account"]
    missing = [
        field.name
        for field in User._meta.concrete_fields
        if field.name not in ACCOUNT_FIELDS_NOT_EXPORTED and ACCOUNT_KEYS.get(field.name, field.name) not in exported
    ]
    assert not missing, f"Add these account fields to the export (portal.services._account_data): {missing}"


def test_the_export_shows_each_kind_of_data_of_the_person(procedures, motif, nurse, cdas):
    person = UserFactory(birth_date=timezone.localdate() - timedelta(days=12_000))
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "never-exported"})
    SocialAccount.objects.create(user=person, provider="franceconnect", uid="sub-1", extra_data={})
    Relative.objects.create(user=person, first_name="Adam", last_name="Benali")
    Membership.objects.create(user=person, role="instructor", service=ServiceFactory())
    OutboxMessage.objects.create(channel="email", recipient=person.email, subject="Sujet", body_text="Texte",
                                 user=person)  # fmt: skip
    services.log_event(actor=person, action="profile.update", obj=person)
    make_dossier(procedures["transport-scolaire-adapte"], person)
    today = timezone.localdate()
    Appointment.objects.create(motif=motif, site=cdas, agent=nurse, user=person, starts_at=at(today, 9),
                               ends_at=at(today, 9, 30), first_name="Adam", last_name="Benali")  # fmt: skip
    Invitation.objects.create(motif=motif, token="t" * 32, first_name="A", last_name="B", email=person.email.upper(),
                              expires_at=timezone.now() + timedelta(days=10))  # fmt: skip
    contact = Contact.objects.create(user=person, last_name="Benali", phone="+33612345678")
    mailroom.register(contact=contact, subject="Question", channel=Channel.WEB, acknowledge=False)

    export = services.export_personal_data(user=person)

    for link, (section, key) in EXPORTED.items():
        shown = export[section] if key is None else export[section][key]
        assert shown, f"{link}: nothing in the export's {section}{'.' + key if key else ''}"
    assert export["invitations"] and export["mail"] and export["account"]["birth_date"]
    assert "never-exported" not in str(export)  # a second factor's secret stays secret
