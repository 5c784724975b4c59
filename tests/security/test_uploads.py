"""Hostile files: refused with a message for the person before anything is kept, or neutralised."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from portal.files import check_upload
from teleprocedures.models import Attachment
from tests.teleprocedures.fixtures import PDF_BYTES, PNG_BYTES, start_transport_draft


ACCEPT = ["pdf", "png", "jpeg"]


def pdf(build):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_claiming(width, height):
    """A PNG of a few bytes whose header claims a huge picture (a decompression bomb)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"0" * 50_000_000)  # 50 MB that compress to about 50 KB
    return buffer.getvalue()


def refusal(content, name="piece.pdf"):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content), accept=ACCEPT, max_size_mb=10)
    return refused.value.code


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (zip_bomb(), "bomb.pdf", "file_type"),  # an archive renamed .pdf: not even opened
        (b"MZ\x90\x00" + b"\x00" * 100, "facture.pdf", "file_type"),  # a Windows program
        (b"<html><script>alert(1)</script></html>", "page.png", "file_type"),
        (pdf(lambda w: w.add_open_action(JavaScript("app.alert('hello');"))), "script.pdf", "pdf_active"),
        (pdf(lambda w: w.add_attachment("payload.exe", b"MZ")), "embedded.pdf", "pdf_active"),
        (pdf(lambda w: w.encrypt("secret")), "locked.pdf", "pdf_encrypted"),
        (b"%PDF-1.7\n" + b"garbage" * 100, "broken.pdf", "pdf_damaged"),
        (png_claiming(100_000, 100_000), "bomb.png", "image_size"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "image_damaged"),
        (b"\xff\xd8\xff" + b"\x00" * 64, "broken.jpg", "image_damaged"),
    ],
    ids=[
        "zip-bomb",
        "program",
        "html",
        "pdf-javascript",
        "pdf-embedded-file",
        "pdf-password",
        "pdf-damaged",
        "image-bomb",
        "png-damaged",
        "jpeg-damaged",
    ],  # fmt: skip
)
def test_hostile_files_are_refused_with_their_reason(content, name, code):
    assert refusal(content, name) == code


def test_a_javascript_name_hidden_by_hex_escapes_is_found():
    hidden = PDF_BYTES.replace(b"%%EOF", b"1 0 obj << /S /J#61vaScript >> endobj\n%%EOF")
    assert refusal(hidden) == "pdf_active"


def test_ordinary_files_are_accepted():
    assert check_upload(SimpleUploadedFile("a.pdf", PDF_BYTES), accept=ACCEPT, max_size_mb=10) == "pdf"
    assert check_upload(SimpleUploadedFile("a.png", PNG_BYTES), accept=ACCEPT, max_size_mb=10) == "png"


@pytest.mark.django_db
def test_a_refused_file_is_explained_next_to_its_field_and_nothing_is_kept(client, procedures, citizen):
    client.force_login(citizen)
    draft, url = start_transport_draft(client)
    script = pdf(lambda w: w.add_open_action(JavaScript("app.alert(1);")))

    response = client.post(url, {"notification_file": SimpleUploadedFile("decision.pdf", script), "action": "next"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "decision.pdf" in page and ("script" in page or "programme" in page)
    assert not Attachment.objects.filter(dossier=draft).exists()


@pytest.mark.django_db
def test_a_path_in_a_file_name_is_dropped_and_the_file_stays_in_its_folder(client, procedures, citizen, settings):
    client.force_login(citizen)
    draft, url = start_transport_draft(client)

    client.post(url, {"notification_file": SimpleUploadedFile("../../../etc/passwd.pdf", PDF_BYTES), "action": "next"})

    stored = Attachment.objects.get(dossier=draft)
    assert stored.original_name == "passwd.pdf"
    path = stored.file.path
    assert path.startswith(str(settings.MEDIA_ROOT / "dossiers" / str(draft.pk))) and ".." not in path
