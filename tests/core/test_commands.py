import pytest
from django.core.management import call_command

from renfort.accounts.models import User

pytestmark = pytest.mark.django_db


def test_bootstrap_on_loaded_database_loads_nothing_again(capsys):
    call_command("demo_data")
    users = User.objects.count()
    call_command("bootstrap")
    assert User.objects.count() == users
    assert "Base déjà initialisée" in capsys.readouterr().out


def test_pages_render(client):
    for url in ["/", "/sources/", "/accessibilite/", "/zones/carte/", "/zones/recherche/"]:
        assert client.get(url).status_code == 200, url


def test_accessibility_statement_gives_a_contact(client, settings):
    settings.RENFORT_CONTACT_EMAIL = "accessibilite@renfort.example.gouv.fr"
    page = client.get("/accessibilite/").text
    assert 'href="mailto:accessibilite@renfort.example.gouv.fr"' in page
    assert "adresse de contact du service" not in page


def test_a_demonstration_says_so_on_every_page(client, settings):
    settings.RENFORT_DEMO = True
    page = client.get("/").text
    assert 'id="demo-notice"' in page and "sont fictifs" in page
    assert "Données de démonstration fictives." in page
    settings.RENFORT_DEMO = False
    assert 'id="demo-notice"' not in client.get("/").text


def test_the_home_page_leads_each_newcomer_to_their_first_step(client):
    page = client.get("/").text
    assert 'href="/rendez-vous/" id="card-patient"' in page
    assert 'href="/medecins/inscription/" id="card-doctor"' in page
    assert 'href="/lieux/declarer/" id="card-site"' in page
    assert 'href="/compte/connexion/" id="card-agent"' in page
