"""Pagination of the agents' lists (volunteers, sites: 50 rows a page; the planning table: 100),
the filters kept in the page links (`core/_pagination.html`); the exports stay complete."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def paginate(request, items, size: int | None = None) -> tuple[Page, str]:
    """The page asked for (`?page=`: the last one beyond it, the first one when it is not a
    number) and the query string without `page`, for the page links and the export links."""
    page = Paginator(items, size or PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
