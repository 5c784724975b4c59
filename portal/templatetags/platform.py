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
