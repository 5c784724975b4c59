"""Serving stored files (attachments of requests and of mail) only through views that checked who asks."""

from django.http import FileResponse

from portal.services import log_event


def serve_stored_file(request, stored, *, action, obj):
    """Send the file as a download that the browser never runs, and record who read it."""
    log_event(actor=request.user, action=action, obj=obj, request=request, attachment=stored.pk,
              file=stored.original_name)  # fmt: skip
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type, filename=stored.original_name,
                            as_attachment=True)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
