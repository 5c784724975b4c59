from django import template
from django.urls import reverse
from django.utils.translation import gettext as _


register = template.Library()


@register.inclusion_tag("components/breadcrumb.html")
def breadcrumb(*parts):
    """Render the breadcrumb from alternating labels and URL names; the last label is the current page."""
    items = [{"label": _("Home"), "url": reverse("portal:home")}]
    parts = list(parts)
    while len(parts) >= 2:
        label, url_name = parts.pop(0), parts.pop(0)
        items.append({"label": label, "url": reverse(url_name)})
    current = parts[0] if parts else None
    return {"items": items, "current": current}


@register.filter
def ltr(value):
    """Isolate a left-to-right value (phone number, email, code) so it is not reordered in Arabic text."""
    return f"\u2066{value}\u2069" if value else value


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
