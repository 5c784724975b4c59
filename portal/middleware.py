"""When the database does not answer (restarted, failing over, overloaded) or the disk is full, say so plainly
instead of an error.

The services' transactions roll back and a file that could not be written is removed (portal.files.save_file), so
nothing half-written is kept; the person is told that what they sent was not saved and to try again (503 with
Retry-After). The page is drawn without touching the database (no session, no account, no settings read from it).
The API answers in its JSON error format.
"""

import errno
import logging

from django.db import OperationalError
from django.db.utils import InterfaceError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.files import StorageFull


logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


FULL_DISK = {errno.ENOSPC, errno.EDQUOT}


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
            message = _(
                "The service is briefly unavailable. What you sent was not saved: please try again in a minute."
            )
        elif isinstance(exception, OSError) and exception.errno in FULL_DISK:
            logger.error("Disk full for %s %s: %s", request.method, request.path, exception)
            message = str(StorageFull.message)
        else:
            return None
        if request.path.startswith("/api/"):
            body = {"error": {"status": 503, "code": "unavailable", "message": message, "fields": {}}}
            response = JsonResponse(body, status=503)
        else:
            language = getattr(request, "LANGUAGE_CODE", "fr")
            html = render_to_string("portal/unavailable.html", {"message": message, "lang": language})
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
