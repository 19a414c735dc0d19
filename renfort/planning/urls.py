from django.urls import path

from . import views, views_missions

app_name = "planning"

urlpatterns = [
    path("", views.index, name="index"),
    path("a-traiter/", views.todo, name="todo"),
    path("calcul/", views.run, name="run"),
    path("export/", views.export, name="export"),
    path("calcul/<int:pk>/etat/", views.run_status, name="run_status"),
    path("publier/", views.publish, name="publish"),
    path("confirmer/", views.confirm_accepted, name="confirm_accepted"),
    path("missions/<int:pk>/", views_missions.mission_detail, name="mission_detail"),
    path("missions/<int:pk>/verrou/", views.mission_lock, name="mission_lock"),
    path("missions/<int:pk>/retirer/", views.mission_remove, name="mission_remove"),
    path("missions/<int:pk>/statut/", views_missions.mission_transition, name="mission_transition"),
    path("mes-missions/", views_missions.doctor_missions, name="doctor_missions"),
    path("mes-missions/calendrier.ics", views_missions.doctor_ics, name="doctor_ics"),
    path("mon-lieu/", views_missions.site_missions, name="site_missions"),
]
