"""Display settings read from and written to a signed cookie (a functional cookie: no consent needed)."""

import json

from django.conf import settings
from django.core import signing

from accessibility.enums import Motion, Spacing, TextSize, Theme


COOKIE = "display"
SALT = "accessibility.display"
MAX_AGE = 365 * 24 * 3600
CHOICES = {"theme": Theme, "text_size": TextSize, "spacing": Spacing, "motion": Motion}
DEFAULTS = {"theme": Theme.SYSTEM.value, "text_size": TextSize.NORMAL.value, "spacing": Spacing.NORMAL.value,
            "motion": Motion.SYSTEM.value}  # fmt: skip


def read(request):
    """Return (settings, readable): the defaults, and readable False, when the cookie was tampered or is invalid."""
    raw = request.COOKIES.get(COOKIE)
    if raw is None:
        return dict(DEFAULTS), True
    try:
        value = json.loads(request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, ValueError, TypeError):
        return dict(DEFAULTS), False
    if not isinstance(value, dict) or any(value.get(key) not in choices.values for key, choices in CHOICES.items()):
        return dict(DEFAULTS), False
    return {key: value[key] for key in CHOICES}, True


def write(response, values):
    response.set_signed_cookie(
        COOKIE, json.dumps({key: values[key] for key in CHOICES}), salt=SALT, max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip


def forget(response):
    response.delete_cookie(COOKIE, samesite="Lax")


def html_classes(values):
    """The classes of <html> that apply the settings (site.css)."""
    classes = []
    if values["text_size"] != TextSize.NORMAL:
        classes.append(f"text-{values['text_size']}")
    if values["spacing"] == Spacing.WIDE:
        classes.append("spacing-wide")
    if values["motion"] == Motion.REDUCED:
        classes.append("motion-reduced")
    return " ".join(classes)
