from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import appointments, indicators, mail, views


app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/procedures/", views.ProcedureList.as_view(), name="procedures"),
    path("v1/procedures/<slug:slug>/", views.ProcedureDetail.as_view(), name="procedure"),
    path("v1/dossiers/", views.DossierList.as_view(), name="dossiers"),
    path("v1/dossiers/<str:number>/", views.DossierDetail.as_view(), name="dossier"),
    path("v1/dossiers/<str:number>/messages/", views.DossierMessages.as_view(), name="dossier_messages"),
    path("v1/dossiers/<str:number>/transitions/", views.DossierTransition.as_view(), name="dossier_transition"),
    path("v1/dossiers/<str:number>/fichiers/<int:pk>/", views.DossierFile.as_view(), name="dossier_file"),
    path("v1/motifs/", appointments.MotifList.as_view(), name="motifs"),
    path("v1/motifs/<int:pk>/disponibilites/", appointments.Availability.as_view(), name="availability"),
    path("v1/sites/", appointments.SiteList.as_view(), name="sites"),
    path("v1/rendez-vous/", appointments.AppointmentList.as_view(), name="appointments"),
    path("v1/rendez-vous/<int:pk>/annuler/", appointments.AppointmentCancel.as_view(), name="appointment_cancel"),
    path("v1/courrier/", mail.MailItemList.as_view(), name="mail_items"),
    path("v1/courrier/<str:number>/", mail.MailItemDetail.as_view(), name="mail_item"),
    path("v1/courrier/<str:number>/statut/", mail.MailItemStatus.as_view(), name="mail_item_status"),
    path("v1/contacts/", mail.ContactList.as_view(), name="contacts"),
    path("v1/indicateurs/", indicators.Indicators.as_view(), name="indicators"),
]
