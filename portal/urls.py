from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

from portal import views


portal_patterns = [
    path("", views.home, name="home"),
    path("connexion/suite/", views.home_redirect, name="home_redirect"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("mon-espace/profil/", views.profile, name="profile"),
    path("mon-espace/mes-proches/", views.relatives, name="relatives"),
    path("mon-espace/mes-donnees/", views.personal_data, name="personal_data"),
    path("mon-espace/mes-donnees/telecharger/", views.personal_data_download, name="personal_data_download"),
    path("mon-espace/supprimer-mon-compte/", views.account_deletion, name="account_deletion"),
    path("agent/", views.agent_home, name="agent_home"),
    path("agent/exports/<int:pk>/", views.export_status, name="export"),
    path("agent/exports/<int:pk>/fichier/", views.export_download, name="export_download"),
    path("mentions-legales/", views.legal_page("legal_notice", gettext_lazy("Legal notice"), 20), name="legal_notice"),
    path("donnees-personnelles/", views.legal_page("privacy", gettext_lazy("Personal data"), 21), name="privacy"),
    path("cookies/", views.legal_page("cookies", gettext_lazy("Cookies"), 22), name="cookies"),
    path("contact/", views.contact, name="contact"),
    path("plan-du-site/", views.site_map, name="site_map"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]
urlpatterns += i18n_patterns(
    path("", include((portal_patterns, "portal"))),
    path("", include("teleprocedures.urls")),
    path("", include("appointments.urls")),
    path("", include("mailroom.urls")),
    path("", include("dashboards.urls")),
    path("", include("accessibility.urls")),
    path("compte/", include("allauth.urls")),
    prefix_default_language=False,
)
