from django.urls import path

from accessibility import views


app_name = "accessibility"
urlpatterns = [
    path("accessibilite/", views.statement, name="statement"),
    path("accessibilite/schema-pluriannuel/", views.plan, name="plan"),
    path("accessibilite/signaler-un-probleme/", views.report, name="report"),
    path("parametres-d-affichage/", views.display_settings, name="display"),
    path("eco-conception/", views.ecodesign, name="ecodesign"),
]
