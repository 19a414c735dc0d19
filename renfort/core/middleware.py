"""French answers for the errors Django and django-ninja send bare: the "method not allowed"
of HTML views (an empty body), and the 404/405 of the API (HTML or English text); French
spacing inside guillemets on every page; signed-in pages never kept in a cache."""

import json

from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"
API_NOT_FOUND = "Adresse inconnue de l'API : la liste des adresses est sur /api/docs."
API_BAD_REQUEST = (
    "Requête invalide : vérifiez l'adresse et les paramètres (la liste des adresses de l'API "
    "est sur /api/docs)."
)


def json_detail(response, detail: str) -> None:
    """The response's body becomes the API's French error, `{"detail": …}`."""
    response.content = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    response["Content-Type"] = "application/json; charset=utf-8"


class MethodNotAllowedPage:
    """A GET on a form's POST-only address (a bookmark, a reload) shows a French explanation
    instead of a blank page. Under /api/, a 405 or a 404 that is not already JSON becomes a
    French JSON error (`{"detail": …}`), like the API's own errors.

    Under /api/, HEAD is answered as GET, as Django's own views do (django-ninja routes only
    the methods an endpoint declares, and declaring HEAD would list every endpoint twice in
    the OpenAPI schema); the server sends the headers without the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith(API_PREFIX)
        head = api and request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.get_response(request)
        if head:
            request.method = "HEAD"
        status = response.status_code
        if api:
            is_json = response.get("Content-Type", "").startswith("application/json")
            if status == 405 and not is_json:
                allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
                if "GET" in allowed and "HEAD" not in allowed:
                    allowed.append("HEAD")
                response["Allow"] = ", ".join(allowed)
                json_detail(
                    response,
                    f"Méthode {request.method} non autorisée ici : utilisez "
                    f"{' ou '.join(allowed)}.",
                )
            elif status == 404 and not is_json:
                json_detail(response, API_NOT_FOUND)
        elif status == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


# « Actif » must never break after « or before »: the space inside French quotation marks is
# a no-break space. Written in a few hundred templates and messages (some in Python), it is
# put right once here, on the page as sent.
GUILLEMET_SPACES = ((b"\xc2\xab ", "«\u00a0".encode()), (b" \xc2\xbb", "\u00a0»".encode()))


class FrenchSpacing:
    """HTML pages: « + space and space + » get a no-break space (a bytes replace, a few
    microseconds per page). Attribute values and typed text shown again are the same text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = response.content
        if b"\xc2\xab " in content or b" \xc2\xbb" in content:
            for plain, unbreakable in GUILLEMET_SPACES:
                content = content.replace(plain, unbreakable)
            response.content = content
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(content))
        return response


class PrivatePages:
    """What a signed-in person is sent (a day's patients with their phones, a volunteer list,
    an export, a calendar file) is never stored by the browser or a proxy: a shared computer
    at a host site must not show it again from its cache after logout. Views that set their
    own Cache-Control keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
