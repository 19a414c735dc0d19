"""What managers and agents read of a site: the declaration form, the status, the errors."""

import html as htmllib

import pytest
from django.urls import reverse

from tests.sites.test_views import form_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_a_declaration_shown_again_asks_for_the_password_again(client):
    assert 'id="password-retype"' not in text(client.get(reverse("sites:declare")))
    page = text(client.post(reverse("sites:declare"), form_data(name="")))
    assert "Pour votre sécurité, saisissez de nouveau votre mot de passe." in page
