from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.enums import OrganisationKind, Role, ServiceKind, SiteKind
from portal.models import Commune, Membership, Organisation, Service, Site, User
from portal.organisation import load_communes


DEMO_PASSWORD = "demo-departement-35"
# A fixed TOTP secret so that demo agents can sign in; `manage.py demo_totp_code` prints the current code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPDEMO35ILLISAAAAA"

SERVICES = [
    ("transport-adapte", "Transport scolaire adapté", ServiceKind.ADAPTED_TRANSPORT, "transport.adapte"),
    ("routes", "Service des routes départementales", ServiceKind.ROADS, "routes"),
    ("agriculture", "Service agriculture", ServiceKind.AGRICULTURE, "agriculture"),
    (
        "contrats-territoriaux",
        "Contrats départementaux de territoire",
        ServiceKind.TERRITORIAL_CONTRACTS,
        "territoires",
    ),
    ("pmi", "Protection maternelle et infantile (PMI)", ServiceKind.PMI, "pmi"),
    ("rsa-insertion", "RSA et insertion", ServiceKind.RSA, "insertion"),
    ("aide-sociale", "Aide sociale générale", ServiceKind.SOCIAL_AID, "aide.sociale"),
    ("courrier", "Bureau du courrier", ServiceKind.MAIL, "courrier"),
]

SITES = [
    {
        "name": "CDAS de Rennes Centre",
        "address": "13 avenue de Cucillé",
        "postal_code": "35000",
        "city": "Rennes",
        "phone": "02 99 02 20 20",
        "epcis": [
            "Rennes Métropole",
            "CC Brocéliande Communauté",
            "CC Montfort Communauté",
            "CC de Saint-Méen Montauban",
            "CC Vallons de Haute-Bretagne Communauté",
            "CA Redon Agglomération",
            "CC Bretagne Porte de Loire Communauté",
            "CC Val d'Ille-Aubigné",
        ],
    },
    {
        "name": "CDAS du Pays de Saint-Malo",
        "address": "5 rue de la Nouvelle France",
        "postal_code": "35400",
        "city": "Saint-Malo",
        "phone": "02 99 02 46 46",
        "epcis": [
            "CA du Pays de Saint Malo Agglomération",
            "CC Côte d'Emeraude",
            "CC Bretagne Romantique",
            "CC du Pays de Dol et de la Baie du Mont Saint-Michel",
            "CC Couesnon Marches de Bretagne",
        ],
    },
    {
        "name": "CDAS du Pays de Vitré",
        "address": "9 place du Général de Gaulle",
        "postal_code": "35500",
        "city": "Vitré",
        "phone": "02 99 02 48 48",
        "epcis": [
            "CA Vitré Communauté",
            "CA Fougères Agglomération",
            "CC Liffré-Cormier Communauté",
            "CC Pays de Châteaugiron Communauté",
            "CC Roche aux Fées Communauté",
        ],
    },
]

DEMO_TRANSPORT_ANSWERS = {
    "pupil_birth_date": "2014-09-12",
    "rep_relationship": "mother",
    "rep_phone": "+33612345678",
    "school_year": "2026-2027",
    "school_name": "Collège Jean Moulin",
    "class_level": "college",
    "regime": "half_board",
    "timetable": [],
    "wished_mode": "adapted_circuit",
    "pickup_at_home": True,
    "weekly_timetable": "Lundi, mardi, jeudi, vendredi : 8 h 15 - 16 h 30 ; mercredi : 8 h 15 - 12 h",
    "notification_date": "2026-03-02",
    "disability_rate": "80_plus",
    "notification_file": [],
}

DEMO_MOTIFS = [
    ({"fr": "Consultation du nourrisson", "en": "Infant consultation", "ar": "استشارة الرضيع"}, 30, "everyone"),
    ({"fr": "Vaccination", "en": "Vaccination", "ar": "التلقيح"}, 15, "everyone"),
    ({"fr": "Visite à domicile", "en": "Home visit", "ar": "زيارة منزلية"}, 60, "agents"),
]
DEMO_FOLLOW_UP = {"fr": "Consultation de suivi", "en": "Follow-up consultation", "ar": "استشارة متابعة"}
DEMO_WORKSHOP = {"fr": "Atelier massage bébé", "en": "Baby massage workshop", "ar": "ورشة تدليك الرضيع"}

# (key, name, service slug, deadline in working days, request to the administration, silence rule)
DEMO_MAIL_CATEGORIES = [
    (
        "transport",
        {"fr": "Transport scolaire adapté", "en": "Adapted school transport", "ar": "النقل المدرسي المكيّف"},
        "transport-adapte",
        15,
        True,
        "none",
    ),
    ("roads", {"fr": "Routes et voirie", "en": "Roads", "ar": "الطرق"}, "routes", 15, True, "svr"),
    (
        "social",
        {"fr": "Aide sociale", "en": "Social aid", "ar": "المساعدة الاجتماعية"},
        "aide-sociale",
        30,
        True,
        "svr",
    ),
    (
        "pmi",
        {"fr": "PMI et petite enfance", "en": "Maternal and child health", "ar": "حماية الأم والطفل"},
        "pmi",
        15,
        False,
        "none",
    ),
    (
        "rsa",
        {"fr": "RSA et insertion", "en": "RSA and insertion", "ar": "الدخل التضامني والإدماج"},
        "rsa-insertion",
        15,
        True,
        "none",
    ),
    ("agriculture", {"fr": "Agriculture", "en": "Agriculture", "ar": "الفلاحة"}, "agriculture", 30, True, "svr"),
    ("complaint", {"fr": "Réclamation", "en": "Complaint", "ar": "شكوى"}, None, 15, False, "none"),
    ("other", {"fr": "Autre demande", "en": "Other", "ar": "طلب آخر"}, None, 30, False, "none"),
]
DEMO_REPLY_TEMPLATES = [
    (
        "Réponse favorable",
        "{{ contact_address }}\n\nObjet : {{ subject }}\nRéf. : {{ number }}\n\n"
        "Madame, Monsieur,\n\nPar votre courrier reçu le {{ received_on }}, vous nous avez sollicités. "
        "J'ai le plaisir "
        "de vous informer qu'une suite favorable y est donnée.\n\nJe vous prie d'agréer, Madame, Monsieur, "
        "l'expression de mes salutations distinguées.\n\n{{ signature }}",
    ),
    (
        "Demande de pièces complémentaires",
        "Objet : {{ subject }}\nRéf. : {{ number }}\n\nMadame, Monsieur,\n\n"
        "Pour instruire votre demande reçue le {{ received_on }}, il nous manque les pièces suivantes : …\n\n"
        "Le délai de traitement est suspendu jusqu'à leur réception.\n\n{{ signature }}",
    ),
]

OPENING_HOURS = "Du lundi au vendredi, de 9 h à 12 h 30 et de 13 h 30 à 17 h."
ACCESSIBILITY_INFO = (
    "Accueil de plain-pied, place de stationnement réservée devant l'entrée, boucle magnétique à l'accueil, "
    "toilettes accessibles. Arrêt de bus à moins de 200 m."
)

# (email, first name, last name, memberships as (role, service slug or None, site index or None))
AGENTS = [
    ("instructeur@demo.ille-et-vilaine.example", "Inès", "Le Goff", [(Role.INSTRUCTOR, "transport-adapte", None)]),
    (
        "secretaire@demo.ille-et-vilaine.example",
        "Sophie",
        "Hamon",
        [(Role.SECRETARY, "pmi", 0), (Role.SECRETARY, "rsa-insertion", 0)],
    ),
    ("accueil@demo.ille-et-vilaine.example", "Romain", "Gicquel", [(Role.RECEPTION, "courrier", None)]),
    (
        "manager@demo.ille-et-vilaine.example",
        "Marc",
        "Berthelot",
        [(Role.MANAGER, "transport-adapte", None), (Role.MANAGER, "pmi", None)],
    ),
    ("admin@demo.ille-et-vilaine.example", "Anne", "Rouxel", [(Role.ADMINISTRATOR, None, None)]),
    ("puericultrice@demo.ille-et-vilaine.example", "Claire", "Le Bihan", [(Role.INSTRUCTOR, "pmi", 0)]),
    ("referent.rsa@demo.ille-et-vilaine.example", "Thomas", "Guillou", [(Role.INSTRUCTOR, "rsa-insertion", 0)]),
]
CITIZENS = [
    ("usager@demo.ille-et-vilaine.example", "Camille", "Martin", None),
    ("parent@demo.ille-et-vilaine.example", "Yasmine", "Benali", None),
    (
        "pro@demo.ille-et-vilaine.example",
        "Jean",
        "Lemoine",
        {"name": "EARL des Trois Chênes", "kind": OrganisationKind.FARM, "siret": "73282932000074"},
    ),
]


def demo_pdf():
    from weasyprint import HTML

    return HTML(string="<h1>Document de démonstration</h1><p>Pièce jointe fictive.</p>").write_pdf()


class Command(BaseCommand):
    help = "Load the demo département (idempotent): services, 3 CDAS, 332 communes, agents and citizens."

    @transaction.atomic
    def handle(self, *args, **options):
        services = {}
        for slug, name, kind, mailbox in SERVICES:
            services[slug], _ = Service.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "email": f"{mailbox}@ille-et-vilaine.example",
                    "phone": "02 99 02 35 35",
                    "address": "Hôtel du Département\n1 avenue de la Préfecture\nCS 24218\n35042 Rennes Cedex",
                },
            )
        sites = []
        sector_of_epci = {}
        for data in SITES:
            site, _ = Site.objects.update_or_create(
                name=data["name"],
                defaults={
                    "kind": SiteKind.CDAS,
                    "address": data["address"],
                    "postal_code": data["postal_code"],
                    "city": data["city"],
                    "phone": data["phone"],
                    "email": f"cdas.{data['city'].lower().replace(' ', '-')}@ille-et-vilaine.example",
                    "opening_hours": OPENING_HOURS,
                    "accessibility_info": ACCESSIBILITY_INFO,
                },
            )
            site.services.set([services["pmi"], services["rsa-insertion"], services["aide-sociale"]])
            sites.append(site)
            sector_of_epci.update(dict.fromkeys(data["epcis"], site))
        communes = load_communes(sector_of_epci=sector_of_epci)
        call_command("load_procedures", stdout=self.stdout)

        for email, first_name, last_name, memberships in AGENTS:
            user = self._user(email, first_name, last_name)
            if any(role == Role.ADMINISTRATOR for role, _s, _i in memberships):
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            for role, service_slug, site_index in memberships:
                Membership.objects.get_or_create(
                    user=user,
                    role=role,
                    service=services.get(service_slug),
                    site=sites[site_index] if site_index is not None else None,
                )
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": self._encrypted_secret()}}
            )
        for email, first_name, last_name, organisation in CITIZENS:
            user = self._user(email, first_name, last_name)
            if organisation and not user.organisation:
                user.organisation = Organisation.objects.create(**organisation)
                user.save(update_fields=["organisation"])
        dossiers = self._demo_dossiers()
        self._demo_appointments(services["pmi"], sites)
        self._demo_rsa(services["rsa-insertion"], sites)
        self._demo_mail(services)
        self._demo_satisfaction()
        self._demo_accessibility(services["courrier"])
        from dashboards.services import record_slot_delays

        record_slot_delays()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(services)} services, {len(sites)} CDAS, {communes} communes, "
                f"{dossiers} demo requests."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _first, _last, memberships in AGENTS:
            roles = ", ".join(str(role.label) for role, _s, _i in memberships)
            self.stdout.write(f"  {email:45} agent ({roles})")
        for email, *_rest in CITIZENS:
            self.stdout.write(f"  {email:45} {'professional' if _rest[-1] else 'citizen'}")
        self.stdout.write(
            f"Agents sign in with a second factor: TOTP secret {DEMO_TOTP_SECRET} "
            "(or run `python manage.py demo_totp_code` to print the current code)."
        )

    def _demo_appointments(self, pmi, sites):
        """PMI motifs and the weekly schedules of the demo nurse, so that free times show at once."""
        from datetime import date, time

        from appointments.models import Motif, OpeningSchedule

        motifs = []
        for name, minutes, bookable_by in DEMO_MOTIFS:
            motif = Motif.objects.filter(service=pmi, name__fr=name["fr"]).first() or Motif.objects.create(
                service=pmi, name=name, duration_minutes=minutes, bookable_by=bookable_by
            )
            motifs.append(motif)
        nurse = User.objects.get(email="puericultrice@demo.ille-et-vilaine.example")
        for site, weekdays, start, end in [
            (sites[0], [0, 1, 3], time(9), time(12, 30)),
            (sites[2], [2], time(13, 30), time(17)),
        ]:
            schedule, created = OpeningSchedule.objects.get_or_create(
                agent=nurse, site=site, weekdays=weekdays, start_time=start, end_time=end,
                defaults={"valid_from": date(2026, 1, 5)},
            )  # fmt: skip
            if created:
                schedule.motifs.set(motifs)
        follow_up = Motif.objects.filter(service=pmi, name__fr=DEMO_FOLLOW_UP["fr"]).first() or Motif.objects.create(
            service=pmi, name=DEMO_FOLLOW_UP, duration_minutes=30, follow_up_only=True
        )
        for schedule in OpeningSchedule.objects.filter(agent=nurse):
            schedule.motifs.add(follow_up)
        self._demo_workshop(pmi, nurse, sites[0])
        parent = User.objects.get(email="parent@demo.ille-et-vilaine.example")
        adam, _created = parent.relatives.get_or_create(
            first_name="Adam", last_name="Benali", defaults={"birth_date": date(2025, 9, 14)}
        )
        self._demo_booking(motifs[0], parent, adam)

    def _demo_booking(self, motif, parent, child):
        """Book the first free infant consultation for the demo parent's child (once): Mon espace shows it."""
        from appointments import services as appointments
        from appointments.models import Appointment
        from appointments.slots import next_available

        if Appointment.objects.filter(user=parent).exists():
            return
        slot = next_available(motif=motif)
        if slot is None:
            return
        person = {"user": parent, "relative": child, "first_name": child.first_name, "last_name": child.last_name,
                  "email": parent.email}  # fmt: skip
        try:
            site = Site.objects.get(pk=slot.site_id)
            appointments.book_appointment(motif=motif, site=site, starts_at=slot.starts_at, person=person,
                                          booked_by=parent)  # fmt: skip
        except appointments.SlotUnavailable:
            pass  # taken meanwhile: the demo goes on without it

    def _demo_workshop(self, pmi, nurse, site):
        """A group workshop with seats, next week (one is opened again whenever none is to come)."""
        from datetime import datetime, time, timedelta

        from django.utils import timezone

        from appointments import services as appointments
        from appointments.models import CollectiveSession, Motif

        workshop = Motif.objects.filter(service=pmi, name__fr=DEMO_WORKSHOP["fr"]).first() or Motif.objects.create(
            service=pmi, name=DEMO_WORKSHOP, duration_minutes=90, is_collective=True, seats=8,
            instructions={"fr": "Apportez une serviette et une tenue confortable pour votre bébé.",
                          "en": "Bring a towel and comfortable clothes for your baby."},
        )  # fmt: skip
        if CollectiveSession.objects.open().filter(motif=workshop, starts_at__gte=timezone.now()).exists():
            return
        day = timezone.localdate() + timedelta(days=8 - timezone.localdate().weekday())  # Tuesday next week
        starts_at = timezone.make_aware(datetime.combine(day, time(14)))
        try:
            appointments.create_session(motif=workshop, site=site, agent=nurse, starts_at=starts_at)
        except appointments.SlotUnavailable:
            pass  # the nurse is busy then: the demo goes on without a workshop

    def _demo_rsa(self, rsa, sites):
        """The RSA orientation meeting, bookable through invitations, with the demo referent's schedule."""
        from datetime import date, time

        from appointments.models import Motif, OpeningSchedule

        name = {
            "fr": "Rendez-vous d'orientation RSA",
            "en": "RSA orientation meeting",
            "ar": "موعد التوجيه الخاص بـ RSA",
        }
        motif = Motif.objects.filter(service=rsa, name__fr=name["fr"]).first() or Motif.objects.create(
            service=rsa, name=name, duration_minutes=45, bookable_by="invited", min_delay_minutes=24 * 60
        )
        referent = User.objects.get(email="referent.rsa@demo.ille-et-vilaine.example")
        schedule, created = OpeningSchedule.objects.get_or_create(
            agent=referent, site=sites[0], weekdays=[1, 3], start_time=time(9), end_time=time(16, 30),
            defaults={"valid_from": date(2026, 1, 5)},
        )  # fmt: skip
        if created:
            schedule.motifs.set([motif])
        from appointments.invitations import invite
        from appointments.models import Invitation

        if not Invitation.objects.filter(motif=motif).exists():
            invite(motif=motif, actor=referent, person={"first_name": "Karim", "last_name": "Le Du",
                                                        "email": "karim.ledu@example.org"})  # fmt: skip

    def _demo_dossiers(self):
        """File a few adapted transport requests for the demo citizens (once), so that queues are not empty."""
        from teleprocedures import services as teleprocedures
        from teleprocedures.models import Dossier, Procedure

        procedure = Procedure.objects.get(slug="transport-scolaire-adapte")
        if Dossier.objects.filter(procedure=procedure).exclude(state="draft").exists():
            return Dossier.objects.exclude(state="draft").count()
        pupils = [("Adam", "Benali", "parent@demo.ille-et-vilaine.example", "Vitré"),
                  ("Lou", "Martin", "usager@demo.ille-et-vilaine.example", "Saint-Malo")]  # fmt: skip
        for first_name, last_name, email, commune_name in pupils:
            applicant = User.objects.get(email=email)
            commune = Commune.objects.get(name=commune_name)
            draft, _created = teleprocedures.start_draft(procedure=procedure, applicant=applicant)
            draft.data = {
                **DEMO_TRANSPORT_ANSWERS,
                "pupil_first_name": first_name,
                "pupil_last_name": last_name,
                "rep_last_name": last_name,
                "rep_first_name": applicant.first_name,
                "rep_email": email,
                "home_address": {"line": "12 rue de la Gare", "postal_code": "35500", "commune": commune.insee_code,
                                 "commune_name": commune.name},
            }  # fmt: skip
            draft.save()
            for field_id in ("timetable", "notification_file"):
                upload = SimpleUploadedFile(f"{field_id}-demo.pdf", demo_pdf(), content_type="application/pdf")
                upload.detected_kind, upload.detected_content_type = "pdf", "application/pdf"
                teleprocedures.store_page_uploads(dossier=draft, uploads={field_id: [upload]}, actor=applicant)
            teleprocedures.submit_dossier(dossier=draft, actor=applicant)
        # One decided, so that the decision page, its survey and the dashboards' outcomes have something to show.
        instructor = User.objects.get(email="instructeur@demo.ille-et-vilaine.example")
        teleprocedures.decide(dossier=draft, transition="accept", actor=instructor,
                              reasons="Les conditions sont réunies : circuit adapté à compter du 4 janvier.",
                              data={"mode_granted": "adapted_circuit", "start_date": "2027-01-04"})  # fmt: skip
        return 2

    def _demo_mail(self, services):
        """Mail categories routed to the services, reply templates, and a few letters and emails (once)."""
        from datetime import timedelta

        from django.utils import timezone

        from mailroom import services as mailroom
        from mailroom.models import Contact, MailCategory, ReplyTemplate

        if MailCategory.objects.exists():
            return
        categories = {}
        for key, name, service, days, is_request, rule in DEMO_MAIL_CATEGORIES:
            categories[key] = MailCategory.objects.create(
                name=name, service=services.get(service), deadline_days=days, is_request=is_request,
                silence_rule=rule,
            )  # fmt: skip
        for name, body in DEMO_REPLY_TEMPLATES:
            ReplyTemplate.objects.create(name=name, body=body)
        today = timezone.localdate()
        clerk = User.objects.get(email="accueil@demo.ille-et-vilaine.example")
        citizen = User.objects.get(email="usager@demo.ille-et-vilaine.example")
        mairie = Contact.objects.create(kind="organisation", organisation_name="Mairie de Vitré", last_name="Gautier",
                                        first_name="Hélène", address_line="5 place du Château", postal_code="35500",
                                        city="Vitré", email="mairie@vitre.example")  # fmt: skip
        camille = mailroom.find_or_create_contact({"first_name": citizen.first_name, "last_name": citizen.last_name,
                                                   "email": citizen.email})  # fmt: skip
        riverain = Contact.objects.create(first_name="Paul", last_name="Le Floch", address_line="La Haute Touche",
                                          postal_code="35133", city="Fougères", phone="+33299000001")  # fmt: skip
        letters = [
            (mairie, "Transport d'un élève de l'école Jean-Moulin", "paper", "transport", 40, "normal"),
            (camille, "Horaires du taxi de mon fils", "email", "transport", 3, "urgent"),
            (riverain, "Fossé bouché au lieu-dit La Haute Touche", "paper", "roads", 12, "normal"),
            (riverain, "Réclamation sur le déneigement", "phone", "complaint", 1, "normal"),
        ]
        for contact, subject, channel, category, days_ago, priority in letters:
            mailroom.register(contact=contact, subject=subject, channel=channel, category=categories[category],
                              received_on=today - timedelta(days=days_ago), priority=priority, actor=clerk,
                              body="Courrier de démonstration.")  # fmt: skip

    def _demo_satisfaction(self):
        """Answer the survey after the demo requests were filed (once), so that the dashboards show a score."""
        from dashboards.enums import Journey
        from dashboards.services import AlreadyAnswered, record_answer
        from teleprocedures.models import Dossier

        answers = [(5, ""), (4, "Formulaire clair, mais il faut beaucoup de pièces.")]
        demo = Dossier.objects.exclude(state="draft").order_by("pk")
        for dossier, (score, comment) in zip(demo, answers, strict=False):
            try:
                record_answer(journey=Journey.SUBMITTED, obj=dossier, score=score, comment=comment)
            except AlreadyAnswered:
                pass

    def _demo_accessibility(self, mail_service):
        """The statement, a demonstration audit (fictitious results, said so) and the published plans (once)."""
        from datetime import date

        from accessibility import services as accessibility
        from accessibility.enums import ActionStatus, Result
        from accessibility.models import ActionPlan, Audit, CriterionResult, MultiYearPlan, Statement

        if Statement.objects.exists():
            return
        audit = Audit.objects.create(
            title="Audit de démonstration (résultats fictifs)", auditor="Équipe projet (démonstration)",
            performed_on=date(2026, 10, 15), method="Échantillon de trois pages représentatives.",
        )  # fmt: skip
        for position, (title, path) in enumerate([("Accueil", "/"), ("Demande de transport scolaire adapté",
                                                   "/demarches/transport-scolaire-adapte/"),
                                                  ("Prise de rendez-vous", "/rendez-vous/")]):  # fmt: skip
            accessibility.add_audited_page(audit=audit, title=title, path=path, position=position)
        results = CriterionResult.objects.filter(page__audit=audit)
        results.update(result=Result.CONFORM)
        results.filter(criterion__regex=r"^(2|4)\.").update(result=Result.NOT_APPLICABLE)
        results.filter(criterion="10.11", page__position=1).update(
            result=Result.NOT_CONFORM, note="Le tableau des horaires défile horizontalement à 320 px de large."
        )
        Statement.objects.create(
            audit=audit, established_on=date(2026, 10, 20), feedback_service=mail_service,
            technologies="HTML5\nCSS\nSVG",
            test_environment="NVDA 2025.3 et Firefox\nVoiceOver et Safari (macOS, iOS)\nTalkBack et Chrome (Android)",
            tools="Inspection manuelle des 106 critères (RGAA 4.1)\nNavigation au clavier seul",
        )  # fmt: skip
        plan = MultiYearPlan.objects.create(
            first_year=2026, last_year=2028, is_published=True,
            policy="Le Département rend accessibles tous ses services en ligne dès leur conception.",
            organisation="Une référente accessibilité numérique, rattachée à la direction du numérique, "
                         "coordonne les actions et répond aux signalements.",
            training="Formation des rédacteurs et des agents à l'accessibilité des contenus.",
            audits="Audit complet tous les trois ans et à chaque évolution majeure.",
        )  # fmt: skip
        year = ActionPlan.objects.create(plan=plan, year=2026, is_published=True)
        for position, (title, due, status) in enumerate([
            ("Audit de conformité des démarches en ligne", "4e trimestre", ActionStatus.DONE),
            ("Correction des non-conformités relevées", "1er trimestre 2027", ActionStatus.IN_PROGRESS),
            ("Formation des agents instructeurs", "2e trimestre", ActionStatus.PLANNED),
        ]):  # fmt: skip
            year.actions.create(title=title, due=due, status=status, position=position)
        accessibility.forget_conformity()

    def _user(self, email, first_name, last_name):
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def _encrypted_secret(self):
        from allauth.mfa.utils import encrypt

        return encrypt(DEMO_TOTP_SECRET)
