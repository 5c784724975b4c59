from django.urls import path

from dashboards import views


app_name = "dashboards"

urlpatterns = [
    path("agent/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("agent/tableau-de-bord/export/<slug:key>/", views.export, name="export"),
    path("agent/tableau-de-bord/avis/", views.comments, name="comments"),
    path("agent/tableau-de-bord/avis/<int:pk>/", views.moderate, name="moderate"),
    path("avis/<str:token>/", views.survey, name="survey"),
    path("statistiques/", views.public, name="public"),
    path("statistiques/donnees.csv", views.open_data, name="open_data"),
]
