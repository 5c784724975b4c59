from accessibility import display
from accessibility.services import current_conformity


def accessibility(request):
    """The footer's compliance status, and the display settings applied on <html>."""
    values, readable = display.read(request)
    return {
        "accessibility_status": current_conformity().label,
        "display": {**values, "classes": display.html_classes(values), "readable": readable},
    }
