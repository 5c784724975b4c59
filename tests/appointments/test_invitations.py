from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appointments import invitations
from appointments.enums import BookedVia
from appointments.models import Appointment, Invitation
from portal.enums import Role
from portal.models import OutboxMessage
from tests.appointments.fixtures import schedule
from tests.factories import CommuneFactory, agent


pytestmark = pytest.mark.django_db

CSV = """reference;last_name;first_name;email;phone;address_line;commune
A123;Benali;Yasmine;yasmine@example.org;06 12 34 56 78;3 rue de Brest;Vitré
A124;;Karim;karim@example.org;;;
A125;Morel;Jeanne;;;;
A126;Le Gall;Erwan;pas-un-email;;;
A127;Ricou;Paul;;07 00 00 00 00;;Nulle-Part
A128;Tanguy;Anne;anne@example.org;;;
"""


@pytest.fixture
def rsa(motif, nurse, cdas):
    motif.bookable_by = "invited"
    motif.save()
    schedule(nurse, cdas, motif, weekdays=range(7))
    CommuneFactory(insee_code="35360", name="Vitré", site=cdas)
    return motif


@pytest.fixture
def referent(pmi, cdas):
    return agent(role=Role.SECRETARY, service=pmi, site=cdas)


def test_csv_import_invites_good_rows_and_reports_bad_ones(client, rsa, referent):
    client.force_login(referent)
    response = client.post(reverse("appointments:agent_invitations"), {
        "csv-motif": rsa.pk, "csv-file": SimpleUploadedFile("beneficiaires.csv", CSV.encode("utf-8"))})  # fmt: skip
    html = response.content.decode()
    assert Invitation.objects.count() == 2
    assert "2 personnes invitées" in html
    for line in (
        '<th scope="row">3</th>',
        '<th scope="row">4</th>',
        '<th scope="row">5</th>',
        '<th scope="row">6</th>',
    ):
        assert line in html
    assert "adresse électronique ou un numéro de téléphone" in html and "n’est pas valide" in html
    invited = Invitation.objects.get(reference="A123")
    assert invited.phone == "+33612345678" and invited.commune.name == "Vitré"
    assert invited.expires_at.date() == (timezone.now() + timedelta(days=10)).date()
    channels = set(OutboxMessage.objects.filter(recipient__in=["yasmine@example.org", "+33612345678"])
                   .values_list("channel", flat=True))  # fmt: skip
    assert channels == {"email", "sms"}


def test_a_file_without_the_columns_is_refused_with_a_message(client, rsa, referent):
    client.force_login(referent)
    html = client.post(reverse("appointments:agent_invitations"), {
        "csv-motif": rsa.pk, "csv-file": SimpleUploadedFile("x.csv", b"a;b\n1;2\n")}).content.decode()  # fmt: skip
    assert "ligne d’en-tête" in html and not Invitation.objects.exists()


def test_the_invitation_link_opens_the_sector_and_books_once(client, rsa, referent, cdas):
    person = invitations.clean_person({"last_name": "Benali", "first_name": "Yasmine", "email": "y@example.org",
                                       "commune": "Vitré"})  # fmt: skip
    invitation = invitations.invite(motif=rsa, person=person, actor=referent)
    response = client.get(reverse("appointments:invitation", args=[invitation.token]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "vous êtes invité(e) à prendre ce rendez-vous" in page
    link = next(part.split('"')[0] for part in page.split('href="')[1:] if "/reserver/?" in part).replace("&amp;", "&")
    assert f"invitation={invitation.token}" in link
    form = client.get(link).content.decode()
    assert 'value="Yasmine"' in form
    client.post(link, {"first_name": "Yasmine", "last_name": "Benali", "email": "y@example.org",
                       "invitation": invitation.token})  # fmt: skip
    appointment = Appointment.objects.get()
    invitation.refresh_from_db()
    assert invitation.appointment == appointment and appointment.booked_via == BookedVia.INVITATION
    assert invitation.step == "booked"
    # The link cannot be used twice, nor be guessed, nor work after its expiry.
    assert client.get(reverse("appointments:invitation", args=[invitation.token])).status_code == 410
    assert client.get(reverse("appointments:invitation", args=["forged-token"])).status_code == 410


def test_invited_only_motifs_need_a_valid_invitation(client, rsa):
    assert client.get(reverse("appointments:search", args=[rsa.pk])).status_code == 404
    assert client.get(reverse("appointments:search", args=[rsa.pk]), {"invitation": "nope"}).status_code == 404


def test_expired_links_say_so(client, rsa, referent):
    person = invitations.clean_person({"last_name": "B", "first_name": "A", "email": "a@example.org"})
    invitation = invitations.invite(motif=rsa, person=person, actor=referent)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("appointments:invitation", args=[invitation.token]))
    assert response.status_code == 410 and "ne peut plus être utilisé" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.step == "expired"


def test_a_reminder_goes_once_after_three_days(rsa, referent):
    person = invitations.clean_person({"last_name": "B", "first_name": "A", "email": "a@example.org"})
    invitation = invitations.invite(motif=rsa, person=person, actor=referent)
    assert invitations.send_reminders() == 0
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(days=3, minutes=1))
    assert invitations.send_reminders() == 1
    assert invitations.send_reminders() == 0
    invitation.refresh_from_db()
    assert invitation.step == "reminded"
    assert OutboxMessage.objects.filter(template="appointments/email/invitation_reminder").count() == 1


def test_the_funnel_counts_each_step_in_one_query(rsa, referent, nurse, cdas, django_assert_num_queries):
    people = [{"last_name": f"P{n}", "first_name": "A", "email": f"p{n}@example.org"} for n in range(9)]
    made = invitations.invite_all(motif=rsa, people=[invitations.clean_person(p) for p in people], actor=referent)
    now = timezone.now()
    Invitation.objects.filter(pk=made[1].pk).update(reminded_at=now)
    Invitation.objects.filter(pk__in=[made[2].pk, made[3].pk]).update(expires_at=now - timedelta(days=1))
    statuses = ["booked", "arrived", "seen", "no_show", "cancelled"]
    for hour, (invitation, status) in enumerate(zip(made[4:], statuses, strict=True)):
        starts_at = now + timedelta(hours=hour)
        invitation.appointment = Appointment.objects.create(
            motif=rsa, site=cdas, agent=nurse, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30),
            status=status,
            first_name="A", last_name=invitation.last_name, booked_via=BookedVia.INVITATION,
        )  # fmt: skip
        invitation.save(update_fields=["appointment"])
    with django_assert_num_queries(1):
        funnel = Invitation.objects.funnel()
    assert funnel == {"invited": 1, "reminded": 1, "expired": 2, "booked": 2, "seen": 1, "no_show": 1, "excused": 1}
    steps = [invitation.step for invitation in Invitation.objects.select_related("appointment")]
    assert funnel == {step: steps.count(step) for step in set(steps)}


def test_a_large_file_is_imported_in_a_few_statements_per_batch(rsa, referent, django_assert_max_num_queries):
    rows = "".join(f"R{n};Nom{n};Prénom;p{n}@example.org;06 12 34 56 {n % 100:02};;Vitré\n" for n in range(1200))
    content = "reference;last_name;first_name;email;phone;address_line;commune\n" + rows
    with django_assert_max_num_queries(40):
        invited, rejected = invitations.import_csv(motif=rsa, content=content, actor=referent)
    assert len(invited) == 1200 and rejected == []
    assert Invitation.objects.filter(commune__name="Vitré").count() == 1200
    assert OutboxMessage.objects.filter(template="appointments/email/invitation").count() == 1200
    assert OutboxMessage.objects.filter(template="appointments/sms/invitation").count() == 1200
    assert len(set(Invitation.objects.values_list("token", flat=True))) == 1200


def test_a_file_over_the_row_limit_is_refused_whole_with_a_message(client, rsa, referent, monkeypatch):
    monkeypatch.setattr(invitations, "IMPORT_MAX_ROWS", 3)
    rows = "".join(f"R{n};Nom{n};Prénom;p{n}@example.org;;;\n" for n in range(4))
    content = "reference;last_name;first_name;email;phone;address_line;commune\n" + rows
    client.force_login(referent)
    html = client.post(reverse("appointments:agent_invitations"), {
        "csv-motif": rsa.pk, "csv-file": SimpleUploadedFile("x.csv", content.encode())}).content.decode()  # fmt: skip
    assert "Le fichier compte 4 lignes ; 3 au plus par fichier" in html and not Invitation.objects.exists()
