import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from portal.enums import Role
from portal.models import Service
from teleprocedures.models import Procedure
from tests.factories import CommuneFactory, UserFactory, agent


def blank_pdf():
    """The bytes of a small valid PDF (one blank page)."""
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = blank_pdf()


def small_png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG_BYTES = small_png()


def pdf_file(name="document.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def procedures(db, settings, tmp_path):
    """Load the shipped procedures with the services they name, and two communes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for slug in ["transport-adapte", "routes", "agriculture", "contrats-territoriaux", "aide-sociale"]:
        Service.objects.create(
            slug=slug,
            name=f"Service {slug}",
            address="1 avenue de la Préfecture\n35042 Rennes Cedex",
            phone="02 99 02 35 35",
            email=f"{slug}@ille-et-vilaine.example",
        )
    CommuneFactory(insee_code="35238", name="Rennes")
    CommuneFactory(insee_code="35360", name="Vitré")
    CommuneFactory(insee_code="35288", name="Saint-Malo")
    call_command("load_procedures", stdout=io.StringIO())
    return {p.slug: p for p in Procedure.objects.all()}


@pytest.fixture
def citizen(db):
    return UserFactory(email="parent@example.org", first_name="Yasmine", last_name="Benali", phone="+33612345678")


@pytest.fixture
def instructor(procedures):
    return agent(
        role=Role.INSTRUCTOR,
        service=Service.objects.get(slug="transport-adapte"),
        email="instructeur@example.org",
        first_name="Inès",
        last_name="Le Goff",
    )


TRANSPORT_PAGES = {
    "pupil": {"pupil_last_name": "Benali", "pupil_first_name": "Adam", "pupil_birth_date": "2015-04-02"},
    "representative": {
        "rep_last_name": "Benali",
        "rep_first_name": "Yasmine",
        "rep_relationship": "mother",
        "rep_email": "parent@example.org",
        "rep_phone": "06 12 34 56 78",
        "home_address__line": "3 rue de Brest",
        "home_address__postal_code": "35000",
        "home_address__commune": "rennes",
    },
    "schooling": {
        "school_year": "2026-2027",
        "school_name": "Collège Les Gayeulles, Rennes",
        "class_level": "college",
        "regime": "half_board",
    },
    "transport": {
        "wished_mode": "mileage_allowance",
        "pickup_at_home": "yes",
        "weekly_timetable": "Lundi à vendredi, 8 h 15 - 16 h 30",
    },
    "bank": {"account_holder": "Yasmine Benali", "iban": "FR76 3000 6000 0112 3456 7890 189"},
    "disability": {"notification_date": "2026-01-15", "disability_rate": "80_plus"},
}
TRANSPORT_FILES = {"schooling": "timetable", "disability": "notification_file"}


TRANSPORT_DATA = {
    "pupil_last_name": "Benali",
    "pupil_first_name": "Adam",
    "pupil_birth_date": "2015-04-02",
    "rep_last_name": "Benali",
    "rep_first_name": "Yasmine",
    "rep_relationship": "mother",
    "rep_email": "parent@example.org",
    "rep_phone": "+33612345678",
    "home_address": {"line": "3 rue de Brest", "postal_code": "35000", "commune": "35238", "commune_name": "Rennes"},
    "school_year": "2026-2027",
    "school_name": "Collège Les Gayeulles",
    "class_level": "college",
    "regime": "half_board",
    "timetable": [],
    "wished_mode": "adapted_circuit",
    "pickup_at_home": True,
    "weekly_timetable": "Lundi à vendredi",
    "notification_date": "2026-01-15",
    "disability_rate": "80_plus",
    "notification_file": [],
}


def make_dossier(procedure, applicant, *, state=None, data=None, **fields):
    """Create a dossier directly in the database (no PDF), for tests that need many of them."""
    from django.utils import timezone

    from teleprocedures.enums import DossierState
    from teleprocedures.models import Dossier

    state = state or DossierState.SUBMITTED
    number = (
        None if state == DossierState.DRAFT else f"{procedure.number_prefix}-2026-{Dossier.objects.count() + 1:06d}"
    )
    return Dossier.objects.create(
        procedure=procedure,
        version=procedure.published_version(),
        applicant=applicant,
        state=state,
        number=number,
        data=data if data is not None else dict(TRANSPORT_DATA),
        submitted_at=None if state == DossierState.DRAFT else timezone.now(),
        due_on=fields.pop("due_on", timezone.localdate() + timezone.timedelta(days=60)),
        **fields,
    )


@pytest.fixture
def submitted(procedures, citizen):
    """A transport request submitted through the service (number, deadline, acknowledgement)."""
    from teleprocedures import services

    draft, _created = services.start_draft(procedure=procedures["transport-scolaire-adapte"], applicant=citizen)
    draft.data = {**TRANSPORT_DATA, "timetable": [1], "notification_file": [2]}
    draft.save()
    return services.submit_dossier(dossier=draft, actor=citizen)


def start_transport_draft(client, page_id="disability"):
    """Start the adapted transport request as the signed-in client; return the draft and the URL of a page."""
    from django.urls import reverse

    from teleprocedures.enums import DossierState
    from teleprocedures.models import Dossier

    client.post(reverse("teleprocedures:start", args=["transport-scolaire-adapte"]))
    draft = Dossier.objects.get(state=DossierState.DRAFT)
    return draft, reverse("teleprocedures:draft_page", args=[draft.pk, page_id])
