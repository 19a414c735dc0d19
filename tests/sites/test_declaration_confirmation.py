"""The public declaration's email confirmation: the site goes to the ARS once its manager has
confirmed the address; an address with an account gets the same answer and nothing is saved;
a logged-in manager's declaration is unchanged."""

import html as htmllib
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from renfort.accounts.models import User
from renfort.notifications.models import Notification
from renfort.sites.models import Site
from renfort.territories.models import Region
from tests.confirmation import confirmation_path
from tests.factories import UserFactory

from .test_views import form_data

pytestmark = pytest.mark.django_db
EMAIL = "sam@test.renfort.example"


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


@pytest.fixture
def ars76(db):
    return UserFactory(ars=True, region=Region.objects.get(code="76"), email="ars@test.fr")


@pytest.fixture
def agent(ars76):
    """A second browser, the ARS agent's."""
    browser = Client()
    browser.force_login(ars76)
    return browser


def test_the_ars_hears_of_the_site_only_once_the_address_is_confirmed(client, ars76, agent):
    client.post(reverse("sites:declare"), form_data())
    site = Site.objects.get()
    assert not Notification.objects.filter(recipient=ars76.email).exists()
    assert not site.manager.is_active
    login = {"username": EMAIL, "password": "Un-mot-de-passe-solide-42"}
    assert not client.post(reverse("accounts:login"), login).context["user"].is_authenticated
    assert site.name not in text(agent.get(reverse("sites:agent_list")))
    assert agent.get(reverse("sites:detail", args=[site.pk])).status_code == 404
    client.post(confirmation_path(EMAIL))
    assert Notification.objects.get(recipient=ars76.email).kind == "site_proposed"
    assert site.name in text(agent.get(reverse("sites:agent_list")))
    space = client.get(reverse("sites:manager_space"))
    assert space.status_code == 200
    assert "Dernier motif de l'ARS" not in text(space)  # the manager's step, no ARS reason


@pytest.mark.parametrize("existing", ["site_manager", "doctor"])
def test_an_address_with_an_account_gets_the_same_page_and_an_email(client, ars76, existing):
    owner = UserFactory(email=EMAIL, **{existing: True})
    response = client.post(reverse("sites:declare"), form_data(), follow=True)
    page = text(response)
    assert "Consultez votre messagerie" in page and "existe déjà" not in page
    assert not Site.objects.exists() and set(User.objects.all()) == {owner, ars76}
    mail = Notification.objects.get()
    assert (mail.kind, mail.recipient) == ("account_exists", EMAIL)
    assert "fictif" not in mail.body  # not the site name typed by the sender


def test_a_manager_declaring_the_same_site_again_is_led_to_the_first_one(client, ars76):
    manager = UserFactory(site_manager=True)
    client.force_login(manager)
    data = form_data()
    for key in ("manager_first_name", "manager_last_name", "manager_email", "password1",
                "password2"):  # fmt: skip
        data.pop(key)
    client.post(reverse("sites:declare"), data)
    site = Site.objects.get()
    page = text(client.post(reverse("sites:declare"), {**data, "token": str(uuid.uuid4())}))
    assert "Vous avez déjà déclaré ce lieu" in page
    assert f'href="{reverse("sites:detail", args=[site.pk])}"' in page
    assert Site.objects.count() == 1


def test_a_logged_in_manager_declares_another_site_at_once(client, ars76):
    manager = UserFactory(site_manager=True)
    client.force_login(manager)
    data = form_data()
    for key in ("manager_first_name", "manager_last_name", "manager_email", "password1",
                "password2"):  # fmt: skip
        data.pop(key)
    response = client.post(reverse("sites:declare"), data)
    site_pk = Site.objects.get().pk
    assert response.url == reverse("sites:declared", args=[site_pk])
    assert Site.objects.get().status == "proposed"
    assert Notification.objects.filter(recipient=ars76.email, kind="site_proposed").exists()


def test_the_ars_declaring_for_an_unconfirmed_address_replaces_the_sign_up(client, agent):
    client.post(reverse("sites:declare"), form_data())
    old_path = confirmation_path(EMAIL)
    data = form_data(token="3f1e7a2c-0000-4000-8000-000000000002", name="Lieu (fictif) ARS")
    data.pop("password1"), data.pop("password2")
    agent.post(reverse("sites:declare"), data)
    site = Site.objects.select_related("manager").get()
    assert site.status == "validated" and site.manager.is_active
    assert client.post(old_path).status_code == 400
