"""What managers and agents read of a site: the declaration form, the status, the errors."""

import html as htmllib

import pytest
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.notifications.models import Notification
from renfort.sites import services
from renfort.sites.models import SiteStatus
from tests.factories import UserFactory
from tests.sites.factories import SiteFactory
from tests.sites.test_views import form_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_a_declaration_shown_again_asks_for_the_password_again(client):
    assert 'id="password-retype"' not in text(client.get(reverse("sites:declare")))
    page = text(client.post(reverse("sites:declare"), form_data(name="")))
    assert "Pour votre sécurité, saisissez de nouveau votre mot de passe." in page


def test_an_hours_error_names_its_field_without_a_second_colon(client):
    data = form_data(**{"horaires-d0_morning_end": "08:00"})
    page = text(client.post(reverse("sites:declare"), data))
    assert (
        '<a href="#id_horaires-d0_morning_end">Lundi matin (fin) : L\'heure de fin doit être'
        in page
    )
    assert "Lundi matin : fin" not in page


def test_the_manager_reads_that_the_ars_is_to_validate(client):
    site = SiteFactory(proposed=True)
    client.force_login(site.manager)
    page = text(client.get(reverse("sites:manager_space")))
    assert "En attente de validation par l'ARS</span>" in page and "Proposé<" not in page
    services.site_transition(
        site=site,
        actor=UserFactory(role=Role.ARS_AGENT, region=site.region),
        to_status=SiteStatus.RETURNED,
        comment="Précisez les horaires.",
    )
    services.site_transition(site=site, actor=site.manager, to_status=SiteStatus.PROPOSED)
    email = Notification.objects.filter(kind="site_status").latest("pk")
    assert email.subject == (
        f"Votre lieu d'accueil « {site.name} » : en attente de validation par l'ARS"
    )
    assert "est désormais : en attente de validation par l'ARS." in email.body


def test_a_suspension_email_says_what_it_means_and_who_reopens():
    site = SiteFactory()
    services.site_transition(
        site=site,
        actor=UserFactory(role=Role.ARS_AGENT, region=site.region),
        to_status=SiteStatus.SUSPENDED,
        comment="Travaux dans les locaux",
    )
    email = Notification.objects.filter(kind="site_status").latest("pk")
    assert "n'est plus proposé aux médecins volontaires ni aux patients" in email.body
    assert "L'ARS le rouvrira quand la raison de la suspension sera réglée" in email.body
