from django.urls import path

from appointments import views


app_name = "appointments"

urlpatterns = [
    path("rendez-vous/", views.start, name="start"),
    path("rendez-vous/gerer/<str:token>/", views.manage, name="manage"),
]
