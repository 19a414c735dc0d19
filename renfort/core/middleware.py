"""French answers for the errors Django and django-ninja send bare: the "method not allowed"
of HTML views (an empty body), and the 404/405 of the API (HTML or English text)."""

import json

from django.template.loader import render_to_string

API_PREFIX = "/api/"
API_NOT_FOUND = "Adresse inconnue de l'API : la liste des adresses est sur /api/docs."


def _json(response, detail: str) -> None:
    response.content = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    response["Content-Type"] = "application/json; charset=utf-8"


class MethodNotAllowedPage:
    """A GET on a form's POST-only address (a bookmark, a reload) shows a French explanation
    instead of a blank page. Under /api/, a 405 or a 404 that is not already JSON becomes a
    French JSON error (`{"detail": …}`), like the API's own errors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if request.path.startswith(API_PREFIX):
            is_json = response.get("Content-Type", "").startswith("application/json")
            if status == 405 and not is_json:
                allowed = response.get("Allow", "")
                _json(response, f"Méthode {request.method} non autorisée ici : utilisez {allowed}.")
            elif status == 404 and not is_json:
                _json(response, API_NOT_FOUND)
        elif status == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
