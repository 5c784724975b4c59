from django.urls import path

from appointments import agent_views, views


app_name = "appointments"

urlpatterns = [
    path("rendez-vous/", views.start, name="start"),
    path("rendez-vous/<int:motif_pk>/", views.search, name="search"),
    path("rendez-vous/<int:motif_pk>/reserver/", views.book, name="book"),
    path("rendez-vous/gerer/<str:token>/", views.manage, name="manage"),
    path("rendez-vous/invitation/<str:token>/", views.invitation, name="invitation"),
    path("rendez-vous/gerer/<str:token>/annuler/", views.cancel, name="cancel"),
    path("rendez-vous/gerer/<str:token>/deplacer/", views.move, name="move"),
    path("rendez-vous/gerer/<str:token>/liste-d-attente/", views.waitlist, name="waitlist"),
    path("agent/rendez-vous/", agent_views.day, name="agent_day"),
    path("agent/rendez-vous/<int:pk>/statut/", agent_views.set_status, name="agent_status"),
    path("agent/rendez-vous/<int:pk>/convocation/", agent_views.convocation, name="agent_convocation"),
    path("agent/rendez-vous/semaine/", agent_views.week, name="agent_week"),
    path("agent/rendez-vous/seances/", agent_views.sessions, name="agent_sessions"),
    path("agent/rendez-vous/seances/<int:pk>/", agent_views.session_detail, name="agent_session"),
    path("agent/rendez-vous/reserver/", agent_views.book, name="agent_book"),
    path("agent/rendez-vous/invitations/", agent_views.invitation_list, name="agent_invitations"),
    path("agent/rendez-vous/reserver/confirmer/", agent_views.book_confirm, name="agent_book_confirm"),
]
