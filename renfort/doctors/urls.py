from django.urls import path

from . import views, views_agents

app_name = "doctors"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("mon-espace/", views.space, name="space"),
    path("mon-espace/disponibilites/", views.availability_add, name="availability_add"),
    path(
        "mon-espace/disponibilites/<int:pk>/retirer/",
        views.availability_remove,
        name="availability_remove",
    ),
    path("mon-espace/territoire/", views.coverage, name="coverage"),
    path("mon-espace/preferences/", views.preferences, name="preferences"),
    path("mon-espace/dossier/", views.profile, name="profile"),
    path("mon-espace/retrait/", views.withdraw, name="withdraw"),
    path("mon-espace/statut/", views.space_transition, name="space_transition"),
    path("agents/", views_agents.agent_list, name="agent_list"),
    path("agents/export/", views_agents.export, name="export"),
    path("agents/<int:pk>/", views_agents.agent_detail, name="agent_detail"),
    path("agents/<int:pk>/statut/", views_agents.agent_transition, name="agent_transition"),
    path("agents/<int:pk>/complement/", views_agents.agent_completion, name="agent_completion"),
]
