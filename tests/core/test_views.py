"""The legal notice and the personal data pages, linked from every page's footer."""

import html

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_every_page_links_the_legal_notice_and_the_personal_data_page(client):
    page = text(client.get(reverse("booking:search")))
    footer = page.split('id="footer"')[1]
    for name, label in (
        ("core:legal", "Mentions légales"),
        ("core:privacy", "Données personnelles"),
    ):
        assert f'href="{reverse(name)}">{label}</a>' in footer


@override_settings(
    RENFORT_PUBLISHER="Éditeur fictif",
    RENFORT_HOST="Hébergeur fictif, 1 rue de l'Exemple, 75000 Paris",
    RENFORT_DPO_EMAIL="dpd@exemple.test",
    RENFORT_DEMO=False,
)
def test_the_legal_notice_and_the_personal_data_page_name_who_answers(client):
    legal = text(client.get(reverse("core:legal")))
    assert "Éditeur fictif, pour le dispositif" in legal
    assert "Hébergeur fictif, 1 rue de l'Exemple" in legal and "démonstration" not in legal
    privacy = text(client.get(reverse("core:privacy")))
    assert "Éditeur fictif, avec les agences régionales de santé" in privacy
    assert 'href="mailto:dpd@exemple.test"' in privacy
    for part in ('id="patients"', 'id="medecins"', 'id="lieux"', 'id="agents"'):
        assert part in privacy
    assert reverse("booking:notice") in privacy
    notice = text(client.get(reverse("booking:notice")))
    assert "article 9-2-h du RGPD" in notice and 'href="mailto:dpd@exemple.test"' in notice


@override_settings(RENFORT_HOST="", RENFORT_DEMO=True)
def test_a_demo_instance_says_so_and_an_unknown_host_is_not_invented(client):
    legal = text(client.get(reverse("core:legal")))
    assert "instance de démonstration" in legal
    assert "L'hébergeur de cette instance n'est pas encore renseigné" in legal


def test_the_sign_up_forms_point_to_the_personal_data_page(client):
    for url, anchor in (
        (reverse("doctors:signup"), "#medecins"),
        (reverse("sites:declare"), "#lieux"),
    ):
        assert f'href="{reverse("core:privacy")}{anchor}"' in client.get(url).content.decode()
