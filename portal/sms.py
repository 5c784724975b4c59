"""SMS backends: the log backend by default, an HTTP gateway for production."""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string


logger = logging.getLogger("portal.sms")


class LogSMSBackend:
    """Write each SMS to the log instead of sending it."""

    def send(self, *, to, body):
        logger.info("SMS to %s: %s", to, body)


class HTTPSMSBackend:
    """Post each SMS as JSON to a gateway (SMS_HTTP_URL, bearer SMS_HTTP_TOKEN)."""

    def send(self, *, to, body):
        payload = json.dumps({"to": to, "from": settings.SMS_SENDER, "text": body}).encode()
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=payload,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (URL from settings)
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
