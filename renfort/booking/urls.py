from django.urls import path

from . import views, views_day, views_waitlist

app_name = "booking"

urlpatterns = [
    path("", views.search, name="search"),
    path("lieu/<int:pk>/", views.site_slots, name="site_slots"),
    path("creneau/<int:pk>/", views.book, name="book"),
    path("donnees-personnelles/", views.notice, name="notice"),
    path("mon-rendez-vous/", views.lost_link, name="lost_link"),
    path("mon-rendez-vous/<str:secret>/", views.manage, name="manage"),
    path("mon-rendez-vous/<str:secret>/annuler/", views.cancel, name="cancel"),
    path("mon-rendez-vous/<str:secret>/deplacer/", views.move, name="move"),
    path("mon-rendez-vous/<str:secret>/rendez-vous.ics", views.ics, name="ics"),
    path("liste-attente/", views_waitlist.waitlist_register, name="waitlist"),
    path("liste-attente/deja-inscrit/", views_waitlist.waitlist_known, name="waitlist_known"),
    path(
        "liste-attente/<str:secret>/inscription/",
        views_waitlist.waitlist_done,
        name="waitlist_done",
    ),
    path(
        "liste-attente/<str:secret>/desinscription/",
        views_waitlist.waitlist_leave,
        name="waitlist_leave",
    ),
    path("proposition/<str:secret>/", views_waitlist.offer, name="offer"),
    path("agenda/", views_day.agenda, name="agenda"),
    path("agenda/<int:pk>/<str:day>/", views_day.day, name="day"),
    path("agenda/rendez-vous/<int:pk>/statut/", views_day.mark, name="mark"),
    path("agenda/mission/<int:pk>/sans-rendez-vous/", views_day.walk_in, name="walk_in"),
]
