"""Browser test of the commune autocomplete (core/autocomplete.js) with the keyboard."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_escape_closes_the_suggestions_and_keeps_the_text(page):
    page.goto("/zones/recherche/")
    field = page.locator("#commune-search")
    field.press_sequentially("Lacau")
    page.get_by_role("option", name="Lacaune (81230) — Tarn").wait_for()
    status = page.get_by_role("status").filter(has_text="suggestion")
    assert "suggestion" in status.inner_text() and "flèches haut et bas" in status.inner_text()
    field.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    assert field.input_value() == "Lacau"
    field.press("ArrowDown")  # the list is closed: nothing happens, the text stays
    assert field.input_value() == "Lacau"
