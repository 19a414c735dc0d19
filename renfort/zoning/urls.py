from django.urls import path

from . import views

app_name = "zoning"

urlpatterns = [
    path("", views.zone_list, name="list"),
    path("carte/", views.zone_map, name="map"),
    path("carte/zones.geojson", views.zones_geojson, name="geojson"),
    path("recherche/", views.commune_search, name="search"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/ajouter/", views.add, name="add"),
    path("gestion/<str:siren>/retirer/", views.remove, name="remove"),
    path("<str:siren>/", views.zone_detail, name="detail"),
]
