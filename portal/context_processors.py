from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def platform(request):
    """Give every template the département's details and the language links."""
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path() if request else "/"
    languages = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
    return {
        "platform": settings.PLATFORM,
        "language_links": languages,
    }
