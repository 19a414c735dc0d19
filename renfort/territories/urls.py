from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("communes/autocompletion/", views.commune_autocomplete, name="commune_autocomplete"),
    path("departements.geojson", views.departements_geojson, name="departements_geojson"),
]
