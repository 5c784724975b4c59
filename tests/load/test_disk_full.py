"""Disk full for uploads: a real tmpfs of 256 KB as the media folder. The person gets a clear message next to the
file, what they typed is still there, and nothing half-saved stays (no row, no partial file, the previous file
kept)."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from teleprocedures.models import Attachment
from tests.teleprocedures.fixtures import PDF_BYTES, start_transport_draft


@pytest.fixture
def tiny_disk(tmp_path, settings):
    folder = tmp_path / "media"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    settings.MEDIA_ROOT = folder
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def large_pdf(size):
    import io

    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Description": "x" * size})
    writer.write(buffer)
    return buffer.getvalue()


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_a_full_disk_gives_a_message_and_keeps_nothing_half_saved(client, procedures, citizen, tiny_disk):
    client.force_login(citizen)
    draft, url = start_transport_draft(client)
    data = {"notification_date": "2026-01-15", "disability_rate": "80_plus", "action": "next"}
    first = client.post(url, {**data, "notification_file": SimpleUploadedFile("small.pdf", PDF_BYTES)})
    assert first.status_code == 302
    kept = Attachment.objects.get(dossier=draft)
    before = files_in(tiny_disk)

    big = large_pdf(600_000)  # a valid PDF larger than the disk
    response = client.post(url, {**data, "notification_file": SimpleUploadedFile("scan.pdf", big)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "could not store your file" in page or "n’a pas pu enregistrer votre fichier" in page
    assert 'value="2026-01-15"' in page  # what was typed is still there
    assert list(Attachment.objects.filter(dossier=draft)) == [kept]  # the previous file stays, no new row
    assert files_in(tiny_disk) == before  # no partial file left
    print(f"\ndisk full: {len(big):,} bytes refused on a 256 KB disk; files kept: {before}")
