from django.urls import path

from mailroom import agent_views, views


app_name = "mailroom"

urlpatterns = [
    path("ecrire-au-departement/", views.write, name="write"),
    path("mon-espace/mon-courrier/", views.my_mail, name="my_mail"),
    path("mon-espace/mon-courrier/<int:pk>/pieces/<int:attachment_pk>/", views.my_attachment, name="my_attachment"),
    path("agent/courrier/", agent_views.queue, name="queue"),
    path("agent/courrier/enregistrer/", agent_views.register, name="register"),
    path("agent/courrier/expediteurs/", agent_views.sender_matches, name="sender_matches"),
    path("agent/courrier/selection/", agent_views.bulk, name="bulk"),
    path("agent/courrier/export/", agent_views.export, name="export"),
    path("agent/courrier/contacts/<int:pk>/", agent_views.contact, name="contact"),
    path("agent/courrier/<int:pk>/", agent_views.item, name="item"),
    path("agent/courrier/<int:pk>/repondre/", agent_views.reply, name="reply"),
    path("agent/courrier/<int:pk>/pieces/<int:attachment_pk>/", agent_views.attachment, name="attachment"),
]
