from django.urls import path

from teleprocedures import agent_views, views


app_name = "teleprocedures"

urlpatterns = [
    path("demarches/", views.catalogue, name="catalogue"),
    path("demarches/<slug:slug>/", views.procedure_detail, name="procedure"),
    path("demarches/<slug:slug>/commencer/", views.start, name="start"),
    path("mes-demarches/", views.dossier_list, name="dossier_list"),
    path("mes-demarches/<int:pk>/", views.dossier_detail, name="dossier"),
    path("mes-demarches/<int:pk>/etape/<slug:page_id>/", views.draft_page, name="draft_page"),
    path("mes-demarches/<int:pk>/recapitulatif/", views.draft_summary, name="draft_summary"),
    path("mes-demarches/<int:pk>/supprimer/", views.discard, name="discard"),
    path("mes-demarches/<int:pk>/fichiers/<int:attachment_pk>/", views.applicant_file, name="file"),
    path("agent/demarches/", agent_views.queue, name="queue"),
    path("agent/demarches/apercu/<int:version_pk>/", views.preview, name="preview"),
    path("agent/demarches/export/", agent_views.export, name="export"),
    path("agent/demarches/selection/", agent_views.bulk, name="bulk"),
    path("agent/demarches/depot-accompagne/", agent_views.assisted_start, name="assisted_start"),
    path("agent/demarches/<int:pk>/", agent_views.dossier, name="agent_dossier"),
    path("agent/demarches/<int:pk>/action/", agent_views.act, name="agent_act"),
    path("agent/demarches/<int:pk>/demande-de-pieces/", agent_views.request_info, name="agent_request_info"),
    path("agent/demarches/<int:pk>/decision/<slug:transition>/", agent_views.decide, name="agent_decide"),
    path("agent/demarches/<int:pk>/fichiers/<int:attachment_pk>/", views.agent_file, name="agent_file"),
]
