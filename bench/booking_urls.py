from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping", ping), path("", include("config.urls"))]
