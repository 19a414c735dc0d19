from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("renfort.core.urls")),
    path("compte/", include("renfort.accounts.urls")),
    path("territoires/", include("renfort.territories.urls")),
    path("zones/", include("renfort.zoning.urls")),
    path("medecins/", include("renfort.doctors.urls")),
    path("lieux/", include("renfort.sites.urls")),
    path("planification/", include("renfort.planning.urls")),
    path("rendez-vous/", include("renfort.booking.urls")),
    path("api/", include("renfort.api.urls")),
    path("admin/", admin.site.urls),
]
