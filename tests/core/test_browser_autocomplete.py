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


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/rendez-vous/", "Suggestions : Commune ou code postal"),
        ("/zones/recherche/", None),
        ("/medecins/inscription/", "Suggestions : Commune d'exercice"),
    ],
)
def test_the_listbox_is_named_by_the_label_without_its_hint(page, url, name):
    """« Suggestions : Commune ou code postal », not « …postalPar exemple : Lacaune ou 81230. »
    (the hint is a span inside the label) nor the hidden « * » of a required field."""
    page.goto(url)
    listbox = page.locator("[role=listbox]").first
    label = listbox.get_attribute("aria-label")
    assert "Par exemple" not in label and "*" not in label and "  " not in label
    if name:
        assert label == name
    else:
        assert label.startswith("Suggestions : ") and label[-1].isalpha()


def test_open_suggestions_leave_the_search_button_clickable(page):
    """The list pushes the form down instead of covering its button: a mouse click on
    « Rechercher » searches what was typed, suggestions open or not."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/rendez-vous/")
    page.locator("#id_q").press_sequentially("Lacau")
    page.get_by_role("option", name="Lacaune (81230) — Tarn").wait_for()
    button = page.locator("#search-form").get_by_role("button", name="Rechercher")
    box = button.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "Rechercher"
    button.click(timeout=5000)
    page.wait_for_url("**/rendez-vous/?q=Lacau*")
