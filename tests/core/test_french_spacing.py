"""The space inside French quotation marks never breaks: « Actif » is sent with no-break
spaces on every HTML page, whatever template or message wrote it."""

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from renfort.core.middleware import FrenchSpacing

NBSP = "\u00a0"


def test_guillemets_get_no_break_spaces_on_html_pages_only():
    request = RequestFactory().get("/")
    page = FrenchSpacing(lambda r: HttpResponse("<p>Statut « Actif » (« À compléter »)</p>"))
    body = page(request).content.decode()
    assert body == f"<p>Statut «{NBSP}Actif{NBSP}» («{NBSP}À compléter{NBSP}»)</p>"
    api = FrenchSpacing(lambda r: JsonResponse({"detail": "« Actif »"}))
    assert NBSP not in api(request).content.decode()  # JSON is data, not typography


@pytest.mark.django_db
def test_a_real_page_is_sent_with_them():
    response = Client().get(reverse("booking:search"), {"q": "zzzz-introuvable"})
    text = response.content.decode()
    assert f"«{NBSP}" in text and "« " not in text and " »" not in text
    assert int(response["Content-Length"]) == len(response.content)
