from django.urls import reverse
from django.utils.translation import gettext as _


def procedure_links():
    from teleprocedures.models import Procedure

    return [(reverse("teleprocedures:procedure", args=[p.slug]), p.get_title()) for p in Procedure.objects.published()]


def site_map_sections():
    """Return the public pages, grouped as they appear in the site map."""
    return [
        {
            "title": _("Online services"),
            "links": [
                (reverse("portal:home"), _("Home")),
                (reverse("teleprocedures:catalogue"), _("Online procedures")),
                *procedure_links(),
                (reverse("mailroom:write"), _("Write to the Département")),
                (reverse("dashboards:public"), _("Statistics of our services")),
            ],
        },
        {
            "title": _("My account"),
            "links": [
                (reverse("account_signup"), _("Create an account")),
                (reverse("account_login"), _("Sign in")),
                (reverse("account_reset_password"), _("Forgotten password")),
                (reverse("portal:my_space"), _("My space")),
                (reverse("mailroom:my_mail"), _("My mail")),
                (reverse("portal:profile"), _("My profile")),
                (reverse("portal:personal_data"), _("My personal data")),
            ],
        },
        {
            "title": _("About this site"),
            "links": [
                (reverse("portal:accessibility"), _("Accessibility")),
                (reverse("portal:legal_notice"), _("Legal notice")),
                (reverse("portal:privacy"), _("Personal data")),
                (reverse("portal:cookies"), _("Cookies")),
                (reverse("portal:contact"), _("Contact")),
                (reverse("portal:site_map"), _("Site map")),
            ],
        },
    ]
