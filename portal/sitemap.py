"""The site map, built from the URL configuration: views declare themselves with @site_map_page."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext_lazy as _


SECTIONS = {
    "services": _("Online services"),
    "account": _("My account"),
    "about": _("About this site"),
}
# Pages of django-allauth, whose views cannot carry the decorator: URL name → (title, section, order).
ACCOUNT_PAGES = {
    "account_signup": (_("Create an account"), "account", 1),
    "account_login": (_("Sign in"), "account", 2),
    "account_reset_password": (_("Forgotten password"), "account", 3),
}


def site_map_page(title, *, section, order=50):
    """Declare a view (taking no URL argument) as a page of the site map, under one of SECTIONS."""
    if section not in SECTIONS:
        raise ValueError(f"unknown site map section {section!r}")

    def declare(view):
        view.site_map = (title, section, order)
        return view

    return declare


def named_patterns(patterns=None, namespace=""):
    """Yield every (URL name with its namespace, pattern) of the URL configuration."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def declared_pages():
    """Yield (URL name with its namespace, (title, section, order)) for every declared page without URL arguments."""
    for name, pattern in named_patterns():
        entry = getattr(pattern.callback, "site_map", None) or ACCOUNT_PAGES.get(name)
        if entry and not pattern.pattern.converters:
            yield name, entry


def procedure_links():
    from teleprocedures.models import Procedure

    return [(reverse("teleprocedures:procedure", args=[p.slug]), p.get_title()) for p in Procedure.objects.published()]


def site_map_sections():
    """Return the public pages, grouped by section; the procedures follow their catalogue."""
    grouped = {key: [] for key in SECTIONS}
    for name, (title, section, order) in declared_pages():
        grouped[section].append((order, str(title), reverse(name), name))
    sections = []
    for key, entries in grouped.items():
        links = []
        for _order, title, url, name in sorted(entries):
            links.append((url, title))
            if name == "teleprocedures:catalogue":
                links.extend(procedure_links())
        sections.append({"title": SECTIONS[key], "links": links})
    return sections
