from django.contrib import admin
from django.urls import include, path

from renfort.accounts.views import admin_login

# The admin speaks of Renfort, not of Django.
admin.site.site_header = "Administration de Renfort"
admin.site.site_title = "Administration de Renfort"
admin.site.index_title = "Tables de la plateforme"

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
    # Before the admin's own URLs: its login goes through the throttled login page.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]

handler400 = "renfort.core.views.bad_request"
