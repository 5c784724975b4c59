"""Backup then restore into a fresh database and an empty media folder: the same rows and the same files."""

import io
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from mailroom import services as mailroom
from mailroom.enums import Channel
from mailroom.models import Contact
from teleprocedures.models import Attachment
from tests.teleprocedures.fixtures import PDF_BYTES, make_dossier


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_database():
    if connection.vendor != "postgresql":
        pytest.skip("the backup test runs on PostgreSQL (the production database)")
    db = settings.DATABASES["default"]
    name = f"restore_{uuid.uuid4().hex[:12]}"
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_same_counts_and_files(
    procedures, citizen, settings, tmp_path, fresh_database
):
    dossier = make_dossier(procedures["transport-scolaire-adapte"], citizen)
    attachment = Attachment(dossier=dossier, original_name="piece.pdf", content_type="application/pdf", size=10)
    attachment.file.save("piece.pdf", ContentFile(PDF_BYTES))
    contact = Contact.objects.create(last_name="Lefort", email="marc@example.org")
    mailroom.register(contact=contact, subject="Demande", channel=Channel.PAPER, acknowledge=False)

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    folder = out.getvalue().strip().rsplit(" ", 1)[-1]
    restored_media = tmp_path / "restored-media"
    report = io.StringIO()
    call_command("restore", folder, database_url=fresh_database, media_root=str(restored_media), stdout=report)

    assert "counts match the backup" in report.getvalue()
    with psycopg.connect(fresh_database) as restored:
        number = restored.execute("SELECT number FROM teleprocedures_dossier").fetchone()[0]
        subjects = restored.execute("SELECT subject FROM mailroom_mailitem").fetchall()
    assert number == dossier.number and subjects == [("Demande",)]
    assert (restored_media / attachment.file.name).read_bytes() == PDF_BYTES


def test_a_damaged_backup_is_refused_before_anything_is_restored(procedures, tmp_path, fresh_database):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    folder = out.getvalue().strip().rsplit(" ", 1)[-1]
    with open(f"{folder}/database.dump", "ab") as dump:
        dump.write(b"tampered")

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", folder, database_url=fresh_database, media_root=str(tmp_path / "m"))
