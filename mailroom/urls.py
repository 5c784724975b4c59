from django.urls import path

from mailroom import views


app_name = "mailroom"

urlpatterns = [
    path("ecrire-au-departement/", views.write, name="write"),
    path("mon-espace/mon-courrier/", views.my_mail, name="my_mail"),
    path("agent/courrier/<int:pk>/", views.item, name="item"),
]
