from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


ACCESSIBILITY_STATUS_LABELS = {
    "full": _("fully compliant"),
    "partial": _("partially compliant"),
    "none": _("not compliant"),
}


def platform(request):
    """Give every template the département's details, the language links and the accessibility status."""
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path() if request else "/"
    languages = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
    return {
        "platform": settings.PLATFORM,
        "language_links": languages,
        "accessibility_status": ACCESSIBILITY_STATUS_LABELS[settings.PLATFORM["accessibility_status"]],
    }
