from django.urls import path

from . import views, views_public

app_name = "sites"

urlpatterns = [
    path("", views_public.public_map, name="public_map"),
    path("lieux.geojson", views_public.public_geojson, name="public_geojson"),
    path("<int:pk>/", views_public.public_detail, name="public_detail"),
    path("declarer/", views.declare, name="declare"),
    path("declarer/<int:pk>/merci/", views.declared, name="declared"),
    path("mon-lieu/", views.manager_space, name="manager_space"),
    path("mon-lieu/<int:pk>/message/", views.message, name="message"),
    path("gestion/<int:pk>/modifier/", views.edit, name="edit"),
    path("gestion/<int:pk>/ouverture/", views.opening_days, name="opening_days"),
    path("gestion/<int:pk>/ouverture/exception/", views.exception_add, name="exception_add"),
    path(
        "gestion/<int:pk>/ouverture/exception/<int:exception_pk>/supprimer/",
        views.exception_delete,
        name="exception_delete",
    ),
    path("gestion/<int:pk>/statut/", views.transition, name="transition"),
    path("region/", views.agent_list, name="agent_list"),
    path("region/export/", views.export, name="export"),
    path("region/<int:pk>/", views.detail, name="detail"),
]
