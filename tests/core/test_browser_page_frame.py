"""Browser test of the page frame (templates/base.html, core/renfort.js): skip links and
scrolling tables, on a phone and a desktop screen."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_menu_skip_link_reaches_the_menu_button_on_a_phone(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/zones/")
    page.locator('.fr-skiplinks a[href="#menu-principal"]').focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "button-menu"


def test_the_menu_skip_link_goes_to_the_menu_on_a_desktop(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/zones/")
    page.locator('.fr-skiplinks a[href="#menu-principal"]').focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#menu-principal")
    assert page.evaluate("document.activeElement.id") != "button-menu"


def test_a_table_that_scrolls_on_a_phone_takes_the_focus(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/zones/")
    table = page.locator("#regions-table > table")
    assert table.get_attribute("tabindex") == "0"  # it scrolls sideways: keyboard reachable
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(
        "!document.querySelector('#regions-table > table').hasAttribute('tabindex')"
    )
