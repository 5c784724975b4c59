"""When the database does not answer (restarted, failing over, overloaded), say so plainly instead of an error.

The request's transaction is rolled back, so nothing half-written is kept; the person is told that what they sent
was not saved and to try again in a moment (503 with Retry-After). The page is drawn without touching the database
(no session, no account, no settings read from it). The API answers in its JSON error format.
"""

import logging

from django.db import OperationalError
from django.db.utils import InterfaceError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        message = _("The service is briefly unavailable. What you sent was not saved: please try again in a minute.")
        if request.path.startswith("/api/"):
            body = {"error": {"status": 503, "code": "unavailable", "message": message, "fields": {}}}
            response = JsonResponse(body, status=503)
        else:
            language = getattr(request, "LANGUAGE_CODE", "fr")
            html = render_to_string("portal/unavailable.html", {"message": message, "lang": language})
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
