from django.urls import path

from appointments import views


app_name = "appointments"

urlpatterns = [
    path("rendez-vous/", views.start, name="start"),
    path("rendez-vous/<int:motif_pk>/", views.search, name="search"),
    path("rendez-vous/<int:motif_pk>/reserver/", views.book, name="book"),
    path("rendez-vous/gerer/<str:token>/", views.manage, name="manage"),
    path("rendez-vous/gerer/<str:token>/annuler/", views.cancel, name="cancel"),
    path("rendez-vous/gerer/<str:token>/deplacer/", views.move, name="move"),
]
