"""Files people send (checked by content before anything is kept) and files we serve (only through views that
checked who asks)."""

import logging
import re

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.services import log_event


logger = logging.getLogger(__name__)

FILE_SIGNATURES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
# A phone's photo is 12 to 50 megapixels; a picture claiming more is refused before it is decoded (a decompression
# bomb: a few kilobytes that would take gigabytes of memory to open).
MAX_IMAGE_PIXELS = 60_000_000
# What makes a PDF run something when opened: scripts, launching a program, files or forms carrying code.
ACTIVE_PDF_NAMES = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
PDF_NAME = re.compile(rb"/(?:[A-Za-z]|#[0-9A-Fa-f]{2})+")
PDF_WALK_LIMIT = 20_000  # objects looked at in a PDF's structure, at most (content streams are never read)


class StorageFull(OSError):
    """The file could not be written (no space left, quota): nothing of it was kept."""

    message = gettext_lazy(
        "The server could not store your file right now. Nothing was saved: please try again later."
    )


def save_file(field_file, name, content):
    """Write an upload into a FileField without saving the model (as FieldFile.save(save=False) does); on a full
    disk, remove what was written of it and raise StorageFull (an OSError)."""
    field, storage = field_file.field, field_file.storage
    target = storage.get_available_name(
        field.generate_filename(field_file.instance, name), max_length=field.max_length
    )
    try:
        saved = storage.save(target, content, max_length=field.max_length)
    except OSError as error:
        try:
            if storage.exists(target):
                storage.delete(target)
        except OSError:
            pass
        logger.error("Could not store %s: %s", target, error)
        raise StorageFull(error.errno, str(error)) from error
    field_file.name = saved
    setattr(field_file.instance, field.attname, saved)
    field_file._committed = True


def detect_file_kind(upload):
    """Return the kind (pdf, png, jpeg) read from the file's first bytes, whatever its name says."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, (_content_type, signatures) in FILE_SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def check_upload(upload, *, accept, max_size_mb):
    """Refuse, with a message for the person, a file that is too large, of a kind not accepted (read from its
    content), a damaged or oversized picture, or a PDF that is protected or would run something when opened.
    Return the kind; set `detected_kind` and `detected_content_type` on the upload."""
    name = upload.name
    if upload.size > max_size_mb * 1024 * 1024:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"name": name, "size": round(upload.size / 1048576, 1), "limit": max_size_mb},
            code="file_size",
        )
    kind = detect_file_kind(upload)
    if kind not in accept:
        raise ValidationError(
            _("“%(name)s” is not an accepted file. Accepted: %(kinds)s.")
            % {"name": name, "kinds": ", ".join(k.upper() for k in accept)},
            code="file_type",
        )
    try:
        (_check_pdf if kind == "pdf" else _check_image)(upload)
    finally:
        upload.seek(0)
    upload.detected_kind = kind
    upload.detected_content_type = FILE_SIGNATURES[kind][0]
    return kind


def _check_image(upload):
    from PIL import Image

    too_large = ValidationError(
        _("“%(name)s” is a picture too large to be opened safely; send it in a smaller size (%(limit)s megapixels "
          "at most).") % {"name": upload.name, "limit": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_size",
    )  # fmt: skip
    try:
        with Image.open(upload) as image:  # reads the header only
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_large
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:  # Pillow's own limit, far above ours
        raise too_large from error
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds of errors on a damaged file
        logger.info("Picture refused: %s", error)
        raise ValidationError(
            _("“%(name)s” could not be read as a picture; it may be damaged.") % {"name": upload.name},
            code="image_damaged",
        ) from error


def _pdf_names(raw):
    """The names used in the PDF's uncompressed parts, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), n).decode("latin-1") for n in
            PDF_NAME.findall(raw)}  # fmt: skip


def _active_in_structure(reader):
    """Look for active content in the PDF's objects (those packed in compressed object streams too)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    seen, stack, budget = set(), [reader.trailer["/Root"]], PDF_WALK_LIMIT
    while stack and budget:
        node = stack.pop()
        budget -= 1
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject | StreamObject):
            for key, value in node.items():
                if key in ACTIVE_PDF_NAMES or (key == "/S" and value in ("/JavaScript", "/Launch")):
                    return True
                if key not in ("/Parent", "/Contents", "/Resources", "/Font", "/XObject"):
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, NameObject) and node in ("/JavaScript", "/Launch"):
            return True
    return False


def _check_pdf(upload):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    upload.seek(0)
    raw = upload.read()
    active = bool(_pdf_names(raw) & ACTIVE_PDF_NAMES)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("“%(name)s” is protected by a password; send a version without password.") % {"name": upload.name},
                code="pdf_encrypted",
            )
        active = active or _active_in_structure(reader)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as error:
        if active:
            raise _active_refusal(upload) from error
        logger.info("PDF refused: %s", error)
        raise ValidationError(
            _("“%(name)s” could not be read as a PDF; it may be damaged.") % {"name": upload.name},
            code="pdf_damaged",
        ) from error
    if active:
        raise _active_refusal(upload)


def _active_refusal(upload):
    return ValidationError(
        _("“%(name)s” contains a script or an embedded file, which we do not accept for safety. Print it to a "
          "new PDF, or scan the paper, and send that file instead.") % {"name": upload.name},
        code="pdf_active",
    )  # fmt: skip


def serve_stored_file(request, stored, *, action, obj):
    """Send the file as a download that the browser never runs, and record who read it."""
    log_event(actor=request.user, action=action, obj=obj, request=request, attachment=stored.pk,
              file=stored.original_name)  # fmt: skip
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type, filename=stored.original_name,
                            as_attachment=True)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return response
