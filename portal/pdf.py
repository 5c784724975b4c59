"""PDF documents rendered from Django templates by WeasyPrint."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template, context, *, language=None):
    """Render the template to a PDF (bytes) in the given language."""
    from weasyprint import CSS, HTML

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(template, {"platform": settings.PLATFORM, **context})
    stylesheet = CSS(filename=finders.find("portal/css/print.css"))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])
