"""A French page for the "method not allowed" answers of HTML views (Django sends them empty)."""

from django.template.loader import render_to_string


class MethodNotAllowedPage:
    """A GET on a form's POST-only address (a bookmark, a reload) shows a French explanation
    instead of a blank page. API answers are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith("/api/")
        ):
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
